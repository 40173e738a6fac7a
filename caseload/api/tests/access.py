"""The API's own endpoints (see caseload/tests/access.py)."""

from caseload.tests.access import Check, expect

CHECKS = [
    Check(
        "GET /api/health",
        lambda w: "/api/health",
        expect(
            anonymous=200,
            practitioner=200,
            outsider=200,
            team_manager=200,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=200,
        ),
    ),
]
