"""Who may open the agreed caseload and supervision pages (see caseload/tests/access.py).

Individual records: the practitioner concerned and their line (team and area managers over the team).
Senior leaders, administrators and analysts see counts per team on the overview only, as for well-being;
the team page sends them there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from caseload.tests.access import Check, World, expect, only


def _agreement(w: World) -> int:
    from caseload.supervision.models import Agreement

    return Agreement.objects.create(
        membership=w.membership,
        agreed_on=dt.date(2026, 1, 5),
        expected_min_percent=Decimal(85),
        expected_max_percent=Decimal(100),
        review_date=dt.date(2026, 6, 1),
    ).pk


INDIVIDUAL = expect(
    anonymous=302,
    practitioner=200,
    outsider=404,
    team_manager=200,
    area_manager=200,
    senior_leader=403,
    admin=403,
    analyst=404,
)
MANAGERS = expect(
    anonymous=302,
    practitioner=403,
    outsider=404,
    team_manager=200,
    area_manager=200,
    senior_leader=403,
    admin=403,
    analyst=404,
)

CHECKS = [
    Check(
        "supervision:membership",
        lambda w: reverse("supervision:membership", args=[w.membership.pk]),
        INDIVIDUAL,
    ),
    Check(
        "supervision:record-agreement",
        lambda w: reverse("supervision:record-agreement", args=[w.membership.pk]),
        MANAGERS,
    ),
    Check(
        "supervision:record-agreement",
        lambda w: reverse("supervision:record-agreement", args=[w.membership.pk]),
        expect(
            anonymous=302,
            practitioner=403,
            outsider=404,
            team_manager=302,
            area_manager=302,
            senior_leader=403,
            admin=403,
            analyst=404,
        ),
        method="POST",
        data=lambda w: {
            "agreed_on-day": "9",
            "agreed_on-month": "3",
            "agreed_on-year": "2026",
            "review_date-day": "8",
            "review_date-month": "6",
            "review_date-year": "2026",
            "expected_min_percent": "85",
            "expected_max_percent": "100",
            "manager_confirms": "on",
        },
    ),
    Check(
        "supervision:record-session",
        lambda w: reverse("supervision:record-session", args=[w.membership.pk]),
        INDIVIDUAL,
    ),
    Check(
        "supervision:confirm-agreement",
        lambda w: reverse("supervision:confirm-agreement", args=[_agreement(w)]),
        INDIVIDUAL,
    ),
    Check(
        "supervision:confirm-agreement",
        lambda w: reverse("supervision:confirm-agreement", args=[_agreement(w)]),
        expect(
            anonymous=302,
            practitioner=302,
            outsider=404,
            team_manager=302,
            area_manager=302,
            senior_leader=403,
            admin=403,
            analyst=404,
        ),
        method="POST",
    ),
    Check(
        "supervision:team",
        lambda w: reverse("supervision:team"),
        expect(
            anonymous=302,
            practitioner=403,
            outsider=403,
            team_manager=200,
            area_manager=200,
            senior_leader=302,
            admin=302,
            analyst=302,
        ),
    ),
    Check(
        "supervision:overview",
        lambda w: reverse("supervision:overview"),
        only(200, ("team_manager", "area_manager", "senior_leader", "admin", "analyst")),
    ),
]
