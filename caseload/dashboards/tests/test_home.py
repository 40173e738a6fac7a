"""The home page (the units a user oversees, with headline figures) and the organisation tree counts."""

import datetime as dt

import pytest
from django.urls import reverse

from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.selectors import org_tree_with_counts
from caseload.organisations.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def staffed(org, practitioner_user, outsider):
    held_by = practitioner_user.practitioner
    TeamMembershipFactory(team=org.team_b)
    TeamMembershipFactory(
        team=org.team_b, end_date=dt.date(2025, 12, 31), start_date=dt.date(2025, 1, 1)
    )  # left
    CaseFactory.create_batch(3, team=org.team, practitioner=held_by)
    CaseFactory.create_batch(2, team=org.team)  # unallocated
    CaseFactory(team=org.team, closed=True)  # not counted
    CaseFactory(team=org.other_team, practitioner=outsider.practitioner)
    return org


def test_counts_roll_up_from_teams(staffed):
    [root] = org_tree_with_counts(TODAY)
    north, south = root.children
    area = north.children[0]
    team_a, team_b = area.children

    assert (team_a.practitioners, team_a.open_cases, team_a.unallocated_cases) == (1, 5, 2)
    assert (team_b.practitioners, team_b.open_cases) == (1, 0)
    assert (area.teams, area.practitioners, area.open_cases, area.unallocated_cases) == (2, 2, 5, 2)
    assert (south.teams, south.practitioners, south.open_cases) == (1, 1, 1)
    assert (root.teams, root.practitioners, root.open_cases, root.unallocated_cases) == (3, 3, 6, 2)


def test_someone_in_two_teams_counts_once_above_them(staffed, practitioner_user):
    TeamMembershipFactory(
        practitioner=practitioner_user.practitioner, team=staffed.team_b, contracted_hours=10
    )
    [root] = org_tree_with_counts(TODAY)
    area = root.children[0].children[0]
    assert [team.practitioners for team in area.children] == [1, 2]
    assert (area.practitioners, root.practitioners) == (2, 3)


def test_units_not_yet_in_effect_are_left_out(org):
    org.team_b.effective_from = dt.date(2026, 6, 1)
    org.team_b.save()
    [root] = org_tree_with_counts(TODAY)
    assert [n.unit.code for n in root.children[0].children[0].children] == ["NORTH-A"]


def test_home_page_needs_sign_in(client, db):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/sign-in/?next=/")


def test_practitioners_go_to_their_own_workload(client, practitioner_user):
    client.force_login(practitioner_user)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, reverse("organisations:my-workload"))


def test_managers_see_their_units_with_headline_figures(client, measured, area_manager):
    client.force_login(area_manager)
    html = client.get("/").content.decode()
    assert reverse("dashboards:unit", args=[measured.org.area.pk]) in html
    assert "13.8% workload (WMT points per week)" in html
    assert "3 people, 1 person over red, 3 cases held" in html
    assert "North Division" not in html  # above the scope
    assert "Search practitioners and cases" in html


def test_each_unit_of_a_user_overseeing_several(client, measured, django_user_model):
    from caseload.core.models import Role
    from caseload.core.tests.factories import UserFactory

    user = UserFactory(role=Role.SENIOR_LEADER, org_units=[measured.org.team_b, measured.org.other_team])
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "North Team B" in html and "South Team" in html and "North Team A" not in html
    assert "117.0% workload (WMT points per week)" in html
    assert "minutes per week" in html


def test_administrators_see_the_organisation_and_analysts_no_search(client, measured, admin_user, analyst):
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    assert "Test Organisation" in html and "workload (minutes per week)" in html
    client.force_login(analyst)
    html = client.get("/").content.decode()
    assert "Test Organisation" in html and "Search practitioners" not in html


def test_home_page_empty_state(client, org, django_user_model):
    from caseload.core.models import Role
    from caseload.core.tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.AREA_MANAGER, org_units=[]))
    html = client.get("/").content.decode()
    assert "No units to show" in html
