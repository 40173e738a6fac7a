"""Presenters of the workload page, without HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from caseload.core.models import AuditEntry
from caseload.domain.scheme import RagBand
from caseload.organisations.presenters import (
    _chart_bands,
    _due_rows,
    history_rows,
    rag_colour,
    reason_options,
)


def test_rag_colours():
    assert [rag_colour(c) for c in ("blue", "green", "amber", "red", "purple")] == [
        "blue",
        "green",
        "yellow",
        "red",
        "grey",
    ]


def test_chart_bands_mark_where_each_band_ends():
    bands = (
        RagBand("blue", "Under 85%", below=Decimal(85)),
        RagBand("green", "85% to 100%", up_to=Decimal(100)),
        RagBand("red", "Over 100%"),
    )
    assert _chart_bands(bands) == [(Decimal(85), "85%"), (Decimal(100), "100%")]


def test_due_rows_within_four_weeks_only():
    on = dt.date(2026, 3, 16)
    cases = [
        SimpleNamespace(reference="A", expected_end_date=on, expected_release_date=None),
        SimpleNamespace(
            reference="B", expected_end_date=dt.date(2026, 4, 20), expected_release_date=dt.date(2026, 3, 17)
        ),
    ]
    rows = list(_due_rows(SimpleNamespace(on=on, due_soon=cases)))
    assert [(r.reference, r.what, r.date, r.in_days) for r in rows] == [
        ("A", "Expected end", "16 March 2026", "Today"),
        ("B", "Expected release", "17 March 2026", "In 1 day"),
    ]


def test_reason_options_describe_the_rules():
    reason = SimpleNamespace(pk=7, name="Maternity leave")
    rules = SimpleNamespace(default_percent=Decimal(100), max_percent=None, months_to_expiry=6)
    (option,) = reason_options([reason], lambda r: rules)
    assert (option.value, option.text) == (
        "7",
        "Maternity leave (fixed at 100% of hours; ends after 6 months)",
    )


def test_history_rows_in_words():
    changed = AuditEntry(
        action=AuditEntry.Action.UPDATE,
        object_repr="Other: 2 h",
        before={"hours": "2.00", "reason": 3, "membership": 1},
        after={"hours": "4.00", "reason": 4, "membership": 1},
        at=dt.datetime(2026, 3, 16, 10, tzinfo=dt.UTC),
    )
    (row,) = history_rows([changed], {"3": "Other", "4": "Disability"})
    assert row.what == "Changed Other: 2 h"
    assert row.changes == "Hours: 2.00 → 4.00; Reason: Other → Disability"
    assert row.who == "System"
    assert row.when == "16 March 2026 at 10:00"
