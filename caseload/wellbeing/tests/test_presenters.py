"""Presenters hand templates ready values (no HTTP)."""

from __future__ import annotations

import datetime as dt

from caseload.organisations.models import OrgUnit
from caseload.wellbeing.forms import parse_item
from caseload.wellbeing.models import AlertStatus
from caseload.wellbeing.presenters import aggregate_rows, alert_row, item_label, long_date, plan_due_text
from caseload.wellbeing.selectors import UnitCounts
from caseload.wellbeing.tests.access import _alert


def test_item_labels_and_parsing():
    assert item_label("case", "ABC123") == "Case ABC123"
    assert item_label("court_report", "R-9") == "Court report R-9"
    assert parse_item("case:ABC 123") == ("case", "ABC 123")
    assert parse_item("reduction:7") == ("reduction", "7")
    assert parse_item("nonsense") is None
    assert parse_item("Case:1") is None  # kinds are lower case
    assert parse_item("case:") is None


def test_long_date():
    assert long_date(dt.date(2026, 3, 6)) == "6 March 2026"
    assert long_date(None) == ""


def test_alert_row_with_and_without_names(legacy, practitioner_user, frozen_now):
    class W:
        membership = practitioner_user.practitioner.memberships.get()

    alert = _alert(W)
    named = alert_row(alert)
    assert named.person == "Pat Practitioner" and named.team == "North Team A"
    assert named.title == "Sustained overload: Over 110% for 4 consecutive weeks"
    assert named.status == "Open" and named.tag_class == "govuk-tag--red"
    assert named.detail == "Action plan due 26 March 2026"
    assert named.href == f"/wellbeing/alerts/{alert.pk}/"
    assert alert_row(alert, with_person=False).person == ""


def test_the_plan_due_date_says_when_it_has_passed_without_a_plan(legacy, practitioner_user, frozen_now):
    class W:
        membership = practitioner_user.practitioner.memberships.get()

    alert = _alert(W)  # opened 16 March 2026, plan due 26 March
    due = alert.action_plan_due
    late = due + dt.timedelta(days=1)
    assert plan_due_text(alert, has_plan=False, today=due) == "26 March 2026"
    assert plan_due_text(alert, has_plan=False, today=late) == "26 March 2026 (overdue: no plan recorded)"
    assert plan_due_text(alert, has_plan=True, today=late) == "26 March 2026"
    alert.status = AlertStatus.RESOLVED
    assert plan_due_text(alert, has_plan=False, today=late) == "26 March 2026"
    alert.action_plan_due = None
    assert plan_due_text(alert, has_plan=False, today=late) == "No deadline in the scheme"


def test_aggregate_rows_are_numeric_cells():
    unit = OrgUnit(name="North Area")
    rows = aggregate_rows([UnitCounts(unit, 3, 1, 2, 4, 0)])
    assert rows == [
        [
            {"text": "North Area"},
            {"text": "3", "format": "numeric"},
            {"text": "1", "format": "numeric"},
            {"text": "2", "format": "numeric"},
            {"text": "4", "format": "numeric"},
            {"text": "0", "format": "numeric"},
        ]
    ]
