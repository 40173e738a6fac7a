"""Writes for allocation: allocate or reallocate a case with its decision record, request and decide an
area manager's approval (or withdraw it once the case has moved on), and escalate cases that waited too
long. Each function owns its transaction and
audit entry; the case itself changes only through `caseload.cases.services.allocate_case`, which
recalculates the workloads it changes in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from caseload.allocations import emails
from caseload.allocations.models import (
    AllocationDecision,
    ApprovalRequest,
    ApprovalStatus,
    DecisionKind,
    WaitingEscalation,
)
from caseload.allocations.selectors import Candidates, SchemeCache, candidate_memberships, candidates_for
from caseload.cases.models import Case, CaseAllocation, CaseStatus, ReallocationReason
from caseload.cases.services import CaseClosed, allocate_case
from caseload.core import audit
from caseload.core.models import AuditEntry, Role, User
from caseload.domain import allocation as rules
from caseload.organisations.models import TeamMembership

FOUR_DP = Decimal("0.0001")

# Not copied into the audit log when the notes are marked sensitive.
_AUDITED = [
    "case",
    "kind",
    "membership",
    "practitioner",
    "previous_practitioner",
    "reason",
    "decided_by",
    "approved_by",
    "decided_at",
    "workload_before",
    "workload_after",
    "recommended_membership",
    "justification",
    "notes_sensitive",
    "token",
]


class AlreadyAllocated(ValidationError):
    """Someone else allocated the case first (the API answers 409)."""

    status_code = 409


@dataclass(frozen=True)
class Choice:
    """What the manager chose on the form. `token` is the form's idempotency token."""

    membership_id: int
    token: str
    justification: str = ""
    notes: str = ""
    sensitive: bool = False
    copy_to: tuple[str, ...] = ()
    reason: str = ""  # reallocations: a ReallocationReason
    notify_previous: bool = False
    wider: bool = False  # candidates from every team in the case's area (area managers)


@dataclass
class Outcome:
    """A confirmed decision, or an approval request waiting for an area manager."""

    decision: AllocationDecision | None = None
    approval: ApprovalRequest | None = None
    repeated: bool = False  # the same form was submitted before: nothing new happened
    notices: list[str] = field(default_factory=list)


def allocate(case: Case, choice: Choice, *, actor: User, kind: str = DecisionKind.ALLOCATE) -> Outcome:
    """Allocate (or reallocate) `case` to the chosen membership.

    Under a lock on the case row: a form submitted twice returns the first outcome; a case allocated by
    someone else meanwhile raises AlreadyAllocated naming who and when; the candidates are scored again and
    the choice must be eligible; above the red threshold a justification is required, and above the hard
    limit the choice becomes an approval request for an area manager instead of an allocation."""
    with transaction.atomic():
        repeated = _repeated(choice.token)
        if repeated is not None:
            return repeated
        case = _locked(case)
        repeated = _repeated(choice.token)  # a concurrent double submit that committed while we waited
        if repeated is not None:
            return repeated
        _check_state(case, kind, choice)
        candidates = _candidates(case, choice, actor)
        chosen = _chosen(candidates, choice)
        ranked = chosen.ranked
        assert ranked is not None
        if ranked.guardrail is not rules.Guardrail.NONE and not choice.justification.strip():
            raise ValidationError(
                {
                    "justification": f"{chosen.membership.practitioner.full_name} would be at "
                    f"{chosen.projected.workload_percent_display}% after this case, above the red "
                    "threshold: write a justification."
                }
            )
        if ranked.guardrail is rules.Guardrail.APPROVAL:
            return Outcome(approval=_request_approval(case, kind, choice, candidates, chosen, actor))
        decision = _commit(case, kind, choice, candidates, chosen, actor=actor, approved_by=None)
        return Outcome(decision=decision)


def _repeated(token: str) -> Outcome | None:
    decision = AllocationDecision.objects.filter(token=token).first()
    if decision is not None:
        return Outcome(decision=decision, repeated=True)
    approval = ApprovalRequest.objects.filter(token=token).first()
    if approval is not None:
        return Outcome(approval=approval, decision=approval.decision, repeated=True)
    return None


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("team", "practitioner").get(pk=case.pk)


