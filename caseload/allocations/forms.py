"""Forms for allocation pages: register filters, the choice (allocate / reallocate), approvals, search."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.validators import validate_email

from caseload.cases.models import ReallocationReason
from caseload.domain.allocation import Priority

SORT_CHOICES = [
    ("priority", "Priority"),
    ("waiting", "Days waiting (longest first)"),
    ("due", "First appointment due"),
    ("received", "Date received"),
    ("reference", "Case reference"),
    ("team", "Team"),
]


class RegisterFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label="Team or area", required=False, coerce=int, empty_value=None)
    priority = forms.ChoiceField(
        label="Priority",
        required=False,
        choices=[("", "Any")] + [(p.value, p.value.title()) for p in Priority],
    )
    category = forms.CharField(label="Category code", required=False, max_length=60)
    q = forms.CharField(label="Reference or name", required=False, max_length=100)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, units: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "All"), *units]


def _emails(value: str) -> list[str]:
    addresses = [
        part.strip() for part in value.replace(";", ",").replace("\n", ",").split(",") if part.strip()
    ]
    for address in addresses:
        try:
            validate_email(address)
        except forms.ValidationError as error:
            raise forms.ValidationError(f"“{address}” is not an email address.") from error
    return addresses


class AllocateForm(forms.Form):
    membership = forms.TypedChoiceField(
        label="Who should hold the case?",
        coerce=int,
        error_messages={"required": "Choose who should hold the case."},
    )
    justification = forms.CharField(
        label="Justification",
        required=False,
        widget=forms.Textarea,
        max_length=4000,
        help_text="Required when the person's projected workload passes the red threshold.",
    )
    notes = forms.CharField(label="Decision notes", required=False, widget=forms.Textarea, max_length=4000)
    sensitive = forms.BooleanField(label="The notes contain sensitive information", required=False)
    copy_to = forms.CharField(
        label="Send a copy of the email to (optional)",
        required=False,
        max_length=1000,
        help_text="Email addresses, separated by commas.",
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    wider = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = list(choices)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)

    def clean_copy_to(self) -> list[str]:
        return _emails(self.cleaned_data.get("copy_to") or "")


class ReallocateForm(AllocateForm):
    reason = forms.ChoiceField(
        label="Why is the case being reallocated?",
        choices=ReallocationReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case is being reallocated."},
    )
    notify_previous = forms.BooleanField(label="Also tell the previous practitioner", required=False)


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or decline."},
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea, max_length=4000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say why the request is declined.")
        return data


class HistorySearchForm(forms.Form):
    q = forms.CharField(label="Search allocations", required=False, max_length=100)
