"""Stored workloads follow hours, reductions and scheme publication at once; the daily run picks up what
changes by date; snapshots are idempotent and can be recomputed from the history."""

import datetime as dt
from decimal import Decimal

import pytest

from caseload.cases.models import EventKind
from caseload.cases.services import allocate_case, record_case_event
from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.models import ReductionReason, ReductionStatus
from caseload.organisations.services import delete_reduction, save_reduction, set_contracted_hours
from caseload.schemes.models import SchemeVersion
from caseload.schemes.services import create_draft, publish_version, update_draft
from caseload.workloads.models import UnitSnapshot, Workload, WorkloadSnapshot
from caseload.workloads.services import recalculate, recompute_snapshots, run_daily, take_snapshots
from caseload.workloads.tests.fixtures import officer, revisions, stored

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def po(legacy, frozen_now):
    """A full-time PO in North Team A holding one community A3 case (206 points), figures stored."""
    membership = officer(legacy.team)
    allocate_case(CaseFactory(team=legacy.team, level="A3"), membership.practitioner, actor=None)
    return membership


def other_reason():
    return ReductionReason.objects.get(code="other")


def test_changing_hours_recalculates_available_points(po, team_manager):
    assert stored(po).available_points == 2176

    set_contracted_hours(po, Decimal("18.5"), actor=team_manager)

    workload = stored(po)
    assert (workload.available_points, workload.contracted_hours) == (1088, Decimal("18.50"))  # 2176 × ½
    assert workload.total_points == 206
    assert workload.revision == 2


def test_a_reduction_from_today_counts_at_once_and_deleting_it_undoes_it(po, team_manager):
    reduction = save_reduction(
        membership=po, reason=other_reason(), hours=Decimal("3.7"), effective_from=TODAY, actor=team_manager
    )
    assert (stored(po).available_points, stored(po).reduction_hours) == (
        1958,
        Decimal("3.70"),
    )  # 2176 × 33.3/37

    delete_reduction(reduction, actor=team_manager)
    assert stored(po).available_points == 2176
    assert stored(po).revision == 3


def test_a_reduction_that_starts_tomorrow_counts_from_the_daily_run_on_that_day(
    po, team_manager, time_machine
):
    tomorrow = TODAY + dt.timedelta(days=1)
    reduction = save_reduction(
        membership=po,
        reason=other_reason(),
        hours=Decimal("3.7"),
        effective_from=tomorrow,
        effective_to=tomorrow + dt.timedelta(days=6),
        actor=team_manager,
    )
    assert reduction.status == ReductionStatus.SCHEDULED
    assert stored(po).available_points == 2176

    time_machine.move_to(dt.datetime(2026, 3, 17, 0, 5, tzinfo=dt.UTC), tick=False)
    assert stored(po).available_points == 2176  # nothing has run yet
    run_daily()
    assert reduction.status == ReductionStatus.ACTIVE
    assert (stored(po).available_points, stored(po).calculated_for) == (1958, tomorrow)

    time_machine.move_to(dt.datetime(2026, 3, 24, 0, 5, tzinfo=dt.UTC), tick=False)
    run_daily()
    assert reduction.status == ReductionStatus.ARCHIVED
    assert stored(po).available_points == 2176


def test_publishing_a_version_in_force_today_recalculates_its_teams(po, legacy, team_manager):
    outside = officer(legacy.other_team)  # South Division: no scheme, no figures
    recalculate([outside])
    draft = _draft_with_a3_weight(300, effective_from=TODAY)

    publish_version(draft, actor=team_manager)

    assert stored(po).total_points == 300
    assert stored(po).scheme_version == draft
    assert not Workload.objects.filter(membership=outside).exists()


def test_a_version_starting_later_takes_effect_with_the_daily_run_on_its_date(po, team_manager, time_machine):
    later = TODAY + dt.timedelta(days=14)
    publish_version(_draft_with_a3_weight(300, effective_from=later), actor=team_manager)
    assert (stored(po).total_points, stored(po).revision) == (206, 1)

    time_machine.move_to(dt.datetime(2026, 3, 30, 1, 0, tzinfo=dt.UTC), tick=False)
    run_daily()
    assert stored(po).total_points == 300


def test_recalculate_drops_figures_that_no_longer_apply(po):
    po.end_date = TODAY - dt.timedelta(days=1)
    po.save()
    recalculate([po])
    assert not Workload.objects.filter(membership=po).exists()


def test_snapshots_cover_every_membership_and_unit_above_it_and_are_idempotent(po, legacy):
    part_timer = officer(legacy.team_b, hours="18.5")
    allocate_case(CaseFactory(team=legacy.team_b, level="A3"), part_timer.practitioner, actor=None)
    officer(legacy.other_team)  # no scheme in force there: not snapshotted

    assert take_snapshots(TODAY) == (2, 5)  # 2 workloads; 2 teams, area, division, organisation
    assert take_snapshots(TODAY) == (2, 5)

    assert WorkloadSnapshot.objects.count() == 2
    assert WorkloadSnapshot.objects.get(membership=po).workload_percent == Decimal("9.4669")
    area = UnitSnapshot.objects.get(unit=legacy.area, on=TODAY)
    assert (area.total_points, area.available_points) == (412, 2176 + 1088)
    assert area.workload_percent == Decimal("12.6225")  # 412 ÷ 3264 × 100, summed then divided
    assert (area.memberships, area.headcount, area.fte) == (2, 2, Decimal("1.50"))
    assert (area.rag, area.rag_counts, area.over_red, area.case_count) == ("blue", {"blue": 2}, 0, 2)
    assert area.scheme_version.scheme.code == "probation-wmt-legacy"
    assert UnitSnapshot.objects.filter(on=TODAY).count() == 5


