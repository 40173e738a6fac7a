"""Forms for recording agreed caseloads and supervision sessions. Dates use GOV.UK date inputs
(`<name>-day`, `-month`, `-year`); the rules are the services' to apply."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from caseload.organisations.forms import DateInputsForm
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
