"""The organisation models on their own: database constraints, path maintenance, dates and statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps

from caseload.organisations.models import (
    OrgUnit,
    OrgUnitKind,
    Reduction,
    ReductionStatus,
    Responsibility,
    TeamMembership,
)
from caseload.organisations.tests.factories import (
    GradeFactory,
    OrgUnitFactory,
    OrgUnitParentHistoryFactory,
    PractitionerFactory,
    ReductionFactory,
    ReductionReasonFactory,
    ResponsibilityFactory,
    TeamFactory,
    TeamMembershipFactory,
    org_chain,
)

pytestmark = pytest.mark.django_db

JAN_1, JAN_31, FEB_1 = dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 2, 1)


# --- Constraints -------------------------------------------------------------------------------------------


def _unit_ending_before_it_starts() -> None:
    OrgUnitFactory(effective_from=FEB_1, effective_to=JAN_31)


def _unit_its_own_parent() -> None:
    unit = OrgUnitFactory()
    OrgUnit.objects.filter(pk=unit.pk).update(parent=unit)


def _two_open_parent_links() -> None:
    link = OrgUnitParentHistoryFactory()
    OrgUnitParentHistoryFactory(unit=link.unit, valid_from=FEB_1)


def _practitioner_leaving_before_starting() -> None:
    PractitionerFactory(start_date=FEB_1, leave_date=JAN_31)


def _membership_over_48_hours() -> None:
    TeamMembershipFactory(contracted_hours=Decimal("48.01"))


def _membership_ending_before_it_starts() -> None:
    TeamMembershipFactory(start_date=FEB_1, end_date=JAN_31)


def _two_open_memberships_of_one_team() -> None:
    membership = TeamMembershipFactory()
    TeamMembershipFactory(practitioner=membership.practitioner, team=membership.team, start_date=FEB_1)


def _reason_default_above_max() -> None:
    ReductionReasonFactory(code="made-up", default_percent=Decimal(30), max_percent=Decimal(20))


def _negative_reduction() -> None:
    ReductionFactory(hours=Decimal("-1"))


def _reduction_ending_before_it_starts() -> None:
    ReductionFactory(effective_from=FEB_1, effective_to=JAN_31)


def _responsibility_of_nothing() -> None:
    ResponsibilityFactory(quantity=Decimal(0))


def _responsibility_ending_before_it_starts() -> None:
    ResponsibilityFactory(effective_from=FEB_1, effective_to=JAN_31)


# Constraint name -> (what the database error says, a write that breaks it).
VIOLATIONS: dict[str, tuple[str, Callable[[], None]]] = {
    "orgunit_dates_in_order": ("orgunit_dates_in_order", _unit_ending_before_it_starts),
    "orgunit_not_own_parent": ("orgunit_not_own_parent", _unit_its_own_parent),
    "one_open_parent_link_per_unit": (
        "one_open_parent_link_per_unit|organisations_orgunitparenthistory.unit_id",
        _two_open_parent_links,
    ),
    "practitioner_leaves_after_start": (
        "practitioner_leaves_after_start",
        _practitioner_leaving_before_starting,
    ),
    "membership_hours_0_to_48": ("membership_hours_0_to_48", _membership_over_48_hours),
    "membership_dates_in_order": ("membership_dates_in_order", _membership_ending_before_it_starts),
    "one_open_membership_per_team": (
        "one_open_membership_per_team|organisations_teammembership.practitioner_id",
        _two_open_memberships_of_one_team,
    ),
    "reason_default_within_max": ("reason_default_within_max", _reason_default_above_max),
    "reduction_hours_0_to_48": ("reduction_hours_0_to_48", _negative_reduction),
    "reduction_dates_in_order": ("reduction_dates_in_order", _reduction_ending_before_it_starts),
    "responsibility_quantity_positive": ("responsibility_quantity_positive", _responsibility_of_nothing),
    "responsibility_dates_in_order": (
        "responsibility_dates_in_order",
        _responsibility_ending_before_it_starts,
    ),
}


def test_every_constraint_of_the_app_has_a_violation_test():
    declared = {
        c.name for m in apps.get_app_config("organisations").get_models() for c in m._meta.constraints
    }
    assert set(VIOLATIONS) == declared


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_database_refuses_a_row_breaking(name, db_refuses):
    pattern, write = VIOLATIONS[name]
    with db_refuses(pattern):
        write()


def test_boundary_values_are_accepted():
    membership = TeamMembershipFactory(contracted_hours=Decimal(48), start_date=JAN_1, end_date=JAN_1)
    ReductionFactory(membership=membership, hours=Decimal(0), effective_from=JAN_1, effective_to=JAN_1)
    ReductionFactory(membership=membership, hours=Decimal(48))
    ReductionReasonFactory(code="made-up", default_percent=Decimal(20), max_percent=Decimal(20))
    PractitionerFactory(start_date=JAN_1, leave_date=JAN_1)
    OrgUnitFactory(effective_from=JAN_1, effective_to=JAN_1)
    ResponsibilityFactory(
        membership=membership, quantity=Decimal("0.01"), effective_from=JAN_1, effective_to=JAN_1
    )
    assert membership.reductions.count() == 2
    assert membership.responsibilities.count() == 1


def test_a_closed_membership_does_not_block_a_new_one_in_the_same_team():
    old = TeamMembershipFactory(start_date=JAN_1, end_date=JAN_31)
    TeamMembershipFactory(practitioner=old.practitioner, team=old.team, start_date=FEB_1)
    assert TeamMembership.objects.filter(practitioner=old.practitioner, team=old.team).count() == 2


def test_a_closed_parent_link_does_not_block_the_next_one():
    old = OrgUnitParentHistoryFactory(valid_from=JAN_1, valid_to=JAN_31)
    OrgUnitParentHistoryFactory(unit=old.unit, valid_from=FEB_1)
    assert old.unit.parent_history.count() == 2


def test_grades_are_the_seeded_rows():
    pqip = GradeFactory(code="PQIP")
    assert (pqip.name, pqip.service, pqip.newly_qualified, pqip.holds_cases) == (
        "PQiP trainee probation officer",
        "probation",
        True,
        True,
    )
    assert GradeFactory(code="SPO").holds_cases is False
    assert ReductionReasonFactory(code="pqip-0-6").default_percent == Decimal(80)


# --- OrgUnit path and depth -------------------------------------------------------------------------------


def test_path_and_depth_follow_the_parent_chain():
    root, division, team = org_chain(OrgUnitKind.ORGANISATION, OrgUnitKind.DIVISION, OrgUnitKind.TEAM)
    assert (root.path, root.depth) == (f"/{root.pk}/", 0)
    assert (division.path, division.depth) == (f"/{root.pk}/{division.pk}/", 1)
    assert (team.path, team.depth) == (f"/{root.pk}/{division.pk}/{team.pk}/", 2)
    team.refresh_from_db()
    assert (team.path, team.depth) == (f"/{root.pk}/{division.pk}/{team.pk}/", 2)


def test_saving_with_a_new_parent_rewrites_the_units_own_path():
    root, north, area = org_chain(OrgUnitKind.ORGANISATION, OrgUnitKind.DIVISION, OrgUnitKind.AREA)
    (south,) = org_chain(OrgUnitKind.DIVISION, parent=root)
    area.parent = south
    area.save()
    area.refresh_from_db()
    assert (area.path, area.depth) == (f"/{root.pk}/{south.pk}/{area.pk}/", 2)
    assert area.ancestors() == [root, south]
    assert north.path == f"/{root.pk}/{north.pk}/"


def test_moving_a_unit_to_the_top_makes_it_a_root():
    _, division = org_chain(OrgUnitKind.ORGANISATION, OrgUnitKind.DIVISION)
    division.parent = None
    division.save()
    division.refresh_from_db()
    assert (division.path, division.depth) == (f"/{division.pk}/", 0)
    assert division.ancestors() == []


def test_saving_a_renamed_unit_keeps_its_path():
    root, team = org_chain(OrgUnitKind.ORGANISATION, OrgUnitKind.TEAM)
    team.name = "Renamed"
    team.save()
    team.refresh_from_db()
    assert (team.name, team.path) == ("Renamed", f"/{root.pk}/{team.pk}/")


def test_within_is_the_unit_and_everything_below_it():
    root, division, area, team = org_chain("organisation", "division", "area", "team")
    (other_division, other_team) = org_chain("division", "team", parent=root)
    assert set(OrgUnit.objects.within(division)) == {division, area, team}
    assert set(OrgUnit.objects.within(root)) == {root, division, area, team, other_division, other_team}
    assert set(OrgUnit.objects.within(root).teams()) == {team, other_team}


def test_current_units_are_those_in_effect_on_the_day():
    started = OrgUnitFactory(effective_from=JAN_1)
    ending = OrgUnitFactory(effective_from=JAN_1, effective_to=JAN_31)
    future = OrgUnitFactory(effective_from=FEB_1)
    assert set(OrgUnit.objects.current(JAN_1)) == {started, ending}
    assert set(OrgUnit.objects.current(JAN_31)) == {started, ending}
    assert set(OrgUnit.objects.current(FEB_1)) == {started, future}
    assert set(OrgUnit.objects.current(dt.date(2025, 12, 31))) == set()
    assert (ending.is_current(JAN_31), ending.is_current(FEB_1), future.is_current(JAN_31)) == (
        True,
        False,
        False,
    )


def test_current_defaults_to_today(frozen_now):
    today = frozen_now.date()
    live = OrgUnitFactory(effective_from=today)
    OrgUnitFactory(effective_from=today + dt.timedelta(days=1))
    OrgUnitFactory(effective_from=JAN_1, effective_to=today - dt.timedelta(days=1))
    assert list(OrgUnit.objects.current()) == [live]


# --- Practitioners and memberships ------------------------------------------------------------------------


def test_practitioner_in_post_between_start_and_leave_dates():
    practitioner = PractitionerFactory(
        first_name="Jo", last_name="Bloggs", start_date=JAN_1, leave_date=JAN_31
    )
    assert practitioner.full_name == "Jo Bloggs"
    assert [practitioner.is_in_post(day) for day in (dt.date(2025, 12, 31), JAN_1, JAN_31, FEB_1)] == [
        False,
        True,
        True,
        False,
    ]


def test_current_memberships_on_a_day():
    team = TeamFactory()
    open_ended = TeamMembershipFactory(team=team, start_date=JAN_1)
    ended = TeamMembershipFactory(team=team, start_date=JAN_1, end_date=JAN_31)
    starting = TeamMembershipFactory(team=team, start_date=FEB_1)
    assert set(TeamMembership.objects.current(JAN_1)) == {open_ended, ended}
    assert set(TeamMembership.objects.current(JAN_31)) == {open_ended, ended}
    assert set(TeamMembership.objects.current(FEB_1)) == {open_ended, starting}


def test_current_memberships_default_to_today(frozen_now):
    today = frozen_now.date()
    now = TeamMembershipFactory(start_date=today)
    TeamMembershipFactory(start_date=today + dt.timedelta(days=1))
    assert list(TeamMembership.objects.current()) == [now]


# --- Reductions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2025, 12, 31), ReductionStatus.SCHEDULED),
        (JAN_1, ReductionStatus.ACTIVE),
        (dt.date(2026, 1, 15), ReductionStatus.ACTIVE),
        (JAN_31, ReductionStatus.ACTIVE),
        (FEB_1, ReductionStatus.ARCHIVED),
    ],
)
def test_status_of_a_dated_reduction(on, expected):
    reduction = Reduction(hours=Decimal(4), effective_from=JAN_1, effective_to=JAN_31)
    assert reduction.status_on(on) == expected


def test_an_open_ended_reduction_stays_active():
    reduction = Reduction(hours=Decimal(4), effective_from=JAN_1)
    assert reduction.status_on(dt.date(2040, 1, 1)) == ReductionStatus.ACTIVE
    assert reduction.status_on(dt.date(2025, 12, 31)) == ReductionStatus.SCHEDULED


@pytest.mark.parametrize("on", [dt.date(2025, 12, 31), JAN_1, FEB_1])
def test_deleted_overrides_every_other_status(on):
    reduction = Reduction(hours=Decimal(4), effective_from=JAN_1, effective_to=JAN_31, is_deleted=True)
    assert reduction.status_on(on) == ReductionStatus.DELETED


def test_status_property_is_the_status_today(frozen_now):
    today = frozen_now.date()
    reduction = Reduction(hours=Decimal(4), effective_from=today, effective_to=today)
    assert reduction.status == ReductionStatus.ACTIVE
    assert Reduction(hours=Decimal(4), effective_from=today + dt.timedelta(days=1)).status == "scheduled"


def test_active_on_counts_started_unended_undeleted_reductions():
    membership = TeamMembershipFactory()
    january = ReductionFactory(membership=membership, effective_from=JAN_1, effective_to=JAN_31)
    open_ended = ReductionFactory(membership=membership, effective_from=JAN_31)
    ReductionFactory(membership=membership, effective_from=JAN_1, is_deleted=True)
    from_february = ReductionFactory(membership=membership, effective_from=FEB_1)
    assert set(Reduction.objects.active_on(dt.date(2025, 12, 31))) == set()
    assert set(Reduction.objects.active_on(JAN_1)) == {january}
    assert set(Reduction.objects.active_on(JAN_31)) == {january, open_ended}
    assert set(Reduction.objects.active_on(FEB_1)) == {open_ended, from_february}


def test_active_responsibilities_on_a_day():
    membership = TeamMembershipFactory()
    january = ResponsibilityFactory(membership=membership, effective_from=JAN_1, effective_to=JAN_31)
    open_ended = ResponsibilityFactory(membership=membership, code="practice_educator", effective_from=JAN_31)
    assert set(Responsibility.objects.active_on(dt.date(2025, 12, 31))) == set()
    assert set(Responsibility.objects.active_on(JAN_1)) == {january}
    assert set(Responsibility.objects.active_on(JAN_31)) == {january, open_ended}
    assert set(Responsibility.objects.active_on(FEB_1)) == {open_ended}
