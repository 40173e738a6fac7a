"""Forms for raising concerns and queries, recording action plans, closing alerts and responding."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from caseload.wellbeing.models import QueryStatus

ITEM = re.compile(r"^(?P<kind>[a-z][a-z0-9_-]{0,39}):(?P<reference>\S.{0,119})$")


def parse_item(value: str) -> tuple[str, str] | None:
    """`<kind>:<reference>` as the practitioner page links items ("case:ABC123"), or None when malformed."""
    match = ITEM.match(value.strip())
    return (match["kind"], match["reference"].strip()) if match else None


class ConcernForm(forms.Form):
    text = forms.CharField(
        max_length=5000,
        error_messages={"required": "Describe your concern", "max_length": "Keep it under 5,000 characters"},
    )


class FlagItemForm(forms.Form):
    note = forms.CharField(
        max_length=2000,
        error_messages={"required": "Say what looks wrong", "max_length": "Keep it under 2,000 characters"},
    )


class PlanForm(forms.Form):
    actions = forms.CharField(max_length=5000, error_messages={"required": "Enter the actions agreed"})
    owner = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": "Choose who owns the plan", "invalid_choice": "Choose who owns the plan"},
    )
    review_date_day = forms.IntegerField(required=False, min_value=1, max_value=31)
    review_date_month = forms.IntegerField(required=False, min_value=1, max_value=12)
    review_date_year = forms.IntegerField(required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, owners: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get(f"review_date_{p}") for p in ("day", "month", "year")]
        for p in ("day", "month", "year"):
            self.errors.pop(f"review_date_{p}", None)
        try:
            if None in parts:
                raise ValueError
            review = dt.date(parts[2], parts[1], parts[0])  # type: ignore[arg-type]
        except ValueError:
            self.add_error(None, forms.ValidationError("Enter a real review date", code="review_date"))
            self.review_date_error = "Enter a real review date"
            return data
        if review < self.today:
            self.review_date_error = "The review date must be today or in the future"
            self.add_error(None, forms.ValidationError(self.review_date_error, code="review_date"))
            return data
        data["review_date"] = review
        return data

    review_date_error = ""


class CloseForm(forms.Form):
    note = forms.CharField(max_length=2000, error_messages={"required": "Say why you are closing the alert"})


class ConcernResponseForm(forms.Form):
    response = forms.CharField(max_length=5000, error_messages={"required": "Enter your response"})


class QueryResponseForm(forms.Form):
    response = forms.CharField(max_length=5000, error_messages={"required": "Enter your response"})
    status = forms.ChoiceField(
        choices=[
            (QueryStatus.ANSWERED, "No change needed"),
            (QueryStatus.CORRECTED, "It has been corrected"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the item was corrected"},
    )
