"""The access scope, role by role, over the cast's organisation (caseload/tests/access.py builds it)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from caseload.core.models import Role
from caseload.core.scope import _collapse, scope_for
from caseload.core.tests.factories import UserFactory
from caseload.tests.access import build_world


@pytest.fixture
def world(org, practitioner_user, outsider, team_manager, area_manager, senior_leader, admin_user, analyst):
    return build_world(
        org,
        {
            "practitioner": practitioner_user,
            "outsider": outsider,
            "team_manager": team_manager,
            "area_manager": area_manager,
            "senior_leader": senior_leader,
            "admin": admin_user,
            "analyst": analyst,
        },
    )


def _codes(queryset, field="code"):
    return sorted(queryset.values_list(field, flat=True))


CASES = {
    "practitioner": ["ACC-CASE"],
    "outsider": ["ACC-OTHER_CASE"],
    "team_manager": ["ACC-CASE", "ACC-UNALLOCATED_CASE"],
    "area_manager": ["ACC-CASE", "ACC-TEAM_B_CASE", "ACC-UNALLOCATED_CASE"],
    "senior_leader": ["ACC-CASE", "ACC-TEAM_B_CASE", "ACC-UNALLOCATED_CASE"],
    "admin": ["ACC-CASE", "ACC-OTHER_CASE", "ACC-TEAM_B_CASE", "ACC-UNALLOCATED_CASE"],
    "analyst": [],
}
PRACTITIONERS = {
    "practitioner": ["CAST-PRAC"],
    "outsider": ["CAST-OUT"],
    "team_manager": ["CAST-PRAC"],
    "area_manager": ["CAST-PRAC", "CAST-TEAMB"],
    "senior_leader": ["CAST-PRAC", "CAST-TEAMB"],
    "admin": ["CAST-OUT", "CAST-PRAC", "CAST-TEAMB"],
    "analyst": [],
}
UNITS = {
    "practitioner": [],
    "outsider": [],
    "team_manager": ["NORTH-A"],
    "area_manager": ["NORTH-A", "NORTH-AREA", "NORTH-B"],
    "senior_leader": ["NORTH", "NORTH-A", "NORTH-AREA", "NORTH-B"],
    "admin": ["NORTH", "NORTH-A", "NORTH-AREA", "NORTH-B", "ORG", "SOUTH", "SOUTH-T"],
    "analyst": ["NORTH", "NORTH-A", "NORTH-AREA", "NORTH-B", "ORG", "SOUTH", "SOUTH-T"],
}


@pytest.mark.parametrize("role", list(CASES))
def test_each_role_sees_exactly_its_cases_practitioners_memberships_and_units(world, role):
    scope = scope_for(world.users[role])
    assert _codes(scope.cases, "reference") == CASES[role]
    assert _codes(scope.practitioners, "staff_code") == PRACTITIONERS[role]
    assert _codes(scope.memberships, "practitioner__staff_code") == PRACTITIONERS[role]
    assert _codes(scope.units) == UNITS[role]
    for unit in (world.org.team, world.org.team_b, world.org.other_team, world.org.organisation):
        assert scope.contains_unit(unit) == (unit.code in UNITS[role])


@pytest.mark.parametrize(
    ("role", "edits_own_team", "edits_team_b", "edits_south"),
    [
        ("practitioner", False, False, False),
        ("outsider", False, False, False),
        ("team_manager", True, False, False),
        ("area_manager", True, True, False),
        ("senior_leader", False, False, False),
        ("admin", True, True, True),
        ("analyst", False, False, False),
    ],
)
def test_who_may_change_a_membership(world, role, edits_own_team, edits_team_b, edits_south):
    scope = scope_for(world.users[role])
    assert scope.can_edit_membership(world.membership) is edits_own_team
    assert scope.can_edit_membership(world.team_b_membership) is edits_team_b
    assert scope.can_edit_membership(world.other_membership) is edits_south


def test_analysts_see_aggregates_only_and_pseudonymised(world):
    scope = scope_for(world.users["analyst"])
    assert scope.sees_units and not scope.sees_individuals and scope.pseudonymised and not scope.can_edit


def test_anonymous_users_and_managers_without_units_see_nothing(world):
    anonymous = scope_for(AnonymousUser())
    assert not anonymous.signed_in
    assert (
        not anonymous.cases.exists() and not anonymous.units.exists() and not anonymous.memberships.exists()
    )
    unplaced = scope_for(UserFactory(role=Role.TEAM_MANAGER))
    assert not unplaced.cases.exists() and not unplaced.units.exists() and not unplaced.practitioners.exists()


def test_a_senior_leader_given_the_root_sees_the_whole_organisation(world):
    leader = UserFactory(role=Role.SENIOR_LEADER, org_units=[world.org.organisation])
    assert _codes(scope_for(leader).cases, "reference") == CASES["admin"]


def test_overlapping_units_collapse_to_the_highest():
    assert _collapse(("/1/2/3/", "/1/2/", "/1/5/", "/1/2/4/")) == ("/1/2/", "/1/5/")


def test_the_middleware_puts_the_scope_on_the_request(client, team_manager):
    client.force_login(team_manager)
    response = client.get("/api/health")
    assert response.wsgi_request.scope.role == Role.TEAM_MANAGER
    assert response.wsgi_request.scope.contains_unit(team_manager.org_units.get())
