"""Allocation pages: register, case and candidates, allocate (errors kept, double submit, already
allocated), confirmation, reallocation, history search, approvals, and the navigation badge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from caseload.allocations.models import AllocationDecision, ApprovalRequest
from caseload.allocations.services import allocate
from caseload.allocations.tests.helpers import choice, loaded_officer, waiting_case
from caseload.supervision.models import Agreement


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


@pytest.fixture
def manager(client, team_manager):
    client.force_login(team_manager)
    return client


def test_the_register_lists_waiting_cases_and_the_nav_shows_the_badge(manager, team):
    waiting_case(team, reference="WAIT-1", received_date=dt.date(2026, 3, 1), name="Jo Bloggs")
    page = manager.get(reverse("allocations:register"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "WAIT-1" in html and "Jo Bloggs" in html and "15 days" in html
    assert "past the waiting threshold" in html
    assert "caseload-nav-badge" in html and ">1<span" in html
    empty = manager.get(reverse("allocations:register"), {"q": "nothing-like-this"})
    assert "There are no unallocated cases matching these filters." in empty.content.decode()


def test_the_case_page_shows_summary_candidates_recommendation_and_ineligible_people(manager, team):
    lee = loaded_officer(team, 1, first_name="Lee", last_name="Low")
    loaded_officer(team, 0, grade="PSO", first_name="Pip", last_name="Pso")
    case = waiting_case(team, level="A3")
    html = manager.get(reverse("allocations:case", args=[case.pk])).content.decode()
    assert "Recommended: Lee Low" in html
    assert "Lee Low would be at 18.9% after this case" in html
    assert "9.5%" in html and "18.9%" in html  # now and after
    assert "People who cannot take this case" in html and "PSO cannot hold this case" in html
    assert f'value="{lee.pk}"' in html and "Pip Pso (" not in html  # only eligible people can be chosen


def test_allocating_redirects_to_the_confirmation_and_a_second_submit_does_nothing_new(manager, team):
    officer = loaded_officer(team, first_name="Ann", last_name="Ant")
    case = waiting_case(team)
    form = {"membership": officer.pk, "token": "tok-1", "notes": "Hello", "copy_to": "copy@caseload.example"}
    first = manager.post(reverse("allocations:allocate", args=[case.pk]), form)
    decision = AllocationDecision.objects.get()
    assert first.status_code == 302 and first.url == reverse("allocations:confirmation", args=[decision.pk])
    assert decision.copy_to == ["copy@caseload.example"]
    again = manager.post(reverse("allocations:allocate", args=[case.pk]), form)
    assert again.status_code == 409  # the case is allocated now; the page says by whom
    assert "has already been allocated to Ann Ant by Tom Manager" in again.content.decode()
    assert AllocationDecision.objects.count() == 1
    page = manager.get(first.url).content.decode()
    assert "Allocation confirmed" in page and "Ann Ant" in page and "Queued" in page


def test_errors_keep_what_was_typed_and_show_a_summary(manager, team):
    officer = loaded_officer(team, 11)  # would pass the red threshold
    case = waiting_case(team)
    form = {"membership": officer.pk, "token": "tok-2", "notes": "Typed notes", "copy_to": "not an email"}
    page = manager.post(reverse("allocations:allocate", args=[case.pk]), form)
    html = page.content.decode()
    assert page.status_code == 400
    assert "<title>Error: Allocate" in html and "There is a problem" in html
    assert "“not an email” is not an email address." in html
    assert "Typed notes</textarea>" in html and 'value="not an email"' in html
    form["copy_to"] = ""
    page = manager.post(reverse("allocations:allocate", args=[case.pk]), form)
    assert page.status_code == 400 and "write a justification" in page.content.decode()


def test_reallocation_page_needs_a_reason(manager, team, team_manager):
    first, second = loaded_officer(team), loaded_officer(team)
    case = waiting_case(team)
    allocate(case, choice(first), actor=team_manager)
    assert manager.get(reverse("allocations:case", args=[case.pk])).url == reverse(
        "allocations:reallocate", args=[case.pk]
    )
    url = reverse("allocations:reallocate", args=[case.pk])
    page = manager.post(url, {"membership": second.pk, "token": "tok-3"})
    assert page.status_code == 400 and "Choose why the case is being reallocated." in page.content.decode()
    done = manager.post(url, {"membership": second.pk, "token": "tok-3", "reason": "change_of_address"})
    assert done.status_code == 302
    assert AllocationDecision.objects.get(kind="reallocate").reason == "change_of_address"


def test_history_is_searchable(manager, team, team_manager):
    ann = loaded_officer(team, first_name="Ann", last_name="Ant")
    bob = loaded_officer(team, first_name="Bob", last_name="Bee")
    allocate(waiting_case(team, reference="H-1"), choice(ann), actor=team_manager)
    allocate(
        waiting_case(team, reference="H-2"), choice(bob, justification="Knows the family"), actor=team_manager
    )
    html = manager.get(reverse("allocations:history")).content.decode()
    assert "2 decisions" in html and "H-1" in html and "H-2" in html
    found = manager.get(reverse("allocations:history"), {"q": "family"}).content.decode()
    assert "1 decision matching" in found and "H-2" in found and "H-1" not in found


def test_an_area_manager_approves_from_the_approval_page(client, team, team_manager, area_manager):
    officer = loaded_officer(team, 12)
    case = waiting_case(team)
    client.force_login(team_manager)
    asked = client.post(
        reverse("allocations:allocate", args=[case.pk]),
        {"membership": officer.pk, "token": "tok-4", "justification": "Court on Monday"},
    )
    request = ApprovalRequest.objects.get()
    assert asked.url == reverse("allocations:approval", args=[request.pk])
    assert "An area manager other than the requester decides" in client.get(asked.url).content.decode()
    client.force_login(area_manager)
    assert case.reference in client.get(reverse("allocations:approvals")).content.decode()
    missing = client.post(asked.url, {"decision": "decline"})
    assert missing.status_code == 400 and "Say why the request is declined." in missing.content.decode()
    client.post(asked.url, {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved" and request.decision.practitioner == officer.practitioner


def _row_of(html: str, name: str) -> str:
    """The candidates table row (from `<tr` to `</tr>`) that names `name`."""
    rows = [row for row in html.split("<tr")[1:] if name in row.split("</tr>")[0]]
    assert len(rows) == 1, f"expected one row for {name}"
    return rows[0].split("</tr>")[0]


def test_the_candidates_show_who_would_breach_their_agreed_range(manager, team, team_manager):
    busy = loaded_officer(team, 8, first_name="Bea", last_name="Busy")  # 85.2% after the case
    calm = loaded_officer(team, 1, first_name="Cal", last_name="Calm")  # 18.9% after the case
    for membership in (busy, calm):
        Agreement.objects.create(
            membership=membership,
            expected_min_percent=Decimal(60),
            expected_max_percent=Decimal(80),
            agreed_on=dt.date(2026, 3, 1),
            review_date=dt.date(2026, 6, 1),
            recorded_by=team_manager,
        )
    html = manager.get(reverse("allocations:case", args=[waiting_case(team).pk])).content.decode()
    busy_row = _row_of(html, "Bea Busy")
    assert "85.2%" in busy_row
    assert "Would breach the agreed range (up to 80.0%)" in busy_row
    assert "agreed range" not in _row_of(html, "Cal Calm")  # under the top of the range: no warning
