"""Forms for recording agreed caseloads and supervision sessions. Dates use GOV.UK date inputs
(`<name>-day`, `-month`, `-year`); the rules are the services' to apply."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from caseload.organisations.forms import parse_date
from caseload.supervision.models import SupervisionKind


def _percent(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(200),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {label}",
            "invalid": f"The {label} must be a number, like 85",
            "min_value": f"The {label} must be 0% or more",
            "max_value": f"The {label} must be 200% or less",
            "max_digits": f"The {label} must be 200% or less",
            "max_decimal_places": f"The {label} can have up to 2 decimal places",
        },
    )


class DateInputsForm(forms.Form):
    """A form with GOV.UK date inputs listed in DATES as (name, label, required)."""

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
        if self.is_bound:
            return str(self.data.get(f"{name}-{part}", ""))
        value = self.initial.get(name)
        if isinstance(value, dt.date):
            return str({"day": value.day, "month": value.month, "year": value.year}[part])
        return ""

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
            else:
                self.add_error(None, messages[0])
                self.date_errors[name] = messages[0]

    def errors_by_field(self) -> dict[str, str]:
        messages = {name: errors[0] for name, errors in self.errors.items() if name != "__all__"}
        messages.update(self.date_errors)
        if not messages and self.errors.get("__all__"):
            messages["__all__"] = self.errors["__all__"][0]
        return messages


class AgreementForm(DateInputsForm):
    DATES = (("agreed_on", "Date agreed", True), ("review_date", "Review date", True))

    expected_min_percent = _percent("lowest expected workload")
    expected_max_percent = _percent("highest expected workload")
    development_percent = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(50),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": "Development time must be a number, like 10",
            "min_value": "Development time must be 0% or more",
            "max_value": "Development time must be 50% or less",
        },
    )
    no_sole_cp_or_court = forms.BooleanField(required=False)
    protected_notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    manager_confirms = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("development_percent") is None:
            cleaned["development_percent"] = Decimal(0)
        return cleaned


class SessionForm(DateInputsForm):
    DATES = (("held_on", "Date of the supervision", True),)

    duration_minutes = forms.IntegerField(
        min_value=5,
        max_value=600,
        error_messages={
            "required": "Enter how long the supervision lasted, in minutes",
            "invalid": "The length must be a whole number of minutes, like 60",
            "min_value": "The length must be at least 5 minutes",
            "max_value": "The length must be 600 minutes or less",
        },
    )
    kind = forms.ChoiceField(
        choices=SupervisionKind.choices, error_messages={"required": "Select the type of supervision"}
    )
    extra_hours = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": "Extra hours must be a number, like 4.5",
            "min_value": "Extra hours cannot be negative",
            "max_value": "Extra hours must be 100 or fewer",
        },
    )
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
