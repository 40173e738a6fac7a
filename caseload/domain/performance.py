"""Timeliness indicators: was the work done within its timescale? (docs/equity-and-performance.md)

An indicator (scheme data, the `performance` section: docs/scheme-format.md) starts a clock on a case date or
event and stops it at the first completing event on or after the start. Each clock is, as of a date:

* **on time**: completed on or before the due date;
* **late**: completed after the due date;
* **overdue**: not completed, and the due date has passed;
* **pending**: not completed, and not yet due.

Completions after the "as of" date are ignored, so a past month is assessed as it stood at its end.
The due date is the start plus `days` calendar days, or the date of the `days`-th working day (Monday to
Friday) after the start; bank holidays are not known to the engine and count as working days.

% on time = on time ÷ (on time + late + overdue) × 100: clocks not yet due are left out, so a team is
neither rewarded nor penalised for work that is not yet due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from caseload.domain.reader import Node
from caseload.domain.scheme import DayBasis, Indicator, Performance

#: The clock may start on the case's start (sentence, order or plan) date or the date it was received.
CASE_START = "case_start"
CASE_RECEIVED = "case_received"
CASE_DATES = (CASE_START, CASE_RECEIVED)

#: Case event kinds an indicator may name (kept equal to `caseload.cases.models.EventKind` by a test).
EVENT_KINDS = frozenset(
    {
        "allocated",
        "reallocated",
        "level_changed",
        "status_changed",
        "closed",
        "report_requested",
        "report_completed",
        "cms_contact",
        "contact",
        "flags_changed",
        "category_changed",
        "report_voided",
        "appointment",
        "assessment_completed",
        "review",
        "visit",
    }
)
MAX_DAYS = 730


# -- the scheme section ---------------------------------------------------------------------------------


def parse_performance(node: Node, categories: object) -> Performance:
    """The `performance` section: indicators keyed by code (see docs/scheme-format.md). `categories` is the
    file's raw `categories` mapping, whose keys are the codes an indicator may name."""
    if node.value is None or not node.is_mapping():
        return Performance()
    node.only("indicators")
    known = {str(code) for code in categories} if isinstance(categories, dict) else set()
    indicators = []
    for code, entry in node.items("indicators"):
        if not entry.is_mapping():
            continue
        entry.only("name", "starts", "completed_by", "days", "day_basis", "categories", "contact_types")
        starts = entry.text("starts")
        if starts and starts not in CASE_DATES and starts not in EVENT_KINDS:
            entry.problem(f"must be {' or '.join(CASE_DATES)}, or a case event kind", "starts")
        completed_by = entry.texts("completed_by")
        if not completed_by:
            entry.problem("must list at least one case event kind", "completed_by")
        for kind in completed_by:
            if kind not in EVENT_KINDS:
                entry.problem(f"unknown case event kind {kind!r}", "completed_by")
        wanted = entry.texts("categories")
        for category in wanted:
            if category not in known:
                entry.problem(f"unknown category {category!r}", "categories")
        indicators.append(
            Indicator(
                code=code,
                name=entry.text("name"),
                starts=starts,
                completed_by=completed_by,
                days=entry.integer("days", 0, MAX_DAYS),
                day_basis=DayBasis(entry.choice("day_basis", tuple(DayBasis), DayBasis.CALENDAR)),
                categories=wanted,
                contact_types=entry.texts("contact_types"),
            )
        )
    return Performance(tuple(indicators))


def dump_performance(performance: Performance) -> dict[str, Any]:
    """The section as file data (parses back to an equal `Performance`)."""
    indicators: dict[str, Any] = {}
    for indicator in performance.indicators:
        entry: dict[str, Any] = {
            "name": indicator.name,
            "starts": indicator.starts,
            "completed_by": list(indicator.completed_by),
            "days": indicator.days,
            "day_basis": str(indicator.day_basis),
        }
        if indicator.categories:
            entry["categories"] = list(indicator.categories)
        if indicator.contact_types:
            entry["contact_types"] = list(indicator.contact_types)
        indicators[indicator.code] = entry
    return {"indicators": indicators} if indicators else {}


