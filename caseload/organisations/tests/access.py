"""Who may open the workload pages and the hours and reduction forms (see caseload/tests/access.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse

from caseload.tests.access import Check, World, expect

if TYPE_CHECKING:
    from caseload.organisations.models import TeamMembership


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


# -- Guessed ids: the same pages for memberships the user did not reach by following a link ------------------
# Someone who may not see a membership gets "not found" (404) for it, for reading and writing alike, so that
# guessing ids reveals nothing; someone who may see it but not change it gets "forbidden" (403).


def _colleague(w: World) -> TeamMembership:
    """Cal, Pat's colleague in North Team A (made inside each role's rolled-back request)."""
    from caseload.organisations.tests.factories import PractitionerFactory, TeamMembershipFactory

    cal = PractitionerFactory(
        staff_code="CAST-COLL", first_name="Cal", last_name="Colleague", grade__code="PO"
    )
    return TeamMembershipFactory(practitioner=cal, team=w.org.team, contracted_hours=Decimal(37))


def _reduction_of(membership: TeamMembership) -> int:
    from caseload.organisations.models import Reduction, ReductionReason

    return Reduction.objects.create(
        membership=membership,
        reason=ReductionReason.objects.get(code="other"),
        hours=Decimal(2),
        effective_from=dt.date(2026, 1, 1),
    ).pk


NOT_SEEN = expect(
    anonymous=302,
    practitioner=404,
    outsider=404,
    team_manager=404,
    area_manager=404,
    senior_leader=404,
    admin=200,
    analyst=404,
)
# Bea in North Team B: her area manager, the North Division's senior leader and administrators see her; the
# North Team A manager does not.
TEAM_B = {
    "page": {**NOT_SEEN, "area_manager": 200, "senior_leader": 200},
    "edit": {**NOT_SEEN, "area_manager": 200, "senior_leader": 403},
    "posted": {**NOT_SEEN, "area_manager": 302, "senior_leader": 403, "admin": 302},
}
# Olly in South Team: outside everyone's scope in the North (the senior leader leads North Division only);
# Olly himself sees his own page but does not edit it.
SOUTH = {
    "page": {**NOT_SEEN, "outsider": 200},
    "edit": {**NOT_SEEN, "outsider": 403},
    "posted": {**NOT_SEEN, "outsider": 403, "admin": 302},
}
# Cal in North Team A: his managers see and edit him as they do Pat; Pat, a practitioner, does not see him.
COLLEAGUE = {
    "page": {**PAGE, "practitioner": 404},
    "edit": {**EDIT, "practitioner": 404},
    "posted": {**POSTED, "practitioner": 404},
}


def _guessed(target: Callable[[World], TeamMembership], expected: dict[str, dict[str, int]]) -> list[Check]:
    def membership_url(name: str) -> Callable[[World], str]:
        return lambda w: reverse(name, args=[target(w).pk])

    def reduction_url(name: str) -> Callable[[World], str]:
        return lambda w: reverse(name, args=[_reduction_of(target(w))])

    return [
        Check("organisations:practitioner", membership_url("organisations:practitioner"), expected["page"]),
        Check("organisations:edit-hours", membership_url("organisations:edit-hours"), expected["edit"]),
        Check(
            "organisations:edit-hours",
            membership_url("organisations:edit-hours"),
            expected["posted"],
            method="POST",
            data=lambda w: {"contracted_hours": "30"},
        ),
        Check("organisations:add-reduction", membership_url("organisations:add-reduction"), expected["edit"]),
        Check(
            "organisations:add-reduction",
            membership_url("organisations:add-reduction"),
            expected["posted"],
            method="POST",
            data=_reduction_post,
        ),
        Check(
            "organisations:edit-reduction", reduction_url("organisations:edit-reduction"), expected["edit"]
        ),
        Check(
            "organisations:edit-reduction",
            reduction_url("organisations:edit-reduction"),
            expected["posted"],
            method="POST",
            data=_reduction_post,
        ),
        Check(
            "organisations:delete-reduction",
            reduction_url("organisations:delete-reduction"),
            expected["edit"],
        ),
        Check(
            "organisations:delete-reduction",
            reduction_url("organisations:delete-reduction"),
            expected["posted"],
            method="POST",
            data=lambda w: {"note": ""},
        ),
    ]


CHECKS += [
    *_guessed(lambda w: w.team_b_membership, TEAM_B),
    *_guessed(lambda w: w.other_membership, SOUTH),
    *_guessed(_colleague, COLLEAGUE),
]
