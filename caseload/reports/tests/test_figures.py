"""The reports' figures from stored workloads, snapshots and case events: checked by hand and for flat
query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseload.cases.models import EventKind
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.domain.performance import EVENT_KINDS, Tally
from caseload.organisations.models import OrgUnit
from caseload.reports.figures import equity_report, performance_report, weekly
from caseload.reports.tests.conftest import give_cases
from caseload.workloads.services import recalculate, take_snapshots
from caseload.workloads.tests.fixtures import officer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)
D = Decimal


def subtree(unit: OrgUnit):  # type: ignore[no-untyped-def]
    return OrgUnit.objects.within(unit)


def test_equity_of_a_division_by_hand(measured) -> None:
    report = equity_report(measured.org.division, subtree(measured.org.division), TODAY)
    e = report.overall.equity
    # stored 4 dp percentages 47.3346, 94.6691, 113.6029, 113.6029
    assert e.count == 4
    assert e.mean == D("92.302375")  # 369.2095 ÷ 4
    assert e.median == D("104.136")  # (94.6691 + 113.6029) ÷ 2
    assert (e.over_red, e.share_over_red) == (2, D(50))
    assert e.max_min_ratio is not None and e.max_min_ratio.quantize(D("0.0001")) == D("2.4000")
    # the unit's workload is Σ points ÷ Σ available, not the mean: 8034 ÷ 8704 = 92.30…
    assert report.overall.total is not None
    assert (report.overall.total.total_points, report.overall.total.available_points) == (D(8034), D(8704))
    assert [c.unit.name for c in report.children] == ["North Area"]
    assert [(b.low, b.high, b.count) for b in report.bins][:2] == [(D(40), D(50), 1), (D(50), D(60), 0)]
    assert sum(b.count for b in report.bins) == 4


def test_capacity_side_by_side_for_an_area(measured) -> None:
    report = equity_report(measured.org.area, subtree(measured.org.area), TODAY)
    team_a, team_b = report.children
    assert (team_a.unit, team_b.unit) == (measured.org.team, measured.org.team_b)
    # team A: 5562 points on 6528 available: 966 spare ÷ 2176 = 0.44 FTE of headroom
    assert (team_a.capacity.headroom_fte, team_a.capacity.fte_to_100) == (D("0.44"), D("0.00"))
    # team B: 2472 on 2176: 296 over ÷ 2176 = 0.136 → 0.14 FTE to reach 100 %
    assert (team_b.capacity.headroom_fte, team_b.capacity.fte_to_100) == (D("0.00"), D("0.14"))
    # the area adds them up without netting: 0.44 headroom and 0.14 needed
    area = report.overall.capacity
    assert (area.headroom_fte, area.fte_to_100, area.teams_over_100) == (D("0.44"), D("0.14"), 1)
    # target staffing 5562 ÷ 2176 × 1.02 = 2.607 → 2.61 and 2472 ÷ 2176 × 1.02 = 1.159 → 1.16; 4 FTE in post
    assert (area.target_fte, area.actual_fte) == (D("3.77"), D("4.00"))


def test_trend_takes_the_last_snapshot_of_each_week(measured) -> None:
    for day in [dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 10)]:
        take_snapshots(day)
    report = equity_report(measured.org.area, subtree(measured.org.area), TODAY)
    assert [p.on for p in report.trend] == [dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 10)]
    assert all(p.figures.equity.count == 4 for p in report.trend)
    assert weekly([dt.date(2026, 3, 10), dt.date(2026, 3, 9)]) == [dt.date(2026, 3, 10)]


def _queries(run) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_equity_queries_do_not_grow_with_people_or_snapshots(measured) -> None:
    take_snapshots(dt.date(2026, 3, 9))
    division = measured.org.division

    def run() -> None:
        equity_report(division, subtree(division), TODAY)

    before = _queries(run)
    extra = [officer(measured.org.team_b) for _ in range(3)]
    for membership in extra:
        give_cases(membership, 4)
    recalculate(extra)
    take_snapshots(dt.date(2026, 3, 2))
    take_snapshots(dt.date(2026, 3, 10))
    assert _queries(run) == before


# -- performance ---------------------------------------------------------------------------------------------


def _case(membership, start: dt.date, *appointments: dt.date):  # type: ignore[no-untyped-def]
    case = CaseFactory(
        team=membership.team,
        practitioner=membership.practitioner,
        category="community",
        level="A3",
        start_date=start,
    )
    for day in appointments:
        CaseEventFactory(case=case, kind=EventKind.APPOINTMENT, occurred_on=day)
    return case


@pytest.fixture
def timeliness(measured):  # type: ignore[no-untyped-def]
    _case(measured.a_full, dt.date(2026, 3, 2), dt.date(2026, 3, 5))  # due 7 March: on time
    _case(measured.a_over, dt.date(2026, 3, 3), dt.date(2026, 3, 10))  # due 8 March: late
    _case(measured.a_over, dt.date(2026, 3, 5))  # due 10 March, none by the 16th: overdue
    _case(measured.b_over, dt.date(2026, 3, 14))  # due 19 March: pending
    _case(measured.a_full, dt.date(2026, 1, 10), dt.date(2026, 1, 12))  # due in January: not this period
    return measured


def test_first_appointment_timeliness_by_unit_and_person(timeliness) -> None:
    area = timeliness.org.area
    report = performance_report(
        area, subtree(area), dt.date(2026, 3, 1), dt.date(2026, 3, 31), TODAY, people=True
    )
    assert [i.code for i in report.indicators] == ["court-report", "first-appointment"]  # by name
    overall = report.overall.tallies["first-appointment"]
    assert overall == Tally(on_time=1, late=1, overdue=1, pending=1)
    assert overall.percent_on_time == D(100) / D(3)
    team_a, team_b = report.children
    assert team_a.tallies["first-appointment"] == Tally(on_time=1, late=1, overdue=1)
    assert team_b.tallies["first-appointment"] == Tally(pending=1)
    people = {r.key: r for r in report.people}
    assert people[timeliness.a_over.practitioner_id].tallies["first-appointment"] == Tally(late=1, overdue=1)
    # always next to workload: the person's own workload %
    assert people[timeliness.a_over.practitioner_id].total.workload_percent.quantize(D("0.1")) == D("113.6")
    assert people[timeliness.a_over.practitioner_id].label == timeliness.a_over.practitioner.full_name


def test_a_past_month_is_assessed_as_it_stood_at_its_end(timeliness) -> None:
    area = timeliness.org.area
    report = performance_report(area, subtree(area), dt.date(2026, 1, 1), dt.date(2026, 1, 31), TODAY)
    assert report.as_of == dt.date(2026, 1, 31)
    assert report.overall.tallies["first-appointment"] == Tally(on_time=1)
    assert report.people == ()  # only when asked for


def test_performance_queries_do_not_grow_with_cases(timeliness) -> None:
    area = timeliness.org.area

    def run() -> None:
        performance_report(area, subtree(area), dt.date(2026, 3, 1), dt.date(2026, 3, 31), TODAY, people=True)

    before = _queries(run)
    for day in range(1, 10):
        _case(timeliness.b_over, dt.date(2026, 3, day), dt.date(2026, 3, day + 1))
    assert _queries(run) == before


def test_the_engine_knows_every_case_event_kind() -> None:
    assert set(EventKind.values) == EVENT_KINDS
