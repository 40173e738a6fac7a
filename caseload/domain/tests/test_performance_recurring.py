"""Recurring timeliness indicators (`then_every`), bank holidays in working days, and each month of a trend
assessed as it stood: worked by hand, then as properties (hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.performance import (
    CaseFacts,
    Clock,
    Event,
    Outcome,
    add_working_days,
    clocks,
    clocks_due_between,
    clocks_due_in_periods,
    due_date,
    dump_performance,
    parse_performance,
)
from caseload.domain.reader import Node
from caseload.domain.scheme import DayBasis, Indicator, Performance
from caseload.domain.scheme_dump import dump_scheme
from caseload.domain.scheme_parser import SchemeError, parse_scheme
from caseload.domain.tests.helpers import children, preset, preset_data

D = dt.date
EASTER_2026 = frozenset({D(2026, 4, 3), D(2026, 4, 6)})  # Good Friday, Easter Monday (England and Wales)
CHRISTMAS_2026 = frozenset({D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 28)})  # 28th: Boxing Day observed
CP_VISITS = Indicator(
    "cp-visit",
    "CP visits",
    "allocated",
    ("visit",),
    10,
    DayBasis.WORKING,
    ("child-protection",),
    then_every=10,
)


def case(*events: Event, category: str = "child-protection", closed: dt.date | None = None) -> CaseFacts:
    return CaseFacts(category, D(2026, 2, 20), D(2026, 2, 20), events, holder=7, team=3, closed=closed)


def visits(*days: dt.date) -> tuple[Event, ...]:
    return tuple(Event("visit", day) for day in days)


def summary(found: list[Clock]) -> list[tuple[dt.date, dt.date, dt.date | None, Outcome]]:
    return [(c.started, c.due, c.completed, c.outcome) for c in found]


# -- working days and bank holidays ---------------------------------------------------------------------------


def test_working_days_skip_bank_holidays() -> None:
    # Thursday 24 December 2026 + 1 working day: Friday 25th and Monday 28th are bank holidays
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 25)
    assert add_working_days(D(2026, 12, 24), 1, CHRISTMAS_2026) == D(2026, 12, 29)
    # Thursday 2 April 2026 + 1: over Good Friday, the weekend and Easter Monday to Tuesday 7 April
    assert add_working_days(D(2026, 4, 2), 1, EASTER_2026) == D(2026, 4, 7)
    # a start on a holiday itself counts from the next working day
    assert add_working_days(D(2026, 4, 3), 1, EASTER_2026) == D(2026, 4, 7)
    assert add_working_days(D(2026, 4, 3), 0, EASTER_2026) == D(2026, 4, 3)


def test_due_dates_of_both_kinds_of_clock_take_the_holidays() -> None:
    # 27 March + 10 working days: 10 April, or 14 April over Easter
    assert due_date(CP_VISITS, D(2026, 3, 27)) == D(2026, 4, 10)
    assert due_date(CP_VISITS, D(2026, 3, 27), EASTER_2026) == D(2026, 4, 14)
    assert due_date(CP_VISITS, D(2026, 3, 27), EASTER_2026, repeat=True) == D(2026, 4, 14)
    calendar = Indicator("c", "Calendar", "case_start", ("visit",), 7)
    assert due_date(calendar, D(2026, 4, 1), EASTER_2026) == D(2026, 4, 8)  # calendar days ignore holidays
    with pytest.raises(ValueError, match="does not recur"):
        due_date(calendar, D(2026, 4, 1), repeat=True)


# -- a chain of clocks, by hand --------------------------------------------------------------------------------


def test_each_visit_starts_the_next_clock() -> None:
    """The worked example of docs/equity-and-performance.md, without and with the Easter bank holidays."""
    history = (Event("allocated", D(2026, 3, 2)), *visits(D(2026, 3, 12), D(2026, 3, 27), D(2026, 4, 13)))
    as_of = D(2026, 4, 30)
    with_easter = clocks(CP_VISITS, case(*history), as_of, EASTER_2026)
    assert summary(with_easter) == [
        (D(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 12), Outcome.ON_TIME),
        (D(2026, 3, 12), D(2026, 3, 26), D(2026, 3, 27), Outcome.LATE),  # a day late
        (D(2026, 3, 27), D(2026, 4, 14), D(2026, 4, 13), Outcome.ON_TIME),  # Easter moves it to the 14th
        (D(2026, 4, 13), D(2026, 4, 27), None, Outcome.OVERDUE),  # the one open clock
    ]
    # without bank holidays the third clock is due on Friday 10 April, and the visit on the 13th is late
    assert summary(clocks(CP_VISITS, case(*history), as_of))[2] == (
        D(2026, 3, 27),
        D(2026, 4, 10),
        D(2026, 4, 13),
        Outcome.LATE,
    )
    assert {(c.holder, c.team, c.indicator) for c in with_easter} == {(7, 3, "cp-visit")}


def test_a_missed_visit_stays_one_overdue_clock_until_the_late_visit() -> None:
    allocated = Event("allocated", D(2025, 1, 6))
    # a year with no visit: one overdue clock, not one for every 10 working days
    assert summary(clocks(CP_VISITS, case(allocated), D(2026, 1, 5))) == [
        (D(2025, 1, 6), D(2025, 1, 20), None, Outcome.OVERDUE)
    ]
    # the late visit settles it and starts the next clock from its own date
    late = clocks(CP_VISITS, case(allocated, *visits(D(2025, 3, 3))), D(2025, 3, 5))
    assert summary(late) == [
        (D(2025, 1, 6), D(2025, 1, 20), D(2025, 3, 3), Outcome.LATE),
        (D(2025, 3, 3), D(2025, 3, 17), None, Outcome.PENDING),
    ]
    # seen the day before the visit, the first clock was still overdue (the later completion is kept on the
    # clock but not counted, as for every indicator) and there was no second one
    assert summary(clocks(CP_VISITS, case(allocated, *visits(D(2025, 3, 3))), D(2025, 3, 2))) == [
        (D(2025, 1, 6), D(2025, 1, 20), D(2025, 3, 3), Outcome.OVERDUE)
    ]


def test_visits_on_one_day_count_once_and_only_the_first_start_counts() -> None:
    found = clocks(
        CP_VISITS,
        case(
            Event("allocated", D(2026, 3, 2)),
            Event("allocated", D(2026, 3, 9)),  # a second allocation does not start a second chain
            *visits(D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 5)),
        ),
        D(2026, 3, 31),
    )
    assert summary(found) == [
        (D(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 2), Outcome.ON_TIME),  # a visit on the day counts
        (D(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 5), Outcome.ON_TIME),  # the repeat on the 2nd does not
        (D(2026, 3, 5), D(2026, 3, 19), None, Outcome.OVERDUE),
    ]


def test_the_follow_on_clocks_may_count_days_differently() -> None:
    placement = Indicator(
        "lac", "LAC visits", "case_start", ("visit",), 7, then_every=30, then_day_basis=DayBasis.WORKING
    )
    found = clocks(placement, case(*visits(D(2026, 2, 25)), category="x"), D(2026, 3, 2))
    # placed 20 February: first visit due in 7 calendar days; the next 30 working days after the visit
    assert [(c.started, c.due) for c in found] == [
        (D(2026, 2, 20), D(2026, 2, 27)),
        (D(2026, 2, 25), D(2026, 4, 8)),
    ]
    assert placement.repeat_basis is DayBasis.WORKING and CP_VISITS.repeat_basis is DayBasis.WORKING


def test_the_chain_ends_with_the_case() -> None:
    history = (Event("allocated", D(2026, 3, 2)), *visits(D(2026, 3, 12)))
    # closed 20 March: the clock started by the 12 March visit (due 26 March) was no longer needed
    found = clocks(CP_VISITS, case(*history, closed=D(2026, 3, 20)), D(2026, 4, 30))
    assert summary(found) == [(D(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 12), Outcome.ON_TIME)]
    # closed 10 March, before the first visit was due: nothing to count
    assert (
        clocks(CP_VISITS, case(Event("allocated", D(2026, 3, 2)), closed=D(2026, 3, 10)), D(2026, 4, 30))
        == []
    )
    # a visit done before the closing counts even when it was due after it
    [done] = clocks(CP_VISITS, case(*history, closed=D(2026, 3, 13)), D(2026, 4, 30))
    assert done.completed == D(2026, 3, 12)
    # closed 20 March with no visit at all: the first clock fell due on the 16th and stays overdue
    [missed] = clocks(
        CP_VISITS, case(Event("allocated", D(2026, 3, 2)), closed=D(2026, 3, 20)), D(2026, 4, 30)
    )
    assert missed.outcome is Outcome.OVERDUE


def test_a_one_off_clock_open_when_the_case_closed_is_not_counted() -> None:
    first = Indicator("first", "First appointment", "case_start", ("appointment",), 5)
    start = D(2026, 3, 2)
    facts = CaseFacts("community", start, start, (), closed=D(2026, 3, 4))
    assert clocks(first, facts, D(2026, 3, 31)) == []
    facts = CaseFacts("community", start, start, (), closed=D(2026, 3, 9))  # closed after the due date
    assert [c.outcome for c in clocks(first, facts, D(2026, 3, 31))] == [Outcome.OVERDUE]


def test_each_month_is_assessed_as_it_stood_at_its_end() -> None:
    history = (Event("allocated", D(2026, 3, 2)), *visits(D(2026, 3, 12), D(2026, 3, 27), D(2026, 4, 13)))
    march, april = (D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 4, 30))
    performance = Performance((CP_VISITS,))
    by_month = clocks_due_in_periods(
        performance, [case(*history)], [march, april], D(2026, 4, 20), EASTER_2026
    )
    # March: due 16th on time, due 26th completed on the 27th (late)
    assert [c.outcome for c in by_month[0]["cp-visit"]] == [Outcome.ON_TIME, Outcome.LATE]
    # April as of today (the 20th): due 14th on time, due 27th not yet due
    assert [c.outcome for c in by_month[1]["cp-visit"]] == [Outcome.ON_TIME, Outcome.PENDING]
    # a month seen as of its end does not know what happened after it: March as of 31 March
    as_of_march = clocks_due_between(performance, [case(*history)], *march, D(2026, 3, 26), EASTER_2026)
    assert [c.outcome for c in as_of_march["cp-visit"]] == [Outcome.ON_TIME, Outcome.PENDING]


# -- the scheme section ----------------------------------------------------------------------------------------


def test_the_presets_recur_where_the_reference_says_so() -> None:
    found = {i.code: i for i in children().performance.indicators}
    assert {code: (i.days, i.day_basis, i.then_every, i.repeat_basis) for code, i in found.items()} == {
        "assessment": (45, DayBasis.WORKING, None, DayBasis.WORKING),
        "cp-visit": (10, DayBasis.WORKING, 10, DayBasis.WORKING),
        "cin-visit": (20, DayBasis.WORKING, 20, DayBasis.WORKING),
        "placement-visit": (7, DayBasis.CALENDAR, 42, DayBasis.CALENDAR),
        "cp-review": (91, DayBasis.CALENDAR, 182, DayBasis.CALENDAR),
    }
    [review] = [i for i in preset("adult-community-care").performance.indicators if i.code == "plan-review"]
    assert (review.days, review.then_every) == (56, 365)
    for name in ("children-services", "adult-community-care"):
        assert parse_scheme(dump_scheme(preset(name))) == preset(name)


def test_recurrence_round_trips() -> None:
    both = Performance(
        (
            CP_VISITS,
            Indicator(
                "lac", "LAC", "case_start", ("visit",), 7, then_every=30, then_day_basis=DayBasis.WORKING
            ),
        )
    )
    data = dump_performance(both)
    assert data["indicators"]["cp-visit"]["then_every"] == 10
    assert "then_day_basis" not in data["indicators"]["cp-visit"]  # left to default to day_basis
    assert data["indicators"]["lac"]["then_day_basis"] == "working"
    problems: list[tuple[str, str]] = []
    parsed = parse_performance(Node(data, "performance", problems), {"child-protection": {}})
    assert (parsed, problems) == (both, [])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"then_every": 0}, "then_every", "whole number between 1 and 730"),
        ({"then_every": 731}, "then_every", "whole number between 1 and 730"),
        ({"then_every": 2.5}, "then_every", "whole number between 1 and 730"),
        ({"then_every": "10"}, "then_every", "whole number between 1 and 730"),
        ({"then_every": True}, "then_every", "whole number between 1 and 730"),
        ({"then_day_basis": "working"}, "then_day_basis", "needs then_every"),
        ({"then_every": 10, "then_day_basis": "weekdays"}, "then_day_basis", "must be one of"),
    ],
)
def test_bad_recurrence_is_rejected_by_path(change: dict[str, Any], field: str, message: str) -> None:
    data = preset_data("children-services")
    entry = data["performance"]["indicators"]["placement-visit"]
    entry.pop("then_every")
    entry.update(change)
    with pytest.raises(SchemeError) as raised:
        parse_scheme(data)
    path = f"performance.indicators.placement-visit.{field}"
    assert any(p == path and message in m for p, m in raised.value.problems), raised.value.problems


# -- properties ------------------------------------------------------------------------------------------------

START = D(2026, 1, 5)
days_after = st.integers(0, 400).map(lambda n: START + dt.timedelta(days=n))
holiday_sets = st.frozensets(days_after, max_size=12)


@st.composite
def indicators(draw: st.DrawFn, recurring: bool | None = None) -> Indicator:
    recurs = draw(st.booleans()) if recurring is None else recurring
    return Indicator(
        "i",
        "Indicator",
        draw(
            st.sampled_from(["case_start", "allocated"] if recurs else ["case_start", "allocated", "visit"])
        ),
        ("visit",),
        draw(st.integers(0, 40)),
        draw(st.sampled_from(list(DayBasis))),
        then_every=draw(st.integers(1, 40)) if recurs else None,
        then_day_basis=draw(st.none() | st.sampled_from(list(DayBasis))) if recurs else None,
    )


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    events = [Event("visit", day) for day in draw(st.lists(days_after, max_size=15))]
    events += [Event("allocated", day) for day in draw(st.lists(days_after, max_size=2))]
    closed = draw(st.none() | days_after)
    return CaseFacts("c", START, draw(st.none() | days_after), tuple(events), closed=closed)


@settings(max_examples=300, deadline=None)
@given(start=days_after, days=st.integers(0, 60), holidays=holiday_sets)
def test_working_days_land_on_a_working_day_after_exactly_that_many(
    start: dt.date, days: int, holidays: frozenset[dt.date]
) -> None:
    due = add_working_days(start, days, holidays)
    between = [start + dt.timedelta(days=n) for n in range(1, (due - start).days + 1)]
    assert sum(1 for day in between if day.weekday() < 5 and day not in holidays) == days
    if days:
        assert due.weekday() < 5 and due not in holidays
    assert add_working_days(start, days, holidays) >= add_working_days(start, days)  # holidays only delay


@settings(max_examples=300, deadline=None)
@given(indicator=indicators(recurring=True), facts=case_facts(), as_of=days_after, holidays=holiday_sets)
def test_a_chain_never_overlaps_and_uses_each_visit_day_once(
    indicator: Indicator, facts: CaseFacts, as_of: dt.date, holidays: frozenset[dt.date]
) -> None:
    open_case = replace(facts, closed=None)
    found = clocks(indicator, open_case, as_of, holidays)
    first_starts = sorted(e.on for e in facts.events if e.kind == "allocated")
    start = facts.start if indicator.starts == "case_start" else (first_starts[0] if first_starts else None)
    if start is None or start > as_of:
        assert found == []
        return
    for before, after in itertools.pairwise(found):
        assert before.completed is not None and before.completed == after.started  # back to back
        assert before.started <= before.completed
    settled = [c for c in found if c.outcome in (Outcome.ON_TIME, Outcome.LATE)]
    open_clocks = [c for c in found if c.outcome in (Outcome.OVERDUE, Outcome.PENDING)]
    # exactly one open clock, the last: an overdue chain does not generate more clocks
    assert open_clocks == found[-1:]
    # every distinct visit day from the start up to the as-of date settles one clock
    used = {e.on for e in facts.events if e.kind == "visit" and start <= e.on <= as_of}
    assert len(settled) == len(used) and len(found) == len(used) + 1
    for clock in found:
        assert clock.due >= clock.started
        assert (clock.outcome is Outcome.ON_TIME) == (
            clock.completed is not None and clock.completed <= min(clock.due, as_of)
        )
    # closing the case only ever removes clocks
    closed = clocks(indicator, facts, as_of, holidays)
    assert set(closed) <= set(found)


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.lists(indicators(), min_size=1, max_size=3),
    cases=st.lists(case_facts(), max_size=4),
    today=days_after,
    holidays=holiday_sets,
)
def test_a_month_assessed_with_the_rest_equals_the_month_assessed_alone(
    chosen: list[Indicator], cases: list[CaseFacts], today: dt.date, holidays: frozenset[dt.date]
) -> None:
    performance = Performance(tuple(replace(i, code=f"i{n}") for n, i in enumerate(chosen)))
    periods = [(D(2026, m, 1), D(2026, m + 1, 1) - dt.timedelta(days=1)) for m in range(1, 12)]
    together = clocks_due_in_periods(performance, cases, periods, today, holidays)
    for (first, last), found in zip(periods, together, strict=True):
        alone = clocks_due_between(performance, cases, first, last, min(last, today), holidays)
        assert found == alone