# -- the clocks ------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date of the `days`-th Monday-to-Friday day after `start` (`start` itself when `days` is 0)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def due_date(indicator: Indicator, start: dt.date) -> dt.date:
    """Start + `days` calendar days, or the `days`-th working day after the start."""
    if indicator.day_basis is DayBasis.WORKING:
        return add_working_days(start, indicator.days)
    return start + dt.timedelta(days=indicator.days)


def outcome(due: dt.date, completed: dt.date | None, as_of: dt.date) -> Outcome:
    """On time, late, overdue or pending as of a date (a completion after `as_of` has not happened yet)."""
    if completed is not None and completed <= as_of:
        return Outcome.ON_TIME if completed <= due else Outcome.LATE
    return Outcome.OVERDUE if as_of > due else Outcome.PENDING


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    on: dt.date
    contact_type: str = ""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What an indicator needs to know about one case; `holder` and `team` are labels for tallying."""

    category: str
    received: dt.date
    start: dt.date | None
    events: tuple[Event, ...]
    holder: int | None = None
    team: int | None = None


@dataclass(frozen=True, slots=True)
class Clock:
    indicator: str
    started: dt.date
    due: dt.date
    completed: dt.date | None
    outcome: Outcome
    holder: int | None
    team: int | None


def _completes(indicator: Indicator, event: Event) -> bool:
    if event.kind not in indicator.completed_by:
        return False
    return not indicator.contact_types or event.contact_type in indicator.contact_types


def clocks(indicator: Indicator, case: CaseFacts, as_of: dt.date) -> list[Clock]:
    """The indicator's clocks on one case, as of a date.

    A case date (`case_start`, `case_received`) starts one clock; an event kind starts a clock at each of
    its occurrences, each stopped by the next completing event on or after it that no earlier clock used.
    Nothing for a category the indicator does not cover, a missing start date or a start after `as_of`."""
    if indicator.categories and case.category not in indicator.categories:
        return []
    if indicator.starts == CASE_START:
        starts = [case.start] if case.start is not None else []
    elif indicator.starts == CASE_RECEIVED:
        starts = [case.received]
    else:
        starts = sorted(e.on for e in case.events if e.kind == indicator.starts)
    completions = sorted(e.on for e in case.events if _completes(indicator, e))
    result = []
    for started in starts:
        if started > as_of:
            continue
        completed = next((day for day in completions if day >= started), None)
        if completed is not None and indicator.starts not in CASE_DATES:
            completions.remove(completed)
        due = due_date(indicator, started)
        result.append(
            Clock(
                indicator.code,
                started,
                due,
                completed,
                outcome(due, completed, as_of),
                case.holder,
                case.team,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class Tally:
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0

    @property
    def due(self) -> int:
        """Clocks whose outcome is settled or overdue: everything but pending."""
        return self.on_time + self.late + self.overdue

    @property
    def total(self) -> int:
        return self.due + self.pending

    @property
    def percent_on_time(self) -> Decimal | None:
        """on time ÷ (on time + late + overdue) × 100; None when nothing was due."""
        if not self.due:
            return None
        value = Fraction(self.on_time * 100, self.due)
        return Decimal(value.numerator) / Decimal(value.denominator)


def tally(found: Iterable[Clock]) -> Tally:
    """Count clocks by outcome."""
    counts = dict.fromkeys(Outcome, 0)
    for clock in found:
        counts[clock.outcome] += 1
    return Tally(
        counts[Outcome.ON_TIME], counts[Outcome.LATE], counts[Outcome.OVERDUE], counts[Outcome.PENDING]
    )


def clocks_due_between(
    performance: Performance,
    cases: Sequence[CaseFacts],
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
) -> dict[str, list[Clock]]:
    """Per indicator code, the clocks of the cases whose due date falls in [first, last], as of a date."""
    found: dict[str, list[Clock]] = {indicator.code: [] for indicator in performance.indicators}
    for indicator in performance.indicators:
        for case in cases:
            found[indicator.code].extend(c for c in clocks(indicator, case, as_of) if first <= c.due <= last)
    return found
