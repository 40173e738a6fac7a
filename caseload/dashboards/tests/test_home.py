"""The home page: the organisation tree with counts rolled up from the teams."""

import datetime as dt

import pytest

from caseload.cases.tests.factories import CaseFactory
from caseload.dashboards.presenters import present_tree
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


def test_presenter_writes_a_plain_summary(staffed):
    [root] = present_tree(org_tree_with_counts(TODAY))
    team_a = root.children[0].children[0].children[0]
    assert root.summary == "3 teams, 3 practitioners, 6 open cases, 2 unallocated"
    assert team_a.summary == "1 practitioner, 5 open cases, 2 unallocated"
    assert team_a.kind == "Team"


def test_home_page_needs_sign_in(client, db):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/sign-in/?next=/")


def test_home_page_renders_the_tree(client, staffed, team_manager):
    client.force_login(team_manager)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "North Team A" in html
    assert "3 teams, 3 practitioners, 6 open cases, 2 unallocated" in html


def test_home_page_empty_state(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("first-admin"))
    response = client.get("/")
    assert "No organisation yet" in response.content.decode()