def allocated_message(case: Case) -> str:
    """Who allocated the case and when, in words."""
    decision = (
        AllocationDecision.objects.filter(case=case).select_related("decided_by", "practitioner").first()
    )
    spell = CaseAllocation.objects.filter(case=case, ended_at__isnull=True).select_related(
        "practitioner", "allocated_by"
    )
    open_spell = spell.first()
    if open_spell is None:
        return f"Case {case.reference} has just been allocated."
    who = open_spell.allocated_by or (decision.decided_by if decision else None)
    at = timezone.localtime(open_spell.started_at)
    by = f" by {who}" if who else ""
    return (
        f"Case {case.reference} has already been allocated to {open_spell.practitioner.full_name}{by} "
        f"at {at:%H:%M} on {at:%-d %B %Y}."
    )


def _check_state(case: Case, kind: str, choice: Choice) -> None:
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed(f"Case {case.reference} is closed and cannot be allocated.")
    if kind == DecisionKind.ALLOCATE and case.practitioner_id is not None:
        raise AlreadyAllocated(allocated_message(case))
    if kind == DecisionKind.REALLOCATE:
        if case.practitioner_id is None:
            raise ValidationError(f"Case {case.reference} is not allocated yet: allocate it instead.")
        if choice.reason not in ReallocationReason.values:
            raise ValidationError({"reason": "Choose why the case is being reallocated."})
    if ApprovalRequest.objects.filter(case=case, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(f"Case {case.reference} is waiting for an area manager's approval.")


def _candidates(case: Case, choice: Choice, actor: User) -> Candidates:
    """The candidates the form offered, scored again now (from the actor's scope)."""
    from caseload.core.scope import scope_for

    scope = scope_for(actor)
    on = timezone.localdate()
    wider = choice.wider and scope.role in (Role.AREA_MANAGER, Role.ADMINISTRATOR)
    return candidates_for(case, candidate_memberships(case, scope.memberships, on, wider=wider), on)


def _chosen(candidates: Candidates, choice: Choice) -> Any:
    chosen = candidates.by_membership(choice.membership_id)
    if chosen is None:
        raise ValidationError({"membership": "Choose one of the people listed."})
    if chosen.ranked is None or not chosen.ranked.eligibility.eligible:
        reasons = " ".join(chosen.ranked.eligibility.reasons) if chosen.ranked else ""
        raise ValidationError(
            {
                "membership": f"{chosen.membership.practitioner.full_name} cannot take this case. {reasons}".strip()
            }
        )
    return chosen


def _recommendation(candidates: Candidates) -> dict[str, Any]:
    best = candidates.recommended
    return {
        "recommended_membership": best.membership if best else None,
        "recommended_name": best.membership.practitioner.full_name if best else "",
        "recommendation_reason": candidates.ranking.reason,
        "ranking": candidates.snapshot(),
    }


def _commit(
    case: Case,
    kind: str,
    choice: Choice,
    candidates: Candidates,
    chosen: Any,
    *,
    actor: User | None,
    approved_by: User | None,
    decided_by: User | None = None,
) -> AllocationDecision:
    """Allocate through the cases service, then record the decision, audit it and queue the emails."""
    membership: TeamMembership = chosen.membership
    previous = case.practitioner
    allocation = allocate_case(
        case,
        membership.practitioner,
        actor=actor,
        team=membership.team,
        reason=choice.reason,
        notes="" if choice.sensitive else choice.notes,
    )
    decision = AllocationDecision.objects.create(
        case=case,
        kind=kind,
        membership=membership,
        practitioner=membership.practitioner,
        previous_practitioner=previous,
        allocation=allocation,
        reason=choice.reason,
        decided_by=decided_by or actor,
        approved_by=approved_by,
        decided_at=allocation.started_at,
        workload_before=chosen.current.workload_percent.quantize(FOUR_DP),
        workload_after=chosen.projected.workload_percent.quantize(FOUR_DP),
        justification=choice.justification.strip(),
        notes=choice.notes.strip(),
        notes_sensitive=choice.sensitive,
        copy_to=list(choice.copy_to),
        notify_previous=choice.notify_previous,
        token=choice.token,
        **_recommendation(candidates),
    )
    audit.record(
        AuditEntry.Action.CREATE,
        decision,
        actor=actor,
        after=audit.snapshot(decision, _AUDITED + ([] if choice.sensitive else ["notes"])),
        note=f"{decision.get_kind_display()} of {case.reference}",
    )
    emails.decision_made(decision, actor=actor)
    return decision


# -- approvals ------------------------------------------------------------------------------------------------


def approvers_for(case: Case) -> list[User]:
    """Area managers whose units contain the case's team; administrators when there are none."""
    team_path = case.team.path
    managers = [
        user
        for user in User.objects.filter(role=Role.AREA_MANAGER, is_active=True).prefetch_related("org_units")
        if any(team_path.startswith(unit.path) for unit in user.org_units.all() if unit.path)
    ]
    if managers:
        return managers
    return list(User.objects.filter(role=Role.ADMINISTRATOR, is_active=True))


def _request_approval(
    case: Case, kind: str, choice: Choice, candidates: Candidates, chosen: Any, actor: User
) -> ApprovalRequest:
    request = ApprovalRequest.objects.create(
        case=case,
        kind=kind,
        membership=chosen.membership,
        previous_practitioner=case.practitioner,
        reason=choice.reason,
        requested_by=actor,
        requested_at=timezone.now(),
        workload_before=chosen.current.workload_percent.quantize(FOUR_DP),
        workload_after=chosen.projected.workload_percent.quantize(FOUR_DP),
        justification=choice.justification.strip(),
        notes=choice.notes.strip(),
        notes_sensitive=choice.sensitive,
        copy_to=list(choice.copy_to),
        notify_previous=choice.notify_previous,
        token=choice.token,
        **_recommendation(candidates),
    )
    audit.record(
        AuditEntry.Action.CREATE,
        request,
        actor=actor,
        after=audit.snapshot(
            request, ["case", "kind", "membership", "requested_by", "workload_after", "status"]
        ),
        note=f"Approval requested for {case.reference}",
    )
    emails.approval_requested(request, approvers_for(case), actor=actor)
    return request


def may_decide(user: User, request: ApprovalRequest) -> bool:
    """Area managers and administrators decide, never on their own request."""
    if user.role not in (Role.AREA_MANAGER, Role.ADMINISTRATOR):
        return False
    return request.requested_by_id != user.pk


def may_withdraw(user: User, request: ApprovalRequest) -> bool:
    """A request whose case has moved on is withdrawn by its requester or by anyone who may decide it."""
    return request.requested_by_id == user.pk or may_decide(user, request)


def _locked_request(request: ApprovalRequest) -> ApprovalRequest:
    """The request, locked. Lock its case first (`_locked`), as every allocation does, so that an approval
    and an allocation of the same case by another path queue instead of deadlocking."""
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("case__practitioner", "case__team", "membership__practitioner", "requested_by")
        .get(pk=request.pk)
    )


