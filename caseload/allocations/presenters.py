"""Ready-to-show values for the allocation pages (no arithmetic in templates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caseload.allocations.models import AllocationDecision, ApprovalRequest, ApprovalStatus
from caseload.allocations.selectors import CandidateFigures, Candidates, CaseSummary, RegisterRow, flag_labels
from caseload.domain.allocation import Guardrail, Priority
from caseload.domain.rounding import one_dp

PRIORITY_TAGS = {
    Priority.HIGH: "govuk-tag--red",
    Priority.MEDIUM: "govuk-tag--yellow",
    Priority.LOW: "govuk-tag--grey",
}


def day(value: dt.date | None) -> str:
    return f"{value:%-d %b %Y}" if value else "–"


def moment(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%-d %b %Y %H:%M}" if value else "–"


def percent(value: Decimal) -> str:
    return f"{one_dp(value)}%"


@dataclass(frozen=True)
class RegisterLine:
    case_id: int
    reference: str
    name: str
    team: str
    service: str
    category: str
    level: str
    flags: str
    received: str
    days_waiting: str
    overdue: bool
    start: str
    first_due: str
    release: str
    priority: str
    priority_class: str


def present_register_row(row: RegisterRow) -> RegisterLine:
    case = row.case
    return RegisterLine(
        case_id=case.pk,
        reference=case.reference,
        name=case.name,
        team=case.team.name,
        service=case.get_service_display(),
        category=case.category,
        level=case.level or "Untiered",
        flags=", ".join(flag_labels(case.flags or ())) or "None",
        received=day(case.received_date),
        days_waiting=f"{row.days_waiting} day{'s' if row.days_waiting != 1 else ''}",
        overdue=row.overdue,
        start=day(case.start_date),
        first_due=day(row.first_appointment_due),
        release=day(case.expected_release_date),
        priority=row.priority.value.title(),
        priority_class=PRIORITY_TAGS[row.priority],
    )


@dataclass(frozen=True)
class SummaryPresenter:
    rows: list[dict[str, Any]]
    linked: list[tuple[str, str, str]]  # reference, name, holder
    overdue_text: str


def present_summary(summary: CaseSummary, sees_identity: bool = True) -> SummaryPresenter:
    case, row = summary.case, summary.row
    line = present_register_row(row)

    def pair(key: str, value: str) -> dict[str, Any]:
        return {"key": {"text": key}, "value": {"text": value}}

    rows = [
        pair("Case", f"{case.reference} – {case.name}"),
        pair("Team", case.team.name),
        pair("Service and category", f"{line.service}, {case.category}"),
        pair("Tier or complexity", line.level),
        pair("Flags", line.flags),
        pair("Received", f"{line.received} ({line.days_waiting} waiting)"),
        pair("Sentence or start date", line.start),
        pair("First appointment due", line.first_due),
        pair("Expected end", day(case.expected_end_date)),
        pair("Expected release", line.release),
        pair("Priority", line.priority),
        pair("Current practitioner", case.practitioner.full_name if case.practitioner else "Unallocated"),
        pair("Previous practitioner", summary.previous_practitioner or "None"),
    ]
    overdue = ""
    if row.overdue:
        overdue = f"This case has waited {row.days_waiting} days, longer than the {row.threshold_days} days allowed."
    linked = [(link.case.reference, link.case.name, link.holder) for link in summary.linked]
    return SummaryPresenter(rows, linked, overdue)


@dataclass(frozen=True)
class CandidateLine:
    membership_id: int
    name: str
    team: str
    grade: str
    current: str
    projected: str
    projected_rag: str
    remaining: str
    recent: str
    tier_mix: str
    reductions: str
    next_change: str
    ending: str
    forecast: str
    continuity: str
    eligible: bool
    reasons: list[str]
    position: int | None
    recommended: bool
    guardrail: str  # "", "Justification needed", "Area manager approval needed"
    agreement: str
    label: str  # the radio label


GUARDRAIL_TEXT = {
    Guardrail.NONE: "",
    Guardrail.JUSTIFICATION: "Justification needed",
    Guardrail.APPROVAL: "Area manager approval needed",
}


def present_candidate(figures: CandidateFigures, recommended_id: int | None) -> CandidateLine:
    m, ranked = figures.membership, figures.ranked
    agreement = ""
    if ranked is not None and ranked.breaches_agreement and figures.agreement is not None:
        agreement = f"Would breach the agreed range (up to {one_dp(figures.agreement.max_percent)}%)"
    reductions = "; ".join(
        f"{r.reason} ({r.hours} h{', until ' + day(r.until) if r.until else ''})" for r in figures.reductions
    )
    projected = percent(figures.projected.workload_percent)
    return CandidateLine(
        membership_id=m.pk,
        name=m.practitioner.full_name,
        team=m.team.name,
        grade=figures.current.grade,
        current=percent(figures.current.workload_percent),
        projected=projected,
        projected_rag=figures.projected.rag.name,
        remaining=f"{figures.projected.remaining_points:,.0f}",
        recent=str(figures.recent_allocations),
        tier_mix=", ".join(f"{level} × {n}" for level, n in figures.tier_mix.items()) or "No cases",
        reductions=reductions or "None",
        next_change=day(figures.next_reduction_change),
        ending=f"{figures.ending_soon} ending, {figures.releases_soon} release{'s' if figures.releases_soon != 1 else ''}",
        forecast=percent(figures.forecast.workload_percent),
        continuity=figures.continuity,
        eligible=bool(ranked and ranked.eligibility.eligible),
        reasons=list(ranked.eligibility.reasons) if ranked else [],
        position=ranked.position if ranked else None,
        recommended=recommended_id == m.pk,
        guardrail=GUARDRAIL_TEXT[ranked.guardrail] if ranked else "",
        agreement=agreement,
        label=f"{m.practitioner.full_name} ({figures.current.grade}, {m.team.name}) – {projected} after",
    )


@dataclass(frozen=True)
class CandidatesPresenter:
    eligible: list[CandidateLine]
    ineligible: list[CandidateLine]
    recommended: CandidateLine | None
    reason: str
    no_scheme: list[str] = field(default_factory=list)

    @property
    def choices(self) -> list[tuple[int, str]]:
        return [(line.membership_id, line.label) for line in self.eligible]


def present_candidates(candidates: Candidates) -> CandidatesPresenter:
    best = candidates.recommended
    best_id = best.membership.pk if best else None
    lines = [present_candidate(f, best_id) for f in candidates.figures]
    eligible = [line for line in lines if line.eligible]
    return CandidatesPresenter(
        eligible=eligible,
        ineligible=[line for line in lines if not line.eligible],
        recommended=next((line for line in eligible if line.recommended), None),
        reason=candidates.ranking.reason,
        no_scheme=[m.practitioner.full_name for m in candidates.no_scheme],
    )


@dataclass(frozen=True)
class DecisionPresenter:
    pk: int
    case_id: int
    reference: str
    name: str
    kind: str
    practitioner: str
    previous: str
    decided_by: str
    approved_by: str
    decided_at: str
    before: str
    after: str
    recommended: str
    recommendation_reason: str
    followed: str
    reason: str
    justification: str
    notes: str
    sensitive: bool
    ranking: list[dict[str, Any]]


def present_decision(decision: AllocationDecision) -> DecisionPresenter:
    return DecisionPresenter(
        pk=decision.pk,
        case_id=decision.case_id,
        reference=decision.case.reference,
        name=decision.case.name,
        kind=decision.get_kind_display(),
        practitioner=decision.practitioner.full_name,
        previous=decision.previous_practitioner.full_name if decision.previous_practitioner else "–",
        decided_by=str(decision.decided_by) if decision.decided_by else "–",
        approved_by=str(decision.approved_by) if decision.approved_by else "",
        decided_at=moment(decision.decided_at),
        before=percent(decision.workload_before),
        after=percent(decision.workload_after),
        recommended=decision.recommended_name or "Nobody",
        recommendation_reason=decision.recommendation_reason,
        followed="Yes" if decision.followed_recommendation else "No",
        reason=decision.get_reason_display() if decision.reason else "",
        justification=decision.justification,
        notes=decision.notes,
        sensitive=decision.notes_sensitive,
        ranking=decision.ranking,
    )


@dataclass(frozen=True)
class ApprovalPresenter:
    pk: int
    case_id: int
    reference: str
    practitioner: str
    team: str
    requested_by: str
    requested_at: str
    status: str
    approver: str
    decided_at: str
    comment: str
    before: str
    after: str
    justification: str
    notes: str
    sensitive: bool
    pending: bool
    decision_id: int | None
    moved_on: str = ""  # a pending request whose case has since been allocated or closed: why, in words
    may_decide: bool = False  # the viewer may approve or decline it
    may_withdraw: bool = False  # the viewer may withdraw it (only once the case has moved on)

    @property
    def for_viewer(self) -> bool:
        """The viewer has something to do with it: decide it, or withdraw it now that the case moved on."""
        return self.may_decide or self.may_withdraw


def present_approval(
    request: ApprovalRequest,
    may_decide: Callable[[ApprovalRequest], bool] | None = None,
    may_withdraw: Callable[[ApprovalRequest], bool] | None = None,
) -> ApprovalPresenter:
    """One request as the viewer sees it; `may_decide` and `may_withdraw` say what the viewer may do with a
    pending one (caseload.allocations.services)."""
    pending = request.status == ApprovalStatus.PENDING
    moved_on = request.moved_on() if pending else ""
    return ApprovalPresenter(
        pk=request.pk,
        case_id=request.case_id,
        reference=request.case.reference,
        practitioner=request.membership.practitioner.full_name,
        team=request.membership.team.name,
        requested_by=str(request.requested_by) if request.requested_by else "–",
        requested_at=moment(request.requested_at),
        status=request.get_status_display(),
        approver=_decided_by(request),
        decided_at=moment(request.decided_at),
        comment=request.comment,
        before=percent(request.workload_before),
        after=percent(request.workload_after),
        justification=request.justification,
        notes=request.notes,
        sensitive=request.notes_sensitive,
        pending=pending,
        decision_id=request.decision_id,
        moved_on=moved_on,
        may_decide=bool(pending and not moved_on and may_decide and may_decide(request)),
        may_withdraw=bool(moved_on and may_withdraw and may_withdraw(request)),
    )


def _decided_by(request: ApprovalRequest) -> str:
    if request.status == ApprovalStatus.WITHDRAWN:
        return str(request.withdrawn_by) if request.withdrawn_by else "Withdrawn automatically"
    return str(request.approver) if request.approver else "–"


@dataclass(frozen=True)
class ApprovalsPage:
    for_you: list[ApprovalPresenter]  # pending requests the viewer may decide (or withdraw), first
    for_others: list[ApprovalPresenter]  # pending requests someone else decides
    decided: list[ApprovalPresenter]


def present_approvals(
    pending: Iterable[ApprovalRequest],
    decided: Iterable[ApprovalRequest],
    may_decide: Callable[[ApprovalRequest], bool],
    may_withdraw: Callable[[ApprovalRequest], bool],
) -> ApprovalsPage:
    """The approvals page: what the viewer can act on first, then what waits for others."""
    lines = [present_approval(r, may_decide, may_withdraw) for r in pending]
    return ApprovalsPage(
        for_you=[line for line in lines if line.for_viewer],
        for_others=[line for line in lines if not line.for_viewer],
        decided=[present_approval(r) for r in decided],
    )
