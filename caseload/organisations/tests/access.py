"""Who may open the workload pages and the hours and reduction forms (see caseload/tests/access.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from caseload.tests.access import Check, World, expect


def _reduction(w: World) -> int:
    from caseload.organisations.models import Reduction, ReductionReason

    reason = ReductionReason.objects.get(code="other")
    return Reduction.objects.create(
        membership=w.membership, reason=reason, hours=Decimal(2), effective_from=dt.date(2026, 1, 1)
    ).pk


PAGE = expect(
    anonymous=302,
    practitioner=200,
    outsider=404,
    team_manager=200,
    area_manager=200,
    senior_leader=200,
    admin=200,
    analyst=404,
)
EDIT = expect(
    anonymous=302,
    practitioner=403,
    outsider=404,
    team_manager=200,
    area_manager=200,
    senior_leader=403,
    admin=200,
    analyst=404,
)
POSTED = expect(
    anonymous=302,
    practitioner=403,
    outsider=404,
    team_manager=302,
    area_manager=302,
    senior_leader=403,
    admin=302,
    analyst=404,
)


def _reduction_post(w: World) -> dict[str, str]:
    from caseload.organisations.models import ReductionReason

    return {
        "reason": str(ReductionReason.objects.get(code="other").pk),
        "hours": "2",
        "effective_from-day": "1",
        "effective_from-month": "3",
        "effective_from-year": "2026",
    }


CHECKS = [
    Check(
        "organisations:my-workload",
        lambda w: reverse("organisations:my-workload"),
        expect(
            anonymous=302,
            practitioner=200,
            outsider=200,
            team_manager=404,
            area_manager=404,
            senior_leader=404,
            admin=404,
            analyst=404,
        ),
    ),
    Check(
        "organisations:practitioner",
        lambda w: reverse("organisations:practitioner", args=[w.membership.pk]),
        PAGE,
    ),
    Check(
        "organisations:edit-hours",
        lambda w: reverse("organisations:edit-hours", args=[w.membership.pk]),
        EDIT,
    ),
    Check(
        "organisations:edit-hours",
        lambda w: reverse("organisations:edit-hours", args=[w.membership.pk]),
        POSTED,
        method="POST",
        data=lambda w: {"contracted_hours": "30"},
    ),
    Check(
        "organisations:add-reduction",
        lambda w: reverse("organisations:add-reduction", args=[w.membership.pk]),
        EDIT,
    ),
    Check(
        "organisations:add-reduction",
        lambda w: reverse("organisations:add-reduction", args=[w.membership.pk]),
        POSTED,
        method="POST",
        data=_reduction_post,
    ),
    Check(
        "organisations:edit-reduction",
        lambda w: reverse("organisations:edit-reduction", args=[_reduction(w)]),
        EDIT,
    ),
    Check(
        "organisations:delete-reduction",
        lambda w: reverse("organisations:delete-reduction", args=[_reduction(w)]),
        EDIT,
    ),
    Check(
        "organisations:delete-reduction",
        lambda w: reverse("organisations:delete-reduction", args=[_reduction(w)]),
        POSTED,
        method="POST",
        data=lambda w: {"note": ""},
    ),
]