def _already(request: ApprovalRequest) -> ValidationError:
    return ValidationError(f"This request was already {request.get_status_display().lower()}.")


def decide_approval(
    request: ApprovalRequest, *, approve: bool, actor: User, comment: str = ""
) -> ApprovalRequest:
    """Approve (which makes the allocation, with the figures scored again now) or decline a request; the
    requester is told either way. A request whose case has moved on can only be withdrawn."""
    with transaction.atomic():
        _locked(request.case)
        request = _locked_request(request)
        if not may_decide(actor, request):
            raise PermissionDenied("Only an area manager other than the requester can decide this.")
        if request.status != ApprovalStatus.PENDING:
            raise _already(request)
        moved_on = request.moved_on()
        if moved_on:
            raise ValidationError(f"{moved_on} Withdraw the request instead.")
        if not approve and not comment.strip():
            raise ValidationError({"comment": "Say why the request is declined."})
        before = audit.snapshot(request, ["status", "approver", "comment"])
        request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DECLINED
        request.approver, request.decided_at, request.comment = actor, timezone.now(), comment.strip()
        request.save(update_fields=["status", "approver", "decided_at", "comment"])
        if approve:
            request.decision = _approved_allocation(request, actor)
            request.save(update_fields=["decision"])
        audit.record(
            AuditEntry.Action.UPDATE,
            request,
            actor=actor,
            before=before,
            after=audit.snapshot(request, ["status", "approver", "comment"]),
        )
        emails.approval_decided(request, actor=actor)
        return request


def withdraw_approval(request: ApprovalRequest, *, actor: User) -> ApprovalRequest:
    """The requester or an area manager withdraws a pending request whose case has been allocated or closed
    some other way meanwhile (a request that still applies is approved or declined instead)."""
    with transaction.atomic():
        _locked(request.case)
        request = _locked_request(request)
        if not may_withdraw(actor, request):
            raise PermissionDenied("Only the requester or an area manager can withdraw this request.")
        if request.status != ApprovalStatus.PENDING:
            raise _already(request)
        moved_on = request.moved_on()
        if not moved_on:
            raise ValidationError("This request still applies: an area manager approves or declines it.")
        return _withdraw(request, moved_on, actor=actor, by=actor)


