"""Supervision frequency and compliance, checked against dates worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caseload.domain.supervision import (
    DEFAULT_SCHEDULES,
    NEWLY_QUALIFIED,
    STANDARD,
    ComplianceStatus,
    Schedule,
    Stage,
    compliance,
    compliance_rate,
    schedule_for,
)

NQ = DEFAULT_SCHEDULES[NEWLY_QUALIFIED]
STD = DEFAULT_SCHEDULES[STANDARD]
STARTED = date(2026, 1, 5)  # 6 weeks later: 16 February; 6 months later: 5 July


@pytest.mark.parametrize(
    ("on", "interval"),
    [
        (date(2026, 1, 5), 7),
        (date(2026, 2, 15), 7),  # last day of the first six weeks
        (date(2026, 2, 16), 14),
        (date(2026, 7, 4), 14),  # last day before six months
        (date(2026, 7, 5), 31),
        (date(2027, 1, 1), 31),
    ],
)
def test_newly_qualified_interval_by_stage(on: date, interval: int) -> None:
    assert NQ.interval_on(STARTED, on) == interval


def test_standard_schedule_is_monthly_throughout() -> None:
    assert STD.interval_on(STARTED, STARTED) == 31
    assert STD.interval_on(STARTED, date(2030, 1, 1)) == 31


def test_schedule_for_picks_by_newly_qualified_flag() -> None:
    assert schedule_for(True) is NQ
    assert schedule_for(False) is STD


def test_describe_in_words() -> None:
    assert NQ.describe() == "weekly for the first 6 weeks, fortnightly until 6 months, then monthly"
    assert STD.describe() == "monthly"


def test_no_session_yet_is_due_one_interval_after_start() -> None:
    on_time = compliance(NQ, STARTED, [], date(2026, 1, 12))
    assert (on_time.status, on_time.next_due, on_time.days_overdue) == (
        ComplianceStatus.UP_TO_DATE,
        date(2026, 1, 12),
        0,
    )
    late = compliance(NQ, STARTED, [], date(2026, 1, 13))
    assert (late.status, late.days_overdue, late.last_session) == (ComplianceStatus.OVERDUE, 1, None)


def test_interval_is_the_one_in_force_on_the_last_session() -> None:
    # 10 February is in the weekly stage: due 17 February, so 20 February is 3 days overdue.
    result = compliance(NQ, STARTED, [date(2026, 1, 20), date(2026, 2, 10)], date(2026, 2, 20))
    assert (result.last_session, result.interval_days, result.next_due, result.days_overdue) == (
        date(2026, 2, 10),
        7,
        date(2026, 2, 17),
        3,
    )
    assert not result.compliant
    # 2 March is in the fortnightly stage: due 16 March, which is still on time.
    fortnightly = compliance(NQ, STARTED, [date(2026, 3, 2)], date(2026, 3, 16))
    assert (fortnightly.next_due, fortnightly.compliant) == (date(2026, 3, 16), True)


def test_monthly_due_31_days_after_last_session() -> None:
    sessions = [date(2026, 2, 15), date(2026, 1, 10)]  # any order
    assert compliance(STD, date(2020, 1, 1), sessions, date(2026, 3, 18)).compliant
    late = compliance(STD, date(2020, 1, 1), sessions, date(2026, 3, 19))
    assert (late.next_due, late.days_overdue) == (date(2026, 3, 18), 1)


def test_sessions_after_the_day_asked_about_are_ignored() -> None:
    result = compliance(STD, date(2026, 1, 1), [date(2026, 3, 1)], date(2026, 2, 10))
    assert (result.last_session, result.next_due, result.days_overdue) == (None, date(2026, 2, 1), 9)


def test_custom_schedule_as_data() -> None:
    custom = Schedule("probation", "Probation", (Stage(14, months=12), Stage(28)))
    assert custom.interval_on(date(2026, 1, 31), date(2027, 1, 30)) == 14
    assert custom.interval_on(date(2026, 1, 31), date(2027, 1, 31)) == 28
    assert custom.describe() == "fortnightly until 12 months, then every 28 days"


def test_compliance_rate() -> None:
    assert compliance_rate(2, 3) == Decimal("66.7")
    assert compliance_rate(1, 8) == Decimal("12.5")
    assert compliance_rate(3, 3) == Decimal("100.0")
    assert compliance_rate(0, 0) is None
