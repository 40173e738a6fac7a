"""Who may use the allocation pages and API (see caseload/tests/access.py). Allocation is for team managers,
area managers and administrators, on cases in their scope; approvals are decided by area managers."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from caseload.tests.access import Check, only

EDITORS = ("team_manager", "area_manager", "admin")


def editors(allowed, *, team_manager=None, anonymous=302):
    """`allowed` for editors (team manager may differ, e.g. 404 outside North Team A), 403 for others."""
    codes = only(allowed, EDITORS, anonymous=anonymous)
    if team_manager is not None:
        codes["team_manager"] = team_manager
    return codes


def _add_second_member(w):
    """Another probation officer in North Team A, to reallocate Pat's case to. Made by the path (inside
    each role's rolled-back transaction) and read by the data."""
    from caseload.organisations.tests.factories import PractitionerFactory, TeamMembershipFactory

    w.extra["second"] = TeamMembershipFactory(
        practitioner=PractitionerFactory(grade__code="PO"), team=w.org.team, contracted_hours=Decimal(37)
    )


def _second_member(w):
    return w.extra["second"]


def _decision(w):
    """A confirmed allocation of the unallocated case to Pat, made by the admin."""
    from caseload.allocations.services import Choice, allocate

    outcome = allocate(
        w.unallocated_case,
        Choice(membership_id=w.membership.pk, token="access-decision"),
        actor=w.users["admin"],
    )
    return outcome.decision


def _approval(w):
    """A pending approval request by the team manager for the unallocated case."""
    from caseload.allocations.models import ApprovalRequest

    return ApprovalRequest.objects.create(
        case=w.unallocated_case,
        kind="allocate",
        membership=w.membership,
        requested_by=w.users["team_manager"],
        requested_at=timezone.now(),
        workload_before=Decimal(100),
        workload_after=Decimal(125),
        justification="Only Pat knows the family.",
        token="access-approval",
    )


def _overtaken_approval(w):
    """A pending request by the team manager to allocate Pat's case, which Pat already holds: as if an
    import had allocated the case meanwhile, so the request can only be withdrawn."""
    from caseload.allocations.models import ApprovalRequest

    return ApprovalRequest.objects.create(
        case=w.case,
        kind="allocate",
        membership=w.membership,
        requested_by=w.users["team_manager"],
        requested_at=timezone.now(),
        workload_before=Decimal(100),
        workload_after=Decimal(125),
        justification="Only Pat knows the family.",
        token="access-overtaken",
    )


def _reallocate_path(w):
    _add_second_member(w)
    return reverse("allocations:reallocate", args=[w.case.pk])


def _api_reallocate_path(w):
    _add_second_member(w)
    return f"/api/allocations/cases/{w.case.pk}/reallocate"


CHECKS = [
    Check("allocations:register", lambda w: reverse("allocations:register"), editors(200)),
    Check(
        "allocations:case", lambda w: reverse("allocations:case", args=[w.unallocated_case.pk]), editors(200)
    ),
    Check(  # another team's case: outside a team manager's scope
        "allocations:case",
        lambda w: reverse("allocations:case", args=[w.team_b_case.pk]),
        editors(302, team_manager=404),
    ),
    Check(
        "allocations:allocate",
        lambda w: reverse("allocations:allocate", args=[w.unallocated_case.pk]),
        editors(302),
        method="POST",
        data=lambda w: {"membership": w.membership.pk, "token": "access-allocate"},
    ),
    Check(
        "allocations:reallocate", lambda w: reverse("allocations:reallocate", args=[w.case.pk]), editors(200)
    ),
    Check(
        "allocations:reallocate",
        _reallocate_path,
        editors(302),
        method="POST",
        data=lambda w: {
            "membership": _second_member(w).pk,
            "token": "access-reallocate",
            "reason": "caseload_adjustment",
        },
    ),
    Check(
        "allocations:confirmation",
        lambda w: reverse("allocations:confirmation", args=[_decision(w).pk]),
        editors(200),
    ),
    Check("allocations:history", lambda w: reverse("allocations:history"), editors(200)),
    Check("allocations:approvals", lambda w: reverse("allocations:approvals"), editors(200)),
    Check(
        "allocations:approval",
        lambda w: reverse("allocations:approval", args=[_approval(w).pk]),
        editors(200),
    ),
    Check(  # the requester (team manager) may not decide their own request
        "allocations:approval",
        lambda w: reverse("allocations:approval", args=[_approval(w).pk]),
        editors(302, team_manager=403),
        method="POST",
        data=lambda w: {"decision": "decline", "comment": "Ask Bea instead."},
    ),
    Check(  # the requester or an area manager (or an administrator) withdraws an overtaken request
        "allocations:withdraw-approval",
        lambda w: reverse("allocations:withdraw-approval", args=[_overtaken_approval(w).pk]),
        editors(302),
        method="POST",
    ),
    Check(
        "GET /api/allocations/unallocated",
        lambda w: "/api/allocations/unallocated",
        editors(200, anonymous=401),
    ),
    Check(
        "GET /api/allocations/cases/{case_id}/candidates",
        lambda w: f"/api/allocations/cases/{w.unallocated_case.pk}/candidates",
        editors(200, anonymous=401),
    ),
    Check(
        "GET /api/allocations/cases/{case_id}/candidates",
        lambda w: f"/api/allocations/cases/{w.team_b_case.pk}/candidates",
        editors(200, team_manager=404, anonymous=401),
    ),
    Check(
        "POST /api/allocations/cases/{case_id}/allocate",
        lambda w: f"/api/allocations/cases/{w.unallocated_case.pk}/allocate",
        editors(201, anonymous=401),
        method="POST",
        data=lambda w: {"membership_id": w.membership.pk, "token": "access-api-allocate"},
        json=True,
    ),
    Check(
        "POST /api/allocations/cases/{case_id}/reallocate",
        _api_reallocate_path,
        editors(201, anonymous=401),
        method="POST",
        data=lambda w: {
            "membership_id": _second_member(w).pk,
            "token": "access-api-reallocate",
            "reason": "caseload_adjustment",
        },
        json=True,
    ),
]
