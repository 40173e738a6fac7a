"""The form for recording an event on a case page. It parses input and says what is missing for the kind
chosen; the rules (who may have done it, contact types of the scheme) are `record_case_event`'s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from caseload.cases.models import EventKind
from caseload.cases.presenters import Choice
from caseload.organisations.forms import DateInputsForm

REPORT_KINDS = {EventKind.REPORT_REQUESTED, EventKind.REPORT_COMPLETED}


class EventForm(DateInputsForm):
    """What happened, when, who did it (editors only) and notes. The kinds, report types, contact types and
    people offered are given by the view (`caseload.cases.presenters`); `doers=None` leaves out the
    "who did it" question (the holder recording their own work)."""

    kind = forms.ChoiceField(
        error_messages={
            "required": "Select what happened",
            "invalid_choice": "Select what happened from the list",
        }
    )
    report_type = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a report type from the list"}
    )
    contact_type = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a contact type from the list"}
    )
    practitioner = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select who did it from the list"}
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
    )

    DATES = (("occurred_on", "Date", True),)

    def __init__(
        self,
        *args: Any,
        kinds: Sequence[Choice],
        report_types: Sequence[Choice],
        contact_types: Sequence[Choice],
        doers: Sequence[Choice] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(c.value, c.text) for c in kinds]
        self.fields["report_type"].choices = [("", "Choose a report type")] + [
            (c.value, c.text) for c in report_types
        ]
        self.fields["contact_type"].choices = [("", "Choose a contact type")] + [
            (c.value, c.text) for c in contact_types
        ]
        if doers is None:
            del self.fields["practitioner"]
        else:
            self.fields["practitioner"].choices = [("", "The case holder")] + [
                (c.value, c.text) for c in doers
            ]

    @property
    def offers_reports(self) -> bool:
        return any(value in REPORT_KINDS for value, _ in self.fields["kind"].choices)

    @property
    def offers_support_contacts(self) -> bool:
        return any(value == EventKind.CMS_CONTACT for value, _ in self.fields["kind"].choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day = cleaned.get("occurred_on")
        if day is not None and day > timezone.localdate():
            self._date_error("The date must be today or in the past")
        kind = cleaned.get("kind")
        if kind in REPORT_KINDS and not cleaned.get("report_type"):
            self.add_error("report_type", "Select the report type")
        if kind == EventKind.CMS_CONTACT:
            if not cleaned.get("contact_type"):
                self.add_error("contact_type", "Select the contact type")
            if "practitioner" in self.fields and not cleaned.get("practitioner"):
                self.add_error("practitioner", "Select who did the support contact")
        return cleaned

    def _date_error(self, message: str) -> None:
        self.add_error(None, message)
        self.date_errors["occurred_on"] = message

    def add_service_errors(self, error: ValidationError) -> None:
        """As DateInputsForm's, but a problem with who did it goes against the date when the form does not
        ask who (the holder was not in a team on that date)."""
        if (
            "practitioner" not in self.fields
            and hasattr(error, "error_dict")
            and "practitioner" in error.error_dict
        ):
            messages = error.message_dict
            self._date_error(messages.pop("practitioner")[0])
            if not messages:
                return
            error = ValidationError(messages)
        super().add_service_errors(error)
