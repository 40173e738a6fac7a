"""Forms for managers changing a practitioner's contracted hours and reductions. The rules (the reason's
default and maximum %, automatic end dates) are the services' to apply; these forms only parse input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from caseload.organisations.models import ReductionReason

HOURS_ERRORS = {
    "required": "Enter the contracted hours a week",
    "invalid": "Contracted hours must be a number, like 37 or 22.5",
    "min_value": "Contracted hours must be 0 or more",
    "max_value": "Contracted hours must be 48 or fewer",
    "max_decimal_places": "Contracted hours can have up to 2 decimal places",
    "max_digits": "Contracted hours must be 48 or fewer",
}


class HoursForm(forms.Form):
    contracted_hours = forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal(48),
        max_digits=5,
        decimal_places=2,
        error_messages=HOURS_ERRORS,
    )


def parse_date(data: Any, name: str, label: str, *, required: bool) -> tuple[dt.date | None, str | None]:
    """A date from a GOV.UK date input (`<name>-day`, `-month`, `-year`) and an error message if it is not
    a real date."""
    parts = [str(data.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None, (f"Enter the {label.lower()}" if required else None)
    missing = [part for part, value in zip(("day", "month", "year"), parts, strict=True) if not value]
    if missing:
        return None, f"The {label.lower()} must include a {' and '.join(missing)}"
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900:
            raise ValueError
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"The {label.lower()} must be a real date, like 27 3 2026"


class DateInputsForm(forms.Form):
    """A form with GOV.UK date inputs (`<name>-day`, `-month`, `-year`) listed in DATES as (name, label,
    required). It keeps what was typed for redisplay and shows services' ValidationErrors by field."""

    DATES: tuple[tuple[str, str, bool], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.date_errors: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, label, required in self.DATES:
            value, error = parse_date(self.data, name, label, required=required)
            if error:
                self.add_error(None, error)
                self.date_errors[name] = error
            cleaned[name] = value
        return cleaned

    def date_value(self, name: str, part: str) -> str:
        """What the user typed in one box of a date input (for redisplay)."""
        if self.is_bound:
            return str(self.data.get(f"{name}-{part}", ""))
        value = self.initial.get(name)
        if isinstance(value, dt.date):
            return str({"day": value.day, "month": value.month, "year": value.year}[part])
        return ""

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError (messages per field) against the right inputs."""
        for name, messages in error.message_dict.items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
            else:
                self.add_error(None, messages[0])
                self.date_errors[name] = messages[0]

    def errors_by_field(self) -> dict[str, str]:
        """The first message for each field, date inputs included, for the template and error summary."""
        messages = {name: errors[0] for name, errors in self.errors.items() if name != "__all__"}
        messages.update(self.date_errors)
        if not messages and self.errors.get("__all__"):
            messages["__all__"] = self.errors["__all__"][0]
        return messages


class ReductionForm(DateInputsForm):
    """A reduction of available hours. Dates come from GOV.UK date inputs named effective_from-day etc."""

    reason = forms.ModelChoiceField(
        queryset=ReductionReason.objects.filter(enabled=True),
        error_messages={"required": "Select a reason", "invalid_choice": "Select a reason from the list"},
    )
    hours = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(48),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": "Hours must be a number, like 3.7",
            "min_value": "Hours cannot be negative",
            "max_value": "Hours must be 48 or fewer",
            "max_decimal_places": "Hours can have up to 2 decimal places",
            "max_digits": "Hours must be 48 or fewer",
        },
    )
    notes = forms.CharField(required=False, widget=forms.Textarea, max_length=2000)

    DATES = (("effective_from", "Start date", True), ("effective_to", "End date", False))


class DeleteReductionForm(forms.Form):
    note = forms.CharField(required=False, max_length=500, label="Why is it being deleted? (optional)")
