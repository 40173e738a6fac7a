from __future__ import annotations

from typing import Any

import yaml
from django import forms

from caseload.domain.scheme_parser import SchemeError, parse_scheme
from caseload.domain.strict_loading import DuplicateKeyError, load_yaml
from caseload.schemes.models import SchemeVersion


def problems_as_messages(error: SchemeError) -> list[str]:
    """Each problem as 'field.path: message', the way the scheme file names it."""
    return [f"{path or '(top level)'}: {message}" for path, message in error.problems]


class SchemeVersionForm(forms.ModelForm):
    """Edit a draft as YAML. The text is validated by the points engine's parser on save; every problem is
    listed with its field path and the text typed is kept."""

    definition_yaml = forms.CharField(
        label="Scheme definition (YAML)",
        widget=forms.Textarea(
            attrs={"rows": 40, "cols": 110, "spellcheck": "false", "style": "font-family: monospace"}
        ),
        help_text="The whole scheme file. See docs/scheme-format.md for every field.",
    )

    class Meta:
        model = SchemeVersion
        fields = ["notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.is_draft:
            del self.fields["definition_yaml"]  # published versions are read-only
        elif self.instance.pk and not self.is_bound:
            self.initial["definition_yaml"] = yaml.safe_dump(
                self.instance.definition, sort_keys=False, allow_unicode=True
            )

    def clean_definition_yaml(self) -> dict[str, Any]:
        try:
            data = load_yaml(self.cleaned_data["definition_yaml"])
        except (yaml.YAMLError, DuplicateKeyError) as error:
            raise forms.ValidationError(f"This is not valid YAML: {error}") from error
        if not isinstance(data, dict):
            raise forms.ValidationError("The definition must be a YAML mapping (name: …, version: …).")
        try:
            parsed = parse_scheme(data)
        except SchemeError as error:
            raise forms.ValidationError(problems_as_messages(error)) from error
        if self.instance.pk and parsed.name != self.instance.scheme.code:
            raise forms.ValidationError(f"name: must stay {self.instance.scheme.code!r}")
        others = SchemeVersion.objects.filter(scheme_id=self.instance.scheme_id).exclude(pk=self.instance.pk)
        if self.instance.pk and others.filter(version=parsed.version).exists():
            raise forms.ValidationError(
                f"version: {self.instance.scheme.code} already has a version {parsed.version}"
            )
        return data


class SchemeImportForm(forms.Form):
    file = forms.FileField(label="Scheme file (.yaml, .yml or .json)")