def withdraw_superseded(case: Case, *, actor: User | None) -> ApprovalRequest | None:
    """Withdraw the case's pending request if the case has moved on (been allocated, reallocated or
    closed another way), telling the requester; returns it, or None. `caseload.cases.services` calls this
    whenever it allocates or closes a case, with the case locked, so the request never outlives the
    situation it was made for."""
    with transaction.atomic():
        pending = ApprovalRequest.objects.filter(case_id=case.pk, status=ApprovalStatus.PENDING)
        request = pending.select_for_update(of=("self",)).select_related("case__practitioner").first()
        if request is None:
            return None
        moved_on = request.moved_on()
        if not moved_on:
            return None
        return _withdraw(request, moved_on, actor=actor, by=None)


def withdraw_superseded_approvals() -> list[ApprovalRequest]:
    """Withdraw every pending request whose case has moved on. Allocations and closures made through the
    cases service withdraw their request at once; this catches the ones an import wrote (the daily
    `escalate_waiting_cases` command runs it)."""
    withdrawn = []
    pending = ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING).values_list("case_id", flat=True)
    for case_id in list(pending):
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
            request = withdraw_superseded(case, actor=None)
        if request is not None:
            withdrawn.append(request)
    return withdrawn


def _withdraw(
    request: ApprovalRequest, reason: str, *, actor: User | None, by: User | None
) -> ApprovalRequest:
    fields = ["status", "decided_at", "comment", "withdrawn_by"]
    before = audit.snapshot(request, fields)
    request.status, request.decided_at = ApprovalStatus.WITHDRAWN, timezone.now()
    request.comment, request.withdrawn_by = reason, by
    request.save(update_fields=fields)
    audit.record(
        AuditEntry.Action.UPDATE,
        request,
        actor=actor,
        before=before,
        after=audit.snapshot(request, fields),
        note=f"Approval request for {request.case.reference} withdrawn"
        + ("" if by is not None else " automatically"),
    )
    emails.approval_withdrawn(request, actor=actor)
    return request


def _approved_allocation(request: ApprovalRequest, actor: User) -> AllocationDecision:
    case = _locked(request.case)
    if request.kind == DecisionKind.ALLOCATE and case.practitioner_id is not None:
        raise AlreadyAllocated(allocated_message(case))
    choice = Choice(
        membership_id=request.membership_id,
        token=f"{request.token}:approved",
        justification=request.justification,
        notes=request.notes,
        sensitive=request.notes_sensitive,
        copy_to=tuple(request.copy_to),
        reason=request.reason,
        notify_previous=request.notify_previous,
    )
    on = timezone.localdate()
    memberships = TeamMembership.objects.current(on).filter(pk=request.membership_id)
    candidates = candidates_for(case, memberships.select_related("practitioner__grade", "team"), on)
    chosen = _chosen(candidates, choice)
    decision = _commit(
        case,
        request.kind,
        choice,
        candidates,
        chosen,
        actor=actor,
        approved_by=actor,
        decided_by=request.requested_by,
    )
    # The decision keeps the recommendation the requester saw.
    decision.recommended_membership_id = request.recommended_membership_id
    decision.recommended_name = request.recommended_name
    decision.recommendation_reason = request.recommendation_reason
    decision.ranking = request.ranking
    decision.save(
        update_fields=["recommended_membership", "recommended_name", "recommendation_reason", "ranking"]
    )
    return decision


# -- escalation of long-waiting cases -------------------------------------------------------------------------


def escalate_waiting_cases(on: dt.date | None = None) -> list[WaitingEscalation]:
    """Tell the area managers about every open, unallocated case waiting longer than its scheme's threshold:
    once per case and threshold (the daily `escalate_waiting_cases` command runs this)."""
    on = on or timezone.localdate()
    schemes = SchemeCache(on)
    escalated = []
    for case in Case.objects.unallocated().select_related("team").order_by("received_date", "pk"):
        threshold = schemes.allocation(case.team).waiting_threshold_days
        waiting = rules.days_waiting(case.received_date, on)
        if threshold is None or waiting <= threshold:
            continue
        with transaction.atomic():
            if WaitingEscalation.objects.filter(case=case, threshold_days=threshold).exists():
                continue
            recipients = approvers_for(case)
            escalation = WaitingEscalation.objects.create(
                case=case,
                threshold_days=threshold,
                days_waiting=waiting,
                escalated_at=timezone.now(),
                recipients=[u.username for u in recipients],
            )
            audit.record(
                AuditEntry.Action.EVENT,
                escalation,
                actor=None,
                after=audit.snapshot(escalation),
                note=f"{case.reference} waiting {waiting} days escalated",
            )
            emails.case_waiting(escalation, recipients)
            escalated.append(escalation)
    return escalated
