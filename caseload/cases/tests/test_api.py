"""The cases API: reading a case and its events through the scope, and recording the timeliness milestones
and requested reports (the other kinds: caseload/workloads/tests/test_api.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from caseload.cases.models import CaseEvent, EventKind
from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.workloads.models import Workload
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import officer

pytestmark = pytest.mark.django_db
MILESTONES = ["appointment", "assessment_completed", "review", "visit"]


@pytest.fixture
def case(legacy, practitioner_user, frozen_now):
    """Pat's community A3 case, sentenced on Thursday 12 March 2026 (first appointment due by 17 March)."""
    held = CaseFactory(
        team=legacy.team,
        reference="CRN001",
        name="Jo Example",
        level="A3",
        start_date=dt.date(2026, 3, 12),
    )
    allocate_case(held, practitioner_user.practitioner, actor=None)
    recalculate([practitioner_user.practitioner.memberships.get()])
    held.refresh_from_db()
    return held


@pytest.fixture
def manager(client, team_manager):
    client.force_login(team_manager)
    return client


def post_event(client, reference, **body):
    return client.post(f"/api/cases/{reference}/events", body, content_type="application/json")


@pytest.mark.parametrize("kind", MILESTONES)
def test_a_milestone_is_recorded_with_no_workload_change(manager, case, practitioner_user, kind):
    response = post_event(manager, "CRN001", kind=kind, occurred_on="2026-03-13", notes="Seen.")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["occurred_on"], body["practitioner"]) == (kind, "2026-03-13", "CAST-PRAC")
    assert body["details"] == {"notes": "Seen."}
    assert body["workloads"] == []
    assert CaseEvent.objects.filter(case=case, kind=kind).count() == 1


def test_a_requested_report_needs_its_type(manager, case):
    missing = post_event(manager, "CRN001", kind="report_requested")
    made = post_event(manager, "CRN001", kind="report_requested", report_type="court_fast")

    assert missing.status_code == 422
    assert made.status_code == 201
    assert CaseEvent.objects.get(kind=EventKind.REPORT_REQUESTED).report_type == "court_fast"


def test_an_unknown_kind_names_the_accepted_ones(manager, case):
    response = post_event(manager, "CRN001", kind="levitated")

    assert response.status_code == 422
    detail = str(response.json()["detail"])
    for kind in [*MILESTONES, "report_requested"]:
        assert f"'{kind}'" in detail


def test_the_schema_lists_the_new_kinds_and_operations(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/cases/{reference}"]) == {"get"}
    assert set(paths["/api/cases/{reference}/events"]) == {"get", "post"}
    contact = schema["components"]["schemas"]["ContactIn"]["properties"]["kind"]
    assert contact["enum"] == ["contact", *MILESTONES]
    report = schema["components"]["schemas"]["ReportIn"]["properties"]["kind"]
    assert report["enum"] == ["report_requested", "report_completed"]


def test_reading_a_case_with_its_points_history_and_clocks(manager, case):
    post_event(manager, "CRN001", kind="appointment", occurred_on="2026-03-13")

    response = manager.get("/api/cases/CRN001")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["reference"], body["name"], body["team"], body["practitioner"]) == (
        "CRN001",
        "Jo Example",
        "NORTH-A",
        "CAST-PRAC",
    )
    assert (body["category"], body["level"], body["status"], body["start_date"]) == (
        "community",
        "A3",
        "active",
        "2026-03-12",
    )
    assert [(p["kind"], p["points"]) for p in body["points"]] == [("case", "206.00")]
    assert body["points_calculated_at"] is not None
    assert [(a["practitioner"], a["ended_at"]) for a in body["allocations"]] == [("CAST-PRAC", None)]
    first = [c for c in body["timeliness"] if c["indicator"] == "first-appointment"]
    assert first == [
        {
            "indicator": "first-appointment",
            "name": "First appointment within 5 days of sentence",
            "started": "2026-03-12",
            "due": "2026-03-17",
            "completed": "2026-03-13",
            "outcome": "on_time",
        }
    ]


def test_reading_events_newest_first_a_page_at_a_time(manager, case):
    for day in range(1, 27):
        CaseEventFactory(case=case, occurred_on=dt.date(2026, 2, day), details={"notes": f"Note {day}"})

    first = manager.get("/api/cases/CRN001/events").json()
    second = manager.get("/api/cases/CRN001/events?page=2").json()
    beyond = manager.get("/api/cases/CRN001/events?page=3")

    assert (first["count"], first["page"], first["pages"]) == (27, 1, 2)
    assert first["results"][0]["kind"] == "allocated" and first["results"][0]["occurred_on"] == "2026-03-16"
    assert first["results"][1]["notes"] == "Note 26"
    assert first["results"][1]["details"] == {}
    assert [e["notes"] for e in second["results"]] == ["Note 2", "Note 1"]
    assert beyond.status_code == 404


def test_the_holder_reads_their_case_but_not_once_it_moves_on(client, case, practitioner_user, legacy):
    client.force_login(practitioner_user)
    assert client.get("/api/cases/CRN001").status_code == 200
    allocate_case(case, officer(legacy.team).practitioner, actor=None)

    response = client.get("/api/cases/CRN001")

    assert response.status_code == 404
    assert response.json() == {"detail": "No case with reference CRN001."}


def total_points(membership) -> str:  # type: ignore[no-untyped-def]
    return str(Workload.objects.get(membership=membership).total_points)


def test_reallocating_returns_both_holders_figures_and_the_case_shows_the_new_holders_points(
    manager, case, practitioner_user, legacy
):
    pat = practitioner_user.practitioner.memberships.get()
    newcomer = officer(legacy.team)

    response = post_event(
        manager, "CRN001", kind="reallocated", practitioner=newcomer.practitioner.staff_code
    )

    assert response.status_code == 201, response.content
    returned = {
        w["membership_id"]: (w["total_points"], w["case_count"]) for w in response.json()["workloads"]
    }
    assert returned == {pat.pk: ("0.00", 0), newcomer.pk: ("206.00", 1)}  # community A3 moves over
    assert (total_points(pat), total_points(newcomer)) == ("0.00", "206.00")
    body = manager.get("/api/cases/CRN001").json()
    assert (body["practitioner"], [(p["kind"], p["points"]) for p in body["points"]]) == (
        newcomer.practitioner.staff_code,
        [("case", "206.00")],
    )
    assert [a["ended_at"] is None for a in body["allocations"]] == [False, True]


def test_closing_returns_the_holders_figures_without_the_case(manager, case, practitioner_user):
    pat = practitioner_user.practitioner.memberships.get()
    assert total_points(pat) == "206.00"

    response = post_event(manager, "CRN001", kind="closed")

    assert response.status_code == 201, response.content
    [workload] = response.json()["workloads"]
    assert (workload["membership_id"], workload["total_points"], workload["case_count"]) == (
        pat.pk,
        "0.00",
        0,
    )
    assert (workload["case_items"], workload["items_by_kind"]) == ([], {})
    assert total_points(pat) == "0.00"
    body = manager.get("/api/cases/CRN001").json()
    assert (body["status"], body["closed_date"], body["points"]) == ("closed", "2026-03-16", [])
