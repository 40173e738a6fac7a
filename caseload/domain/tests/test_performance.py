"""Timeliness indicators: due dates, outcomes, clocks per case, tallies and the scheme section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseload.domain.performance import (
    CaseFacts,
    Event,
    Outcome,
    Tally,
    add_working_days,
    clocks,
    clocks_due_between,
    due_date,
    dump_performance,
    outcome,
    tally,
)
from caseload.domain.scheme import DayBasis, Indicator, Performance
from caseload.domain.scheme_dump import dump_scheme
from caseload.domain.scheme_parser import SchemeError, parse_scheme
from caseload.domain.tests.helpers import children, legacy, preset_data

MON = dt.date(2026, 3, 2)  # a Monday
FIRST_APPOINTMENT = Indicator("first", "First appointment", "case_start", ("appointment",), 5)
REPORTS = Indicator(
    "report", "Report", "report_requested", ("report_completed",), 15, DayBasis.WORKING, ("community",)
)


def facts(*events: Event, start: dt.date | None = MON, category: str = "community") -> CaseFacts:
    return CaseFacts(category=category, received=MON - dt.timedelta(days=3), start=start, events=events)


def test_working_days_skip_weekends() -> None:
    assert add_working_days(MON, 0) == MON
    assert add_working_days(MON, 4) == dt.date(2026, 3, 6)  # Friday
    assert add_working_days(MON, 5) == dt.date(2026, 3, 9)  # next Monday
    assert add_working_days(dt.date(2026, 3, 7), 1) == dt.date(2026, 3, 9)  # Saturday + 1 = Monday
    assert add_working_days(MON, 15) == dt.date(2026, 3, 23)  # three whole weeks


def test_due_date_calendar_or_working() -> None:
    assert due_date(FIRST_APPOINTMENT, MON) == dt.date(2026, 3, 7)
    assert due_date(REPORTS, MON) == dt.date(2026, 3, 23)


def test_outcomes_on_the_boundaries() -> None:
    due = dt.date(2026, 3, 7)
    assert outcome(due, due, due) is Outcome.ON_TIME  # on the due date is on time
    assert outcome(due, due + dt.timedelta(days=1), due + dt.timedelta(days=9)) is Outcome.LATE
    assert outcome(due, None, due) is Outcome.PENDING  # not yet overdue on the due date itself
    assert outcome(due, None, due + dt.timedelta(days=1)) is Outcome.OVERDUE
    # a completion after the as-of date has not happened yet
    assert outcome(due, due + dt.timedelta(days=3), due) is Outcome.PENDING


def test_case_date_clock_stops_at_the_first_completion_on_or_after_the_start() -> None:
    case = facts(
        Event("appointment", MON - dt.timedelta(days=1)),  # before the start: ignored
        Event("contact", MON + dt.timedelta(days=2)),  # not a completing kind
        Event("appointment", MON + dt.timedelta(days=6)),
    )
    [clock] = clocks(FIRST_APPOINTMENT, case, as_of=dt.date(2026, 3, 31))
    assert (clock.started, clock.due, clock.completed, clock.outcome) == (
        MON,
        dt.date(2026, 3, 7),
        dt.date(2026, 3, 8),
        Outcome.LATE,
    )
    assert clocks(FIRST_APPOINTMENT, facts(start=None), as_of=MON) == []  # no start date: no clock


def test_event_clocks_pair_each_start_with_its_own_completion() -> None:
    case = facts(
        Event("report_requested", MON),
        Event("report_requested", dt.date(2026, 3, 4)),
        Event("report_completed", dt.date(2026, 3, 10)),
        Event("report_completed", dt.date(2026, 3, 30)),
    )
    first, second = clocks(REPORTS, case, as_of=dt.date(2026, 4, 30))
    assert (first.completed, first.outcome) == (dt.date(2026, 3, 10), Outcome.ON_TIME)
    # due 4 March + 15 working days = 25 March; completed 30 March
    assert (second.due, second.completed, second.outcome) == (
        dt.date(2026, 3, 25),
        dt.date(2026, 3, 30),
        Outcome.LATE,
    )


def test_categories_and_contact_types_narrow_an_indicator() -> None:
    assert clocks(REPORTS, facts(Event("report_requested", MON), category="custody"), MON) == []
    visits = Indicator("v", "Home visit", "case_start", ("contact",), 10, contact_types=("HV",))
    case = facts(
        Event("contact", MON + dt.timedelta(days=1), "OFFICE"),
        Event("contact", MON + dt.timedelta(days=12), "HV"),
    )
    [clock] = clocks(visits, case, as_of=dt.date(2026, 4, 1))
    assert (clock.completed, clock.outcome) == (MON + dt.timedelta(days=12), Outcome.LATE)


def test_tally_and_percent_on_time_leave_pending_out() -> None:
    counts = Tally(on_time=3, late=1, overdue=2, pending=5)
    assert (counts.due, counts.total) == (6, 11)
    assert counts.percent_on_time == Decimal(50)  # 3 ÷ (3 + 1 + 2)
    assert Tally(pending=4).percent_on_time is None
    assert Tally(on_time=2, late=1).percent_on_time == Decimal(200) / Decimal(3)


def test_clocks_due_in_a_period() -> None:
    performance = Performance((FIRST_APPOINTMENT,))
    cases = [
        facts(Event("appointment", MON + dt.timedelta(days=2))),  # due 7 March: on time
        facts(start=dt.date(2026, 3, 28)),  # due 2 April: outside March
        facts(start=dt.date(2026, 3, 20)),  # due 25 March, nothing: overdue at the end of March
    ]
    found = clocks_due_between(
        performance, cases, dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31)
    )
    assert tally(found["first"]) == Tally(on_time=1, overdue=1)
    # the same month seen on 22 March: the 25 March clock is still pending
    early = clocks_due_between(
        performance, cases, dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 22)
    )
    assert tally(early["first"]) == Tally(on_time=1, pending=1)
    # and on 10 March that case had not started: no clock at all
    before = clocks_due_between(
        performance, cases, dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 10)
    )
    assert tally(before["first"]) == Tally(on_time=1)


# -- the scheme section ------------------------------------------------------------------------------------


def test_presets_carry_indicators_that_round_trip() -> None:
    codes = [i.code for i in legacy().performance.indicators]
    assert codes == ["first-appointment", "court-report"]
    assessment = children().performance.indicators[0]
    assert (assessment.days, assessment.day_basis, assessment.starts) == (
        45,
        DayBasis.WORKING,
        "case_received",
    )
    assert dict(children().calibration)["performance"] == "illustrative"
    for scheme in (legacy(), children()):
        assert parse_scheme(dump_scheme(scheme)) == scheme
    assert dump_performance(Performance()) == {}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"starts": "sentence"}, "performance.indicators.first-appointment.starts", "case event kind"),
        (
            {"completed_by": ["appointmnet"]},
            "performance.indicators.first-appointment.completed_by",
            "unknown case event kind",
        ),
        ({"completed_by": []}, "performance.indicators.first-appointment.completed_by", "at least one"),
        ({"categories": ["nope"]}, "performance.indicators.first-appointment.categories", "unknown category"),
        ({"days": -1}, "performance.indicators.first-appointment.days", "whole number"),
        ({"day_basis": "weekdays"}, "performance.indicators.first-appointment.day_basis", "must be one of"),
        ({"colour": "red"}, "performance.indicators.first-appointment.colour", "unknown field"),
    ],
)
def test_bad_indicators_are_rejected_by_path(change: dict[str, object], path: str, message: str) -> None:
    data = preset_data("probation-wmt-legacy")
    data["performance"]["indicators"]["first-appointment"].update(change)
    with pytest.raises(SchemeError) as raised:
        parse_scheme(data)
    assert any(p == path and message in m for p, m in raised.value.problems), raised.value.problems
