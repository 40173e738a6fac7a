"""The allocation emails, sent through `caseload.notifications.services.notify` (plain text and HTML,
queued until the transaction commits, retried by the background task). Each has a dedupe key, so a
repeated call never sends twice. Notes marked sensitive are never put in an email."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from caseload.allocations.models import AllocationDecision, ApprovalRequest, DecisionKind, WaitingEscalation
from caseload.core.models import User
from caseload.organisations.models import Practitioner


def _notify(**kwargs: Any) -> list[Any]:
    from caseload.notifications.services import notify

    return notify(**kwargs)


def practitioner_recipient(practitioner: Practitioner) -> User | str:
    """The practitioner's user account when they have one, else the email on their staff record."""
    user = User.objects.filter(practitioner=practitioner).first()
    return user if user is not None else practitioner.email


def decision_made(decision: AllocationDecision, *, actor: User | None) -> None:
    """To the new holder (copies to the addresses the manager gave) and, on a reallocation when asked, to
    the previous holder."""
    case = decision.case
    context = {
        "decision": decision,
        "case": case,
        "verb": "allocated" if decision.kind == DecisionKind.ALLOCATE else "reallocated",
        "reason": decision.get_reason_display() if decision.reason else "",
        "decided_by": str(decision.decided_by) if decision.decided_by else "Caseload",
        "decided_at": timezone.localtime(decision.decided_at),
        "notes": "" if decision.notes_sensitive else decision.notes,
        "sensitive": decision.notes_sensitive,
        "link": reverse("allocations:confirmation", args=[decision.pk]),
    }
    subject = (
        f"Case {case.reference} has been allocated to you"
        if decision.kind == DecisionKind.ALLOCATE
        else f"Case {case.reference} has been reallocated to you"
    )
    _notify(
        to=[practitioner_recipient(decision.practitioner)],
        cc=list(decision.copy_to),
        subject=subject,
        template="allocations/email/allocated",
        context=context,
        kind="allocations.allocated",
        related=decision,
        actor=actor,
        dedupe_key=f"allocations.decision.{decision.pk}.holder",
    )
    if (
        decision.kind == DecisionKind.REALLOCATE
        and decision.notify_previous
        and decision.previous_practitioner
    ):
        _notify(
            to=[practitioner_recipient(decision.previous_practitioner)],
            subject=f"Case {case.reference} has been reallocated",
            template="allocations/email/reallocated_away",
            context={**context, "new_holder": decision.practitioner.full_name},
            kind="allocations.reallocated_away",
            related=decision,
            actor=actor,
            dedupe_key=f"allocations.decision.{decision.pk}.previous",
        )


def approval_requested(request: ApprovalRequest, approvers: list[User], *, actor: User | None) -> None:
    _notify(
        to=approvers,
        subject=f"Approval needed: allocating case {request.case.reference}",
        template="allocations/email/approval_requested",
        context={
            "request": request,
            "case": request.case,
            "practitioner": request.membership.practitioner.full_name,
            "requested_by": str(request.requested_by) if request.requested_by else "",
            "link": reverse("allocations:approval", args=[request.pk]),
        },
        kind="allocations.approval_requested",
        related=request,
        actor=actor,
        dedupe_key=f"allocations.approval.{request.pk}.requested",
    )


def approval_decided(request: ApprovalRequest, *, actor: User | None) -> None:
    if request.requested_by is None:
        return
    _notify(
        to=[request.requested_by],
        subject=f"Allocation of case {request.case.reference} {request.get_status_display().lower()}",
        template="allocations/email/approval_decided",
        context={
            "request": request,
            "case": request.case,
            "status": request.get_status_display().lower(),
            "practitioner": request.membership.practitioner.full_name,
            "approver": str(request.approver) if request.approver else "",
            "link": reverse("allocations:approval", args=[request.pk]),
        },
        kind="allocations.approval_decided",
        related=request,
        actor=actor,
        dedupe_key=f"allocations.approval.{request.pk}.decided",
    )


def approval_withdrawn(request: ApprovalRequest, *, actor: User | None) -> None:
    """To the requester: their request no longer applies (the case was allocated or closed another way)."""
    if request.requested_by is None:
        return
    _notify(
        to=[request.requested_by],
        subject=f"Approval request for case {request.case.reference} withdrawn",
        template="allocations/email/approval_withdrawn",
        context={
            "request": request,
            "case": request.case,
            "practitioner": request.membership.practitioner.full_name,
            "reason": request.comment,
            "withdrawn_by": str(request.withdrawn_by) if request.withdrawn_by else "",
            "link": reverse("allocations:approval", args=[request.pk]),
        },
        kind="allocations.approval_withdrawn",
        related=request,
        actor=actor,
        dedupe_key=f"allocations.approval.{request.pk}.withdrawn",
    )


def case_waiting(escalation: WaitingEscalation, recipients: list[User]) -> None:
    case = escalation.case
    _notify(
        to=recipients,
        subject=f"Case {case.reference} has waited {escalation.days_waiting} days for allocation",
        template="allocations/email/waiting",
        context={
            "escalation": escalation,
            "case": case,
            "team": case.team.name,
            "link": reverse("allocations:case", args=[case.pk]),
        },
        kind="allocations.waiting",
        related=escalation,
        dedupe_key=f"allocations.waiting.{case.pk}.{escalation.threshold_days}",
    )
