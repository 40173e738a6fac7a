"""The audit log's filter form."""

from __future__ import annotations

from typing import Any

from django import forms

from caseload.core.models import AuditEntry
from caseload.core.presenters import object_type_label


class AuditFilterForm(forms.Form):
    """Filters for the audit log, sent by GET so that a filtered list has a shareable address."""

    object_type = forms.ChoiceField(required=False)
    object_id = forms.CharField(required=False, max_length=64)
    actor = forms.CharField(required=False, max_length=150)
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditEntry.Action.choices])
    date_from = forms.DateField(
        required=False, error_messages={"invalid": "Enter the first date as a real date, like 2026-03-16"}
    )
    date_to = forms.DateField(
        required=False, error_messages={"invalid": "Enter the last date as a real date, like 2026-03-31"}
    )

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Any"), *((t, object_type_label(t)) for t in object_types)]
        self.fields["object_type"].choices = choices
        self.fields["object_type"].error_messages["invalid_choice"] = "Choose a type of record from the list"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last date must be the same as or after the first date")
        return data

    def filters(self) -> dict[str, Any]:
        """The filters that are valid (a field with an error is left out), for `selectors.audit_entries`."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def error_list(self) -> list[dict[str, str]]:
        """The errors for GOV.UK's error summary, each linking to its field."""
        return [
            {"text": str(message), "href": f"#id_{name}"}
            for name, messages in self.errors.items()
            for message in messages
        ]

    def select_items(self, name: str) -> list[dict[str, Any]]:
        """A choice field's options for GOV.UK's select, the current one selected."""
        current = self.value(name)
        return [
            {"value": value, "text": str(text), "selected": value == current}
            for value, text in self.fields[name].choices  # type: ignore[attr-defined]
        ]

    def value(self, name: str) -> str:
        """What the person typed or chose, to show back in the form."""
        raw = self[name].value()
        return "" if raw is None else str(raw)