def test_over_red_counts_memberships_in_the_top_band(legacy, frozen_now):
    tiny = officer(legacy.team, hours="3")  # 2176 × 3 ÷ 37 = 176 available
    allocate_case(CaseFactory(team=legacy.team, level="A3"), tiny.practitioner, actor=None)  # 206: 117 %
    take_snapshots(TODAY)
    team = UnitSnapshot.objects.get(unit=legacy.team)
    assert (team.rag, team.over_red, team.rag_counts) == ("red", 1, {"red": 1})


def test_recompute_rebuilds_a_past_day_after_later_events(po, legacy, team_manager, time_machine):
    helper = officer(legacy.team)
    case = CaseFactory(team=legacy.team, level="C2")
    allocate_case(case, po.practitioner, actor=None)
    record_case_event(
        case,
        EventKind.CMS_CONTACT,
        actor=team_manager,
        occurred_on=TODAY,
        practitioner=helper.practitioner,
        contact_type="CMS03",
    )
    take_snapshots(TODAY)
    before = _snapshot_figures(TODAY)
    assert before[po.pk][0] == 206 + 63 - 18

    time_machine.move_to(dt.datetime(2026, 3, 19, 10, 0, tzinfo=dt.UTC), tick=False)
    later = dt.date(2026, 3, 19)
    record_case_event(case, EventKind.LEVEL_CHANGED, actor=team_manager, occurred_on=later, level="A3")
    record_case_event(
        case, EventKind.REALLOCATED, actor=team_manager, occurred_on=later, practitioner=helper.practitioner
    )
    set_contracted_hours(po, Decimal(20), actor=team_manager)
    newcomer_case = CaseFactory(team=legacy.team, level="A3", received_date=later)
    allocate_case(newcomer_case, helper.practitioner, actor=None)
    WorkloadSnapshot.objects.all().delete()
    UnitSnapshot.objects.all().delete()

    assert recompute_snapshots(TODAY, TODAY) == 1

    assert _snapshot_figures(TODAY) == before
    assert stored(po).contracted_hours == 20  # the current figures are untouched


def test_recomputed_snapshots_use_the_scheme_version_then_in_force(po, legacy, team_manager, time_machine):
    """206 points for the A3 case under 2024-04 up to the day before the newer version starts, 300 from it."""
    take_snapshots(TODAY)
    taken = _snapshot_figures(TODAY)
    starts = TODAY + dt.timedelta(days=14)
    newer = publish_version(_draft_with_a3_weight(300, effective_from=starts), actor=team_manager)
    older = SchemeVersion.objects.get(scheme__code="probation-wmt-legacy", version="2024-04")
    time_machine.move_to(dt.datetime(2026, 4, 2, 1, 0, tzinfo=dt.UTC), tick=False)
    run_daily()  # today's figures and snapshot are under the newer version
    assert (stored(po).total_points, stored(po).scheme_version) == (300, newer)

    day_before = starts - dt.timedelta(days=1)
    assert recompute_snapshots(TODAY, starts) == 15

    versions = dict(WorkloadSnapshot.objects.filter(membership=po).values_list("on", "scheme_version"))
    totals = dict(WorkloadSnapshot.objects.filter(membership=po).values_list("on", "total_points"))
    assert (totals[TODAY], totals[day_before], totals[starts]) == (206, 206, 300)
    assert (versions[TODAY], versions[day_before], versions[starts]) == (older.pk, older.pk, newer.pk)
    assert _snapshot_figures(TODAY) == taken  # the day recomputed as it was taken
    team = dict(UnitSnapshot.objects.filter(unit=legacy.team).values_list("on", "scheme_version"))
    assert (team[day_before], team[starts]) == (older.pk, newer.pk)
    assert UnitSnapshot.objects.get(unit=legacy.team, on=starts).total_points == 300


def test_the_daily_run_recalculates_everyone_and_snapshots_the_day(po, legacy):
    second = officer(legacy.team_b)
    assert revisions(po, second) == [1, None]

    result = run_daily(TODAY)

    assert (result.recalculated, result.membership_snapshots, result.unit_snapshots) == (2, 2, 5)
    assert revisions(po, second) == [2, 1]
    assert stored(second).reason == "Daily run for 2026-03-16"


def _draft_with_a3_weight(points: int, effective_from: dt.date) -> SchemeVersion:
    current = SchemeVersion.objects.get(scheme__code="probation-wmt-legacy", version="2024-04")
    draft = create_draft(current, version="2026-test", actor=None)
    definition = {**draft.definition, "effective_from": effective_from.isoformat()}
    definition["categories"]["community"]["levels"]["A3"]["weights"]["standard"] = points
    return update_draft(draft, definition, actor=None)


def _snapshot_figures(on: dt.date) -> dict[int, tuple]:
    return {
        s.membership_id: (
            s.total_points,
            s.available_points,
            s.workload_percent,
            s.rag,
            s.case_count,
            s.contracted_hours,
        )
        for s in WorkloadSnapshot.objects.filter(on=on)
    } | {
        -u.unit_id: (u.total_points, u.available_points, u.workload_percent, u.headcount, u.fte, u.case_count)
        for u in UnitSnapshot.objects.filter(on=on)
    }
