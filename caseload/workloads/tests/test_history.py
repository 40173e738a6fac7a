"""Recomputed snapshots replay a case's history: its flags, category and level as they were on each date,
undone through the later events' "from" values, and who held it in which team
(caseload/workloads/history.py; docs/live-updates.md, "Recomputing snapshots")."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caseload.cases.models import Case, CaseEvent, EventKind
from caseload.cases.services import allocate_case, change_case_category, change_case_flags, record_case_event
from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.models import TeamMembership
from caseload.workloads.history import past_state
from caseload.workloads.models import WorkloadSnapshot
from caseload.workloads.services import recompute_snapshots
from caseload.workloads.tests.fixtures import officer, stored

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)
CHANGED_ON = dt.date(2026, 3, 10)
BEFORE = dt.date(2026, 3, 9)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def po(legacy, frozen_now):
    """A full-time PO in North Team A holding, since 2 March, a community A3 case (206 points)."""
    membership = officer(legacy.team)
    since = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)
    allocate_case(CaseFactory(team=legacy.team, level="A3"), membership.practitioner, actor=None, at=since)
    return membership


@pytest.fixture
def case(po):
    return po.practitioner.cases.get()


def recomputed(membership: TeamMembership, *days: dt.date) -> list[int]:
    """The membership's total points in the snapshots recomputed for these days (from the first to the last)."""
    recompute_snapshots(min(days), max(days))
    totals = dict(WorkloadSnapshot.objects.filter(membership=membership).values_list("on", "total_points"))
    return [totals[day] for day in days]


@pytest.mark.parametrize(("flag", "points"), [("warrant", 0), ("young_adult", 75)])
def test_a_flag_gained_on_a_day_scores_from_that_day(po, case, team_manager, flag, points):
    """The legacy preset keeps 0 % of a case on warrant; a young adult's A3 row is worth 75."""
    change_case_flags(case, [flag], actor=team_manager, occurred_on=CHANGED_ON)
    assert stored(po).total_points == points

    assert recomputed(po, BEFORE, CHANGED_ON, TODAY) == [206, points, points]
    assert past_state(BEFORE).cases[case.pk][0].flags == frozenset()
    assert past_state(CHANGED_ON).cases[case.pk][0].flags == {flag}


def test_a_flag_gained_and_lost_again_is_undone_step_by_step(po, case, team_manager):
    change_case_flags(case, ["warrant"], actor=team_manager, occurred_on=dt.date(2026, 3, 5))
    change_case_flags(case, [], actor=team_manager, occurred_on=CHANGED_ON)

    days = (dt.date(2026, 3, 4), dt.date(2026, 3, 5), BEFORE, CHANGED_ON)
    assert recomputed(po, *days) == [206, 0, 0, 206]


def test_a_category_change_with_a_new_level_scores_from_that_day(po, case, team_manager):
    change_case_category(case, "licence", level="B1", actor=team_manager, occurred_on=CHANGED_ON)
    assert stored(po).total_points == 119  # licence B1

    assert recomputed(po, BEFORE, CHANGED_ON) == [206, 119]  # community A3, then licence B1
    before = past_state(BEFORE).cases[case.pk][0]
    assert (before.category, before.level) == ("community", "A3")


def test_a_level_change_then_a_category_change_are_both_undone(po, case, team_manager):
    """Community A3 (206) → community C2 (63) on the 5th → custody C2 (24) on the 10th."""
    record_case_event(
        case, EventKind.LEVEL_CHANGED, actor=team_manager, occurred_on=dt.date(2026, 3, 5), level="C2"
    )
    change_case_category(case, "custody", actor=team_manager, occurred_on=CHANGED_ON)

    days = (dt.date(2026, 3, 4), dt.date(2026, 3, 5), BEFORE, CHANGED_ON, TODAY)
    assert recomputed(po, *days) == [206, 63, 63, 24, 24]
    assert stored(po).total_points == 24  # the recomputed today agrees with the live figures


@pytest.mark.parametrize(
    ("kind", "values", "points"),
    [
        (EventKind.FLAGS_CHANGED, {"flags": ["warrant"]}, 0),
        (EventKind.CATEGORY_CHANGED, {"category": "custody"}, 75),  # custody A3
    ],
)
def test_a_change_whose_event_has_no_from_keeps_todays_value(po, case, kind, values, points):
    """An imported event (or an older row) records no "from": the value before it is unknown."""
    Case.objects.filter(pk=case.pk).update(**values)
    CaseEvent.objects.create(case=case, kind=kind, occurred_on=CHANGED_ON, details={"import_run": 7})

    assert recomputed(po, BEFORE, CHANGED_ON) == [points, points]


def test_an_event_without_from_is_passed_over_for_the_next_that_has_one(po, case, team_manager):
    """Warrant set by an import on the 5th (no "from"), lifted on the 10th: before the 5th the case counts
    as it was just after the import, on warrant."""
    Case.objects.filter(pk=case.pk).update(flags=["warrant"])
    CaseEvent.objects.create(
        case=case, kind=EventKind.FLAGS_CHANGED, occurred_on=dt.date(2026, 3, 5), details={"import_run": 7}
    )
    change_case_flags(case, [], actor=team_manager, occurred_on=CHANGED_ON)

    assert recomputed(po, dt.date(2026, 3, 4), BEFORE, CHANGED_ON) == [0, 0, 206]


def test_a_case_moved_to_another_team_counts_in_the_old_team_before_the_move(po, case, legacy, team_manager):
    """The allocation spell records the team, so a reallocation with a team move is replayed."""
    other = officer(legacy.team_b)
    record_case_event(
        case, EventKind.REALLOCATED, actor=team_manager, occurred_on=CHANGED_ON,
        practitioner=other.practitioner, team=legacy.team_b,
    )  # fmt: skip
    assert (stored(po).total_points, stored(other).total_points) == (0, 206)

    assert recomputed(po, BEFORE, CHANGED_ON) == [206, 0]
    assert recomputed(other, BEFORE, CHANGED_ON) == [0, 206]
    assert past_state(BEFORE).cases[case.pk][1:] == (po.practitioner_id, legacy.team.pk)
    assert past_state(CHANGED_ON).cases[case.pk][1:] == (other.practitioner_id, legacy.team_b.pk)
