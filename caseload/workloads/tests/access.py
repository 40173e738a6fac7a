"""Who may read a workload and change hours and reductions through the API (see caseload/tests/access.py)."""

import datetime as dt
from decimal import Decimal

from caseload.tests.access import Check, World, expect

WORKLOAD = "GET /api/memberships/{membership_id}/workload"
HOURS = "PUT /api/memberships/{membership_id}/hours"
REDUCTIONS = "POST /api/memberships/{membership_id}/reductions"
CHANGE_REDUCTION = "PUT /api/memberships/{membership_id}/reductions/{reduction_id}"
DELETE_REDUCTION = "DELETE /api/memberships/{membership_id}/reductions/{reduction_id}"
ADD_MEMBERSHIP = "POST /api/memberships/"
END_MEMBERSHIP = "POST /api/memberships/{membership_id}/end"

# Who may change a membership's hours or reductions: managers of its team (and above), administrators.
WRITE_REDUCTION = expect(
    anonymous=401,
    practitioner=403,
    outsider=403,
    team_manager=200,
    area_manager=200,
    senior_leader=403,
    admin=200,
    analyst=403,
)
# A North Team B reduction: outside a North Team A manager's scope.
WRITE_TEAM_B_REDUCTION = {**WRITE_REDUCTION, "team_manager": 404}
# Another membership's reduction id under Pat's membership: no such reduction there, for everyone who may
# write reductions at all.
WRONG_MEMBERSHIP = {**WRITE_REDUCTION, "team_manager": 404, "area_manager": 404, "admin": 404}
CHANGED = {"reason": "other", "hours": "3", "effective_from": "2026-03-01"}


def _reduction(membership) -> int:  # type: ignore[no-untyped-def]
    """A reduction of 2 hours a week from 1 January 2026 (made inside each role's rolled-back request)."""
    from caseload.organisations.models import Reduction, ReductionReason

    reason = ReductionReason.objects.get(code="other")
    return Reduction.objects.create(
        membership=membership, reason=reason, hours=Decimal(2), effective_from=dt.date(2026, 1, 1)
    ).pk


def _own(w: World) -> str:
    return f"/api/memberships/{w.membership.pk}/reductions/{_reduction(w.membership)}"


def _team_b(w: World) -> str:
    return f"/api/memberships/{w.team_b_membership.pk}/reductions/{_reduction(w.team_b_membership)}"


def _under_the_wrong_membership(w: World) -> str:
    return f"/api/memberships/{w.membership.pk}/reductions/{_reduction(w.team_b_membership)}"


CHECKS = [
    Check(
        WORKLOAD,
        lambda w: f"/api/memberships/{w.membership.pk}/workload",
        expect(
            anonymous=401,
            practitioner=200,
            outsider=404,
            team_manager=200,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=404,
        ),
    ),
    Check(  # guessing the id of someone in another team
        WORKLOAD,
        lambda w: f"/api/memberships/{w.team_b_membership.pk}/workload",
        expect(
            anonymous=401,
            practitioner=404,
            outsider=404,
            team_manager=404,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=404,
        ),
    ),
    Check(
        HOURS,
        lambda w: f"/api/memberships/{w.membership.pk}/hours",
        WRITE_REDUCTION,
        method="PUT",
        data=lambda w: {"contracted_hours": "30"},
        json=True,
    ),
    Check(
        HOURS,
        lambda w: f"/api/memberships/{w.other_membership.pk}/hours",
        expect(
            anonymous=401,
            practitioner=403,
            outsider=403,
            team_manager=404,
            area_manager=404,
            senior_leader=403,
            admin=200,  # the world's scheme covers the whole organisation, so South Team has figures too
            analyst=403,
        ),
        method="PUT",
        data=lambda w: {"contracted_hours": "30"},
        json=True,
    ),
    Check(
        REDUCTIONS,
        lambda w: f"/api/memberships/{w.membership.pk}/reductions",
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
        data=lambda w: {"reason": "other", "hours": "2", "effective_from": "2026-03-16"},
        json=True,
    ),
    Check(  # Pat joins North Team B: outside a North Team A manager's scope (422, no such team of theirs)
        ADD_MEMBERSHIP,
        lambda w: "/api/memberships/",
        expect(
            anonymous=401,
            practitioner=403,
            outsider=403,
            team_manager=422,
            area_manager=201,
            senior_leader=403,
            admin=201,
            analyst=403,
        ),
        method="POST",
        data=lambda w: {
            "practitioner": w.membership.practitioner.staff_code,
            "team": w.org.team_b.code,
            "contracted_hours": "7.5",
        },
        json=True,
    ),
    Check(  # a planned leaver in North Team B (their cases are still held, so a future date)
        END_MEMBERSHIP,
        lambda w: f"/api/memberships/{w.team_b_membership.pk}/end",
        expect(
            anonymous=401,
            practitioner=403,
            outsider=403,
            team_manager=404,
            area_manager=200,
            senior_leader=403,
            admin=200,
            analyst=403,
        ),
        method="POST",
        data=lambda w: {"end_date": "2026-12-31"},
        json=True,
    ),
    *[
        Check(CHANGE_REDUCTION, path, expected, method="PUT", data=lambda w: CHANGED, json=True)
        for path, expected in [
            (_own, WRITE_REDUCTION),
            (_team_b, WRITE_TEAM_B_REDUCTION),
            (_under_the_wrong_membership, WRONG_MEMBERSHIP),
        ]
    ],
    *[
        Check(DELETE_REDUCTION, path, expected, method="DELETE")
        for path, expected in [
            (_own, WRITE_REDUCTION),
            (_team_b, WRITE_TEAM_B_REDUCTION),
            (_under_the_wrong_membership, WRONG_MEMBERSHIP),
        ]
    ],
]
