from django.urls import reverse

from caseload.notifications.models import NotificationStatus
from caseload.notifications.tests.factories import NotificationFactory
from caseload.tests.access import Check, expect, only


def _failed(w):
    return NotificationFactory(user=w.users["practitioner"], status=NotificationStatus.FAILED, attempts=5)


CHECKS = [
    Check(
        "notifications:list",
        lambda w: reverse("notifications:list"),
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
    Check("notifications:all", lambda w: reverse("notifications:all"), only(200, ("admin",))),
    Check(
        "notifications:retry",
        lambda w: reverse("notifications:retry", args=[_failed(w).pk]),
        only(302, ("admin",)),
        method="POST",
    ),
]
