"""Who may open a case page, record events on it, and read or record case events through the API (see
caseload/tests/access.py). A case outside the scope does not exist (404, even by a guessed id or
reference); a senior leader reads but may not record (403); analysts never see individual cases (404)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from caseload.tests.access import Check, World, expect

EVENTS = "POST /api/cases/{reference}/events"
READ_CASE = "GET /api/cases/{reference}"
READ_EVENTS = "GET /api/cases/{reference}/events"

# Pat's case in North Team A.
SEE = expect(
    anonymous=302,
    practitioner=200,
    outsider=404,
    team_manager=200,
    area_manager=200,
    senior_leader=200,
    admin=200,
    analyst=404,
)
# Bea's case in North Team B, by guessed id: outside the team manager's scope and not Pat's.
SEE_TEAM_B = {**SEE, "practitioner": 404, "team_manager": 404}
# Olly's case in South Team: only Olly himself and the administrator.
SEE_SOUTH = {
    **SEE,
    "practitioner": 404,
    "outsider": 200,
    "team_manager": 404,
    "area_manager": 404,
    "senior_leader": 404,
}
RECORDED = {**SEE, "practitioner": 302, "team_manager": 302, "area_manager": 302, "admin": 302}
API_SEE = {**SEE, "anonymous": 401}


def _visit(w: World) -> dict[str, str]:
    return {
        "kind": "visit",
        "occurred_on-day": "16",
        "occurred_on-month": "3",
        "occurred_on-year": "2026",
        "notes": "Home visit.",
    }


def _visit_by_pat(w: World) -> dict[str, str]:
    return {**_visit(w), "practitioner": str(w.users["practitioner"].practitioner_id)}


def _closed_case_path(w: World) -> str:
    """A closed case Pat held in North Team A (made inside each role's rolled-back transaction)."""
    from caseload.cases.tests.factories import CaseFactory

    case = CaseFactory(
        team=w.org.team,
        reference="ACC-CLOSED",
        practitioner=w.users["practitioner"].practitioner,
        closed=True,
        closed_date=dt.date(2026, 3, 2),
    )
    return reverse("cases:record-event", args=[case.pk])


CHECKS = [
    Check("cases:case", lambda w: reverse("cases:case", args=[w.case.pk]), SEE),
    Check("cases:case", lambda w: reverse("cases:case", args=[w.team_b_case.pk]), SEE_TEAM_B),
    Check("cases:case", lambda w: reverse("cases:case", args=[w.other_case.pk]), SEE_SOUTH),
    Check(
        "cases:case",
        lambda w: reverse("cases:case", args=[w.unallocated_case.pk]),
        {**SEE, "practitioner": 404},
    ),
    Check(
        "cases:record-event",
        lambda w: reverse("cases:record-event", args=[w.case.pk]),
        {**SEE, "senior_leader": 403},
    ),
    Check(
        "cases:record-event",
        lambda w: reverse("cases:record-event", args=[w.case.pk]),
        {**RECORDED, "senior_leader": 403},
        method="POST",
        data=_visit,
    ),
    Check(  # another team's case by guessed id
        "cases:record-event",
        lambda w: reverse("cases:record-event", args=[w.team_b_case.pk]),
        {**RECORDED, "practitioner": 404, "team_manager": 404, "senior_leader": 403},
        method="POST",
        data=_visit,
    ),
    Check(  # Olly records on his own case; nobody in the North may
        "cases:record-event",
        lambda w: reverse("cases:record-event", args=[w.other_case.pk]),
        {**SEE_SOUTH, "outsider": 302, "admin": 302},
        method="POST",
        data=_visit,
    ),
    Check(  # an unallocated case: not Pat's; managers say who did the work
        "cases:record-event",
        lambda w: reverse("cases:record-event", args=[w.unallocated_case.pk]),
        {**RECORDED, "practitioner": 404, "senior_leader": 403},
        method="POST",
        data=_visit_by_pat,
    ),
    Check(  # a closed case answers 409 to everyone who could otherwise record
        "cases:record-event",
        _closed_case_path,
        expect(
            anonymous=302,
            practitioner=409,
            outsider=404,
            team_manager=409,
            area_manager=409,
            senior_leader=403,
            admin=409,
            analyst=404,
        ),
        method="POST",
        data=_visit,
    ),
    Check(READ_CASE, lambda w: f"/api/cases/{w.case.reference}", API_SEE),
    Check(
        READ_CASE,
        lambda w: f"/api/cases/{w.team_b_case.reference}",
        {**API_SEE, "practitioner": 404, "team_manager": 404},
    ),
    Check(READ_EVENTS, lambda w: f"/api/cases/{w.case.reference}/events", API_SEE),
    Check(
        READ_EVENTS,
        lambda w: f"/api/cases/{w.team_b_case.reference}/events",
        {**API_SEE, "practitioner": 404, "team_manager": 404},
    ),
    Check(
        EVENTS,
        lambda w: f"/api/cases/{w.case.reference}/events",
        expect(
            anonymous=401,
            practitioner=403,
            outsider=403,
            team_manager=201,
            area_manager=201,
            senior_leader=403,
            admin=201,
            analyst=403,
        ),
        method="POST",
        data=lambda w: {"kind": "contact"},
        json=True,
    ),
    Check(  # a timeliness milestone
        EVENTS,
        lambda w: f"/api/cases/{w.case.reference}/events",
        expect(
            anonymous=401,
            practitioner=403,
            outsider=403,
            team_manager=201,
            area_manager=201,
            senior_leader=403,
            admin=201,
            analyst=403,
        ),
        method="POST",
        data=lambda w: {"kind": "visit", "notes": "Home visit."},
        json=True,
    ),
    Check(  # guessing the reference of another team's case
        EVENTS,
        lambda w: f"/api/cases/{w.team_b_case.reference}/events",
        expect(
            anonymous=401,
            practitioner=403,
            outsider=403,
            team_manager=404,
            area_manager=201,
            senior_leader=403,
            admin=201,
            analyst=403,
        ),
        method="POST",
        data=lambda w: {"kind": "contact"},
        json=True,
    ),
]
