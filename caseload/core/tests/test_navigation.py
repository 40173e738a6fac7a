"""The service navigation shows each role the areas it may use, and marks where the user is."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from caseload.core.navigation import navigation_for
from caseload.core.scope import scope_for

EXPECTED = {
    "practitioner_user": ["My workload", "Well-being", "Notifications"],
    "team_manager": ["Workload", "Allocation", "Well-being", "Supervision", "Reports", "Notifications"],
    "senior_leader": ["Workload", "Well-being", "Supervision", "Reports", "Notifications"],
    "analyst": ["Workload", "Well-being", "Supervision", "Reports", "Notifications"],
    "admin_user": [
        "Workload",
        "Allocation",
        "Well-being",
        "Supervision",
        "Reports",
        "Imports",
        "Audit log",
        "Administration",
        "Notifications",
    ],
}


def _texts(items):
    return [item.get("text") or str(item["html"]).split(" <", 1)[0] for item in items]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_its_areas(request, who):
    user = request.getfixturevalue(who)
    http = RequestFactory().get("/wellbeing/")
    http.user, http.scope = user, scope_for(user)
    items = navigation_for(http)
    assert _texts(items) == EXPECTED[who]
    assert [i for i in items if i.get("active")] == [i for i in items if i["href"] == "/wellbeing/"]


@pytest.mark.parametrize(
    ("who", "href"),
    [
        ("team_manager", "/supervision/team/"),
        ("admin_user", "/supervision/overview/"),
        ("analyst", "/supervision/overview/"),
    ],
)
def test_supervision_leads_line_managers_to_their_people_and_others_to_counts(request, who, href):
    user = request.getfixturevalue(who)
    http = RequestFactory().get("/")
    http.user, http.scope = user, scope_for(user)
    assert [i["href"] for i in navigation_for(http) if _texts([i]) == ["Supervision"]] == [href]


def test_signed_out_visitors_get_no_navigation(rf):
    from django.contrib.auth.models import AnonymousUser

    http = rf.get("/")
    http.user = AnonymousUser()
    http.scope = scope_for(http.user)
    assert navigation_for(http) == []


def test_the_allocation_entry_counts_unallocated_cases_in_scope(team_manager, org):
    from caseload.cases.tests.factories import CaseFactory

    CaseFactory(team=org.team)
    CaseFactory(team=org.team)
    CaseFactory(team=org.other_team)  # not the manager's
    http = RequestFactory().get("/")
    http.user, http.scope = team_manager, scope_for(team_manager)
    allocation = next(i for i in navigation_for(http) if i["href"] == "/allocations/")
    assert ">2<" in str(allocation["html"])
