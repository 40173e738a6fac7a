"""Who may open each page of the core app (see caseload/tests/access.py)."""

from django.urls import reverse

from caseload.core.tests.factories import AuditEntryFactory
from caseload.tests.access import Check, expect, only

EVERYONE = expect(
    anonymous=200,
    practitioner=200,
    outsider=200,
    team_manager=200,
    area_manager=200,
    senior_leader=200,
    admin=200,
    analyst=200,
)
SIGNED_IN_ARE_SENT_ON = expect(
    anonymous=200,
    practitioner=302,
    outsider=302,
    team_manager=302,
    area_manager=302,
    senior_leader=302,
    admin=302,
    analyst=302,
)


def _audit_entry(w) -> str:
    entry = AuditEntryFactory(object_type="cases.case", object_id=str(w.case.pk), object_repr=str(w.case))
    return reverse("core:audit-entry", args=[entry.pk])


CHECKS = [
    Check("core:sign-in", lambda w: reverse("core:sign-in"), SIGNED_IN_ARE_SENT_ON),
    Check(
        "core:sign-out",
        lambda w: reverse("core:sign-out"),
        expect(
            anonymous=302,
            practitioner=302,
            outsider=302,
            team_manager=302,
            area_manager=302,
            senior_leader=302,
            admin=302,
            analyst=302,
        ),
        method="POST",
    ),
    # Password reset is for people who cannot sign in, so it is open to all and says nothing about accounts.
    Check("core:password-reset", lambda w: reverse("core:password-reset"), EVERYONE),
    Check("core:password-reset-sent", lambda w: reverse("core:password-reset-sent"), EVERYONE),
    Check(
        "core:password-reset-confirm",
        lambda w: reverse("core:password-reset-confirm", args=["MQ", "not-a-real-token"]),
        EVERYONE,  # the "this link has expired" page
    ),
    Check("core:password-reset-done", lambda w: reverse("core:password-reset-done"), EVERYONE),
    Check("core:audit", lambda w: reverse("core:audit"), only(200, ("admin",))),
    Check("core:audit-entry", _audit_entry, only(200, ("admin",))),
]
