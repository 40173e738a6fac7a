"""Presenters for the lock-out page and the audit log, without HTTP."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator

from caseload.core.models import AuditEntry
from caseload.core.presenters import (
    format_value,
    object_type_label,
    present_audit_entry,
    present_audit_rows,
    present_lockout,
    present_pagination,
)

LONDON = ZoneInfo("Europe/London")


def _lockout(at: dt.datetime, minutes: int | None = 15):
    return present_lockout(
        username="sam",
        attempted_at=at,
        cool_off=None if minutes is None else dt.timedelta(minutes=minutes),
        contact="the service desk",
        email="",
    )


@pytest.mark.parametrize(
    ("at", "minutes", "expected"),
    [
        (dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON), 15, "10:15am"),
        (dt.datetime(2026, 3, 16, 10, 0, 20, tzinfo=LONDON), 15, "10:16am"),  # rounded up, never early
        (dt.datetime(2026, 3, 16, 11, 30, tzinfo=LONDON), 30, "midday"),
        (dt.datetime(2026, 3, 16, 13, 0, tzinfo=LONDON), 60, "2pm"),
        (dt.datetime(2026, 3, 16, 23, 50, tzinfo=LONDON), 15, "12:05am on 17 March 2026"),
    ],
)
def test_when_a_locked_out_person_may_try_again(at, minutes, expected):
    assert _lockout(at, minutes).try_again_at == expected


def test_the_wait_is_described_in_words():
    at = dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)
    assert _lockout(at, 15).wait == "15 minutes"
    assert _lockout(at, 1).wait == "1 minute"
    assert _lockout(at, 60).wait == "1 hour"
    assert _lockout(at, 120).wait == "2 hours"


def test_a_lock_without_a_cool_off_has_no_end_time():
    lockout = _lockout(dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON), None)
    assert (lockout.try_again_at, lockout.wait, lockout.contact) == ("", "", "the service desk")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "Not set"),
        (True, "Yes"),
        (False, "No"),
        ("", "(blank)"),
        ("37.00", "37.00"),
        (12, "12"),
        (["b", "a"], '["b", "a"]'),
        ({"z": 1, "a": 2}, '{"a": 2, "z": 1}'),
    ],
)
def test_values_are_shown_as_text(value, expected):
    assert format_value(value) == expected


def test_object_types_are_named_by_their_model():
    assert object_type_label("organisations.orgunit") == "Organisation unit"
    assert object_type_label("core.user") == "User"
    assert object_type_label("gone.model") == "gone.model"


def _unsaved_entry(**kwargs) -> AuditEntry:
    values = {
        "pk": 41,
        "at": dt.datetime(2026, 3, 16, 9, 5, 7, tzinfo=dt.UTC),
        "action": AuditEntry.Action.UPDATE,
        "object_type": "organisations.orgunit",
        "object_id": "3",
        "object_repr": "North Team A (NORTH-A)",
        "before": {"name": "North Team", "parent": 1},
        "after": {"name": "North Team A", "parent": 1, "closed_on": "2026-04-01"},
    }
    values.update(kwargs)
    return AuditEntry(**values)


def test_audit_rows():
    [row] = present_audit_rows([_unsaved_entry()])
    assert row.url == "/audit/41/"
    assert row.when == "16 Mar 2026 09:05:07"  # GMT in March before the clocks change
    assert row.actor == "System"
    assert row.action == "Changed"
    assert row.object_type == "Organisation unit"
    assert (row.object_repr, row.object_id) == ("North Team A (NORTH-A)", "3")


def test_an_entry_lists_only_the_changed_fields_with_before_and_after():
    detail = present_audit_entry(_unsaved_entry(note="Imported"))
    assert detail.title == "Changed: North Team A (NORTH-A)"
    assert [(c.field, c.before, c.after) for c in detail.changes] == [
        ("Closed on", "Not set", "2026-04-01"),
        ("Name", "North Team", "North Team A"),
    ]
    keys = [row["key"]["text"] for row in detail.summary]
    assert keys == ["When", "Who", "What", "Type of record", "Record", "Note"]
    assert detail.history_url == "/audit/?object_type=organisations.orgunit&object_id=3"


def test_a_creation_lists_every_field_as_new():
    detail = present_audit_entry(
        _unsaved_entry(action=AuditEntry.Action.CREATE, before=None, after={"name": "X"})
    )
    assert [(c.field, c.before, c.after) for c in detail.changes] == [("Name", "Not set", "X")]


def test_pagination_keeps_the_filters():
    page = Paginator(list(range(120)), 50).get_page(2)
    pagination = present_pagination(page, "/audit/", {"actor": "tom", "action": "update"})
    assert pagination.previous_url == "/audit/?actor=tom&action=update&page=1"
    assert pagination.next_url == "/audit/?actor=tom&action=update&page=3"
    assert pagination.description == "Showing 51 to 100 of 120 changes"


def test_pagination_of_a_single_page_has_no_links():
    page = Paginator([], 50).get_page(1)
    pagination = present_pagination(page, "/audit/", {})
    assert (pagination.previous_url, pagination.next_url, pagination.description) == (None, None, "")
