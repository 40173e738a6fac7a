"""Who may record case events through the API (see caseload/tests/access.py)."""

from caseload.tests.access import Check, expect

EVENTS = "POST /api/cases/{reference}/events"

CHECKS = [
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
