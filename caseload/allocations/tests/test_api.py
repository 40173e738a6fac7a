"""The allocation API: register, candidates with projections, allocate / reallocate, errors as 4xx."""

from __future__ import annotations

import datetime as dt

import pytest

from caseload.allocations.models import AllocationDecision
from caseload.allocations.tests.helpers import loaded_officer, waiting_case


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


@pytest.fixture
def api(client, team_manager):
    client.force_login(team_manager)
    return client


def test_register_and_candidates(api, team):
    officer = loaded_officer(team, 1)
    pso = loaded_officer(team, grade="PSO")
    case = waiting_case(team, received_date=dt.date(2026, 3, 2))
    [row] = api.get("/api/allocations/unallocated").json()
    assert row["reference"] == case.reference and row["days_waiting"] == 14 and row["overdue"]
    assert row["priority"] == "high"
    body = api.get(f"/api/allocations/cases/{case.pk}/candidates").json()
    assert body["recommended_membership_id"] == officer.pk
    first, second = body["candidates"]
    assert (first["membership_id"], first["position"], first["eligible"]) == (officer.pk, 1, True)
    assert first["current_percent"] == "9.4669" and first["projected_percent"] == "18.9338"
    assert (second["membership_id"], second["eligible"], second["position"]) == (pso.pk, False, None)
    assert second["reasons"][0].startswith("PSO cannot hold this case")


def test_allocate_is_idempotent_and_a_race_loser_gets_409_with_who(api, team, client):
    officer = loaded_officer(team, first_name="Ann", last_name="Ant")
    other = loaded_officer(team)
    case = waiting_case(team)
    url = f"/api/allocations/cases/{case.pk}/allocate"
    first = api.post(
        url, {"membership_id": officer.pk, "token": "api-token-1"}, content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["status"] == "allocated"
    again = api.post(
        url, {"membership_id": officer.pk, "token": "api-token-1"}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["repeated"] is True
    lost = api.post(url, {"membership_id": other.pk, "token": "api-token-2"}, content_type="application/json")
    assert lost.status_code == 409
    assert "already been allocated to Ann Ant by Tom Manager" in lost.json()["detail"]
    assert AllocationDecision.objects.count() == 1


def test_errors_are_4xx_with_a_message(api, team):
    pso = loaded_officer(team, grade="PSO")
    heavy = loaded_officer(team, 12)
    case = waiting_case(team)
    url = f"/api/allocations/cases/{case.pk}/allocate"
    bad = api.post(url, {"membership_id": pso.pk, "token": "api-token-3"}, content_type="application/json")
    assert bad.status_code == 422 and "cannot take this case" in bad.json()["errors"]["membership"][0]
    unknown = api.post(
        url, {"membership_id": 999999, "token": "api-token-4"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    asked = api.post(
        url,
        {"membership_id": heavy.pk, "token": "api-token-5", "justification": "x"},
        content_type="application/json",
    )
    assert asked.status_code == 202 and asked.json()["status"] == "approval_requested"
    missing = api.post(
        "/api/allocations/cases/999999/allocate",
        {"membership_id": pso.pk, "token": "api-token-6"},
        content_type="application/json",
    )
    assert missing.status_code == 404


def test_reallocate_needs_a_valid_reason(api, team):
    first, second = loaded_officer(team), loaded_officer(team)
    case = waiting_case(team)
    api.post(
        f"/api/allocations/cases/{case.pk}/allocate",
        {"membership_id": first.pk, "token": "api-token-7"},
        content_type="application/json",
    )
    url = f"/api/allocations/cases/{case.pk}/reallocate"
    wrong = api.post(
        url,
        {"membership_id": second.pk, "token": "api-token-8", "reason": "bored"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    done = api.post(
        url,
        {"membership_id": second.pk, "token": "api-token-8", "reason": "transfer_in"},
        content_type="application/json",
    )
    assert done.status_code == 201 and done.json()["practitioner"] == second.practitioner.staff_code


def test_the_operations_are_in_the_openapi_schema(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/allocations/cases/{case_id}/allocate"]) == {"post"}
    assert "get" in paths["/api/allocations/cases/{case_id}/candidates"]
    assert "post" in paths["/api/allocations/cases/{case_id}/reallocate"]
    assert "get" in paths["/api/allocations/unallocated"]
