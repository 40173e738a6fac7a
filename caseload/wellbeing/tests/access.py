"""Who may reach the well-being pages (see caseload/tests/access.py and docs/wellbeing.md).

Individual records: the practitioner concerned and their line (team and area managers over the team).
Senior leaders, administrators and analysts get aggregated counts on the home page and 403 elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caseload.tests.access import Check, expect
from caseload.wellbeing.models import AlertSource, CaseloadConcern, ItemQuery, WellbeingAlert

SEES_OWN = expect(
    anonymous=302,
    practitioner=200,
    outsider=404,
    team_manager=200,
    area_manager=200,
    senior_leader=403,
    admin=403,
    analyst=403,
)
TEAM_B = expect(
    anonymous=302,
    practitioner=404,
    outsider=404,
    team_manager=404,
    area_manager=200,
    senior_leader=403,
    admin=403,
    analyst=403,
)
LINE_ONLY = expect(
    anonymous=302,
    practitioner=403,
    outsider=403,
    team_manager=200,
    area_manager=200,
    senior_leader=403,
    admin=403,
    analyst=403,
)
LINE_POST = expect(
    anonymous=302,
    practitioner=403,
    outsider=403,
    team_manager=302,
    area_manager=302,
    senior_leader=403,
    admin=403,
    analyst=403,
)
PRACTITIONER_ONLY = expect(
    anonymous=302,
    practitioner=200,
    outsider=404,
    team_manager=403,
    area_manager=403,
    senior_leader=403,
    admin=403,
    analyst=403,
)


def _alert(w: Any, membership: Any = None) -> WellbeingAlert:
    membership = membership or w.membership
    return WellbeingAlert.objects.create(
        membership=membership,
        source=AlertSource.OVERLOAD,
        rule_description="Over 110% for 4 consecutive weeks",
        opened_on=timezone.localdate(),
        action_plan_due=timezone.localdate() + dt.timedelta(days=10),
    )


def _concern(w: Any) -> CaseloadConcern:
    return CaseloadConcern.objects.create(
        membership=w.membership,
        raised_by=w.users["practitioner"],
        text="Too many reports",
        raised_at=timezone.now(),
    )


def _query(w: Any) -> ItemQuery:
    return ItemQuery.objects.create(
        membership=w.membership,
        item_kind="case",
        item_reference=w.case.reference,
        note="Closed last week",
        raised_by=w.users["practitioner"],
        raised_at=timezone.now(),
    )


def _plan_data(w: Any) -> dict[str, Any]:
    review = timezone.localdate() + dt.timedelta(days=28)
    return {
        "actions": "Reallocate two cases",
        "owner": w.users["team_manager"].pk,
        "review_date_day": review.day,
        "review_date_month": review.month,
        "review_date_year": review.year,
    }


CHECKS = [
    Check(
        "wellbeing:home",
        lambda w: reverse("wellbeing:home"),
        expect(
            anonymous=302,
            practitioner=200,
            outsider=200,
            team_manager=200,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=200,
        ),
    ),
    Check(
        "wellbeing:raise-concern",
        lambda w: f"{reverse('wellbeing:raise-concern')}?membership={w.membership.pk}",
        PRACTITIONER_ONLY,
    ),
    Check(
        "wellbeing:raise-concern",
        lambda w: f"{reverse('wellbeing:raise-concern')}?membership={w.membership.pk}",
        {**PRACTITIONER_ONLY, "practitioner": 302},
        method="POST",
        data=lambda w: {"text": "I cannot keep up with the court reports"},
    ),
    Check(
        "wellbeing:flag-item",
        lambda w: (
            f"{reverse('wellbeing:flag-item')}?membership={w.membership.pk}&item=case:{w.case.reference}"
        ),
        PRACTITIONER_ONLY,
    ),
    Check(
        "wellbeing:flag-item",
        lambda w: (
            f"{reverse('wellbeing:flag-item')}?membership={w.membership.pk}&item=case:{w.case.reference}"
        ),
        {**PRACTITIONER_ONLY, "practitioner": 302},
        method="POST",
        data=lambda w: {"note": "This case closed last week"},
    ),
    Check("wellbeing:alert", lambda w: reverse("wellbeing:alert", args=[_alert(w).pk]), SEES_OWN),
    Check(
        "wellbeing:alert",
        lambda w: reverse("wellbeing:alert", args=[_alert(w, w.team_b_membership).pk]),
        TEAM_B,
    ),
    Check(
        "wellbeing:record-plan", lambda w: reverse("wellbeing:record-plan", args=[_alert(w).pk]), LINE_ONLY
    ),
    Check(
        "wellbeing:record-plan",
        lambda w: reverse("wellbeing:record-plan", args=[_alert(w).pk]),
        LINE_POST,
        method="POST",
        data=_plan_data,
    ),
    Check(
        "wellbeing:record-plan",
        lambda w: reverse("wellbeing:record-plan", args=[_alert(w, w.team_b_membership).pk]),
        {**LINE_ONLY, "team_manager": 404},
    ),
    Check(
        "wellbeing:close-alert", lambda w: reverse("wellbeing:close-alert", args=[_alert(w).pk]), LINE_ONLY
    ),
    Check(
        "wellbeing:close-alert",
        lambda w: reverse("wellbeing:close-alert", args=[_alert(w).pk]),
        LINE_POST,
        method="POST",
        data=lambda w: {"note": "Agreed in supervision"},
    ),
    Check("wellbeing:concern", lambda w: reverse("wellbeing:concern", args=[_concern(w).pk]), SEES_OWN),
    Check(
        "wellbeing:respond-concern",
        lambda w: reverse("wellbeing:respond-concern", args=[_concern(w).pk]),
        LINE_ONLY,
    ),
    Check(
        "wellbeing:respond-concern",
        lambda w: reverse("wellbeing:respond-concern", args=[_concern(w).pk]),
        LINE_POST,
        method="POST",
        data=lambda w: {"response": "Let's talk on Monday"},
    ),
    Check("wellbeing:query", lambda w: reverse("wellbeing:query", args=[_query(w).pk]), SEES_OWN),
    Check(
        "wellbeing:respond-query",
        lambda w: reverse("wellbeing:respond-query", args=[_query(w).pk]),
        LINE_ONLY,
    ),
    Check(
        "wellbeing:respond-query",
        lambda w: reverse("wellbeing:respond-query", args=[_query(w).pk]),
        LINE_POST,
        method="POST",
        data=lambda w: {"response": "Closed it", "status": "corrected"},
    ),
]
