"""Timeliness indicators: was the work done within its timescale? (docs/equity-and-performance.md)

An indicator (scheme data, the `performance` section: docs/scheme-format.md) starts a clock on a case date or
event and stops it at the first completing event on or after the start. Each clock is, as of a date:

* **on time**: completed on or before the due date;
* **late**: completed after the due date;
* **overdue**: not completed, and the due date has passed;
* **pending**: not completed, and not yet due.

Completions after the "as of" date are ignored, so a past month is assessed as it stood at its end.
The due date is the start plus `days` calendar days, or the date of the `days`-th working day after the start:
Monday to Friday, except the bank holidays passed in (`holidays`, a set of dates: the engine stays pure and the
caller chooses the calendar, caseload/reports/bank_holidays.py).

A **recurring** indicator (`then_every`) is a chain: the first clock as above, then each completion starts
the next clock on the completion date, due `then_every` days (or working days) later. There is one open clock
at a time: a missed clock stays overdue until the late completion, which then starts the next one. Clocks
still open when the case closed and due after its closed date are not counted (the work was no longer needed).

% on time = on time ÷ (on time + late + overdue) × 100: clocks not yet due are left out, so a team is
neither rewarded nor penalised for work that is not yet due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
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
        entry.only(
            "name",
            "starts",
            "completed_by",
            "days",
            "day_basis",
            "then_every",
            "then_day_basis",
            "categories",
            "contact_types",
        )
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
        then_every = entry.optional_integer("then_every", 1, MAX_DAYS)
        then_day_basis = None
        if entry.has("then_day_basis"):
            then_day_basis = DayBasis(entry.choice("then_day_basis", tuple(DayBasis)))
            if not entry.has("then_every"):
                entry.problem("needs then_every (the interval of the follow-on clocks)", "then_day_basis")
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
                then_every=then_every,
                then_day_basis=then_day_basis,
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
        if indicator.then_every is not None:
            entry["then_every"] = indicator.then_every
        if indicator.then_day_basis is not None:
            entry["then_day_basis"] = str(indicator.then_day_basis)
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


NO_HOLIDAYS: frozenset[dt.date] = frozenset()


def add_working_days(start: dt.date, days: int, holidays: frozenset[dt.date] = NO_HOLIDAYS) -> dt.date:
    """The date of the `days`-th working day after `start` (`start` itself when `days` is 0): Monday to
    Friday, skipping the dates in `holidays`."""
    return _add_working_days(start, days, holidays)


@lru_cache(maxsize=32768)  # a report asks for the same few timescales from the same dates many times
def _add_working_days(start: dt.date, days: int, holidays: frozenset[dt.date]) -> dt.date:
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            remaining -= 1
    return day


def due_date(
    indicator: Indicator, start: dt.date, holidays: frozenset[dt.date] = NO_HOLIDAYS, *, repeat: bool = False
) -> dt.date:
    """Start + `days` calendar days, or the `days`-th working day after the start; with `repeat`, the due
    date of a follow-on clock of a recurring indicator (`then_every` on `then_day_basis`)."""
    days, basis = indicator.days, indicator.day_basis
    if repeat:
        if indicator.then_every is None:
            raise ValueError(f"indicator {indicator.code!r} does not recur")
        days, basis = indicator.then_every, indicator.repeat_basis
    if basis is DayBasis.WORKING:
        return add_working_days(start, days, holidays)
    return start + dt.timedelta(days=days)


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
    closed: dt.date | None = None


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


def _starts(indicator: Indicator, case: CaseFacts) -> list[dt.date]:
    if indicator.starts == CASE_START:
        return [case.start] if case.start is not None else []
    if indicator.starts == CASE_RECEIVED:
        return [case.received]
    return sorted(e.on for e in case.events if e.kind == indicator.starts)


def _one_off(
    indicator: Indicator, starts: list[dt.date], completions: list[dt.date], holidays: frozenset[dt.date]
) -> list[tuple[dt.date, dt.date, dt.date | None]]:
    """(started, due, completed) for each start: stopped by the first completion on or after it; an event
    start uses up its completion, so a second report requested needs a second report completed."""
    found = []
    for started in starts:
        completed = next((day for day in completions if day >= started), None)
        if completed is not None and indicator.starts not in CASE_DATES:
            completions.remove(completed)
        found.append((started, due_date(indicator, started, holidays), completed))
    return found


def _chain(
    indicator: Indicator,
    started: dt.date,
    completions: list[dt.date],
    as_of: dt.date,
    holidays: frozenset[dt.date],
) -> list[tuple[dt.date, dt.date, dt.date | None]]:
    """(started, due, completed) along a recurring indicator's chain: the first clock is stopped by the first
    completion on or after its start, each later clock by the first completion after its start (several
    completions on one day count once), and each completion starts the next clock. It ends at the open clock,
    or at a clock started after `as_of`, so there are at most len(completions) + 1 clocks."""
    found = []
    due = due_date(indicator, started, holidays)
    pending = iter(completions)
    completed = next((day for day in pending if day >= started), None)
    while True:
        found.append((started, due, completed))
        if completed is None or completed > as_of:
            return found
        started = completed
        due = due_date(indicator, started, holidays, repeat=True)
        completed = next((day for day in pending if day > started), None)


def _counted(completed: dt.date | None, due: dt.date, closed: dt.date | None) -> bool:
    """Not counted: a clock still open when the case closed whose due date falls after the closed date."""
    if closed is None or due <= closed:
        return True
    return completed is not None and completed <= closed


def clocks(
    indicator: Indicator, case: CaseFacts, as_of: dt.date, holidays: frozenset[dt.date] = NO_HOLIDAYS
) -> list[Clock]:
    """The indicator's clocks on one case, as of a date, oldest first.

    A case date (`case_start`, `case_received`) starts one clock; an event kind starts a clock at each of
    its occurrences, each stopped by the next completing event on or after it that no earlier clock used.
    A recurring indicator starts one chain at its first start (module docstring). Nothing for a category the
    indicator does not cover, a missing start date or a start after `as_of`; clocks open at the case's
    closing and due after it are left out."""
    if indicator.categories and case.category not in indicator.categories:
        return []
    starts = _starts(indicator, case)
    completions = sorted(e.on for e in case.events if _completes(indicator, e))
    if not indicator.recurs:
        found = _one_off(indicator, starts, completions, holidays)
    elif starts:
        found = _chain(indicator, starts[0], completions, as_of, holidays)
    else:
        found = []
    return [
        Clock(
            indicator.code,
            started,
            due,
            completed,
            outcome(due, completed, as_of),
            case.holder,
            case.team,
        )
        for started, due, completed in found
        if started <= as_of and _counted(completed, due, case.closed)
    ]


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
    holidays: frozenset[dt.date] = NO_HOLIDAYS,
) -> dict[str, list[Clock]]:
    """Per indicator code, the clocks of the cases whose due date falls in [first, last], as of a date."""
    found: dict[str, list[Clock]] = {indicator.code: [] for indicator in performance.indicators}
    for indicator in performance.indicators:
        for case in cases:
            found[indicator.code].extend(
                c for c in clocks(indicator, case, as_of, holidays) if first <= c.due <= last
            )
    return found


Period = tuple[dt.date, dt.date]


def clocks_due_in_periods(
    performance: Performance,
    cases: Sequence[CaseFacts],
    periods: Sequence[Period],
    today: dt.date,
    holidays: frozenset[dt.date] = NO_HOLIDAYS,
) -> list[dict[str, list[Clock]]]:
    """For each period (first, last), what `clocks_due_between` gives as of min(last, today): each period
    assessed as it stood at its end (or today), with every case's clocks worked out once.

    This holds because a clock's start, due date and completion do not depend on the "as of" date; only its
    outcome does, and a clock due by the end of a period started by then (a test checks the equality)."""
    found: list[dict[str, list[Clock]]] = [
        {indicator.code: [] for indicator in performance.indicators} for _ in periods
    ]
    ends = [min(last, today) for _, last in periods]
    for indicator in performance.indicators:
        for case in cases:
            for clock in clocks(indicator, case, today, holidays):
                for index, (first, last) in enumerate(periods):
                    if first <= clock.due <= last:
                        assessed = outcome(clock.due, clock.completed, ends[index])
                        found[index][indicator.code].append(replace(clock, outcome=assessed))
    return found
