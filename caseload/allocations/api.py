"""API for allocation (mounted at /api/allocations): the register of unallocated cases, the candidates with
the engine's projections, and allocate / reallocate through the same service as the pages. Session
authentication; for users who may allocate (`scope.can_edit`), on cases in their scope (others: 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from caseload.allocations import selectors, services
from caseload.allocations.models import DecisionKind
from caseload.cases.models import ReallocationReason
from caseload.core.models import Role
from caseload.workloads.api import ERRORS, Error

router = Router(tags=["allocations"], auth=django_auth)


def _scope(request: HttpRequest) -> Any:
    scope = request.scope  # type: ignore[attr-defined]
    if not scope.can_edit:
        raise HttpError(403, "Only team managers, area managers and administrators allocate cases.")
    return scope


def _case(scope: Any, case_id: int) -> Any:
    case = scope.cases.select_related("team", "practitioner").filter(pk=case_id).first()
    if case is None:
        raise HttpError(404, f"No case with id {case_id}.")
    return case


class RegisterRowOut(Schema):
    id: int
    reference: str
    name: str
    team: str = Field(description="Team code")
    service: str
    category: str
    level: str
    flags: list[str]
    received_date: dt.date
    days_waiting: int
    overdue: bool = Field(description="Waiting longer than the scheme's threshold")
    start_date: dt.date | None = Field(description="Sentence or start date")
    first_appointment_due: dt.date | None
    expected_release_date: dt.date | None
    priority: str = Field(description="high, medium or low")


@router.get("/unallocated", response={200: list[RegisterRowOut], **ERRORS}, summary="Unallocated cases")
def unallocated(
    request: HttpRequest, unit: int | None = None, priority: str = "", sort: str = "priority"
) -> list[dict[str, Any]]:
    """Open, unallocated cases in the user's scope with days waiting, key dates and priority."""
    scope = _scope(request)
    filters = selectors.RegisterFilters(unit=unit, priority=priority, sort=sort)
    return [
        {
            "id": r.case.pk,
            "reference": r.case.reference,
            "name": r.case.name,
            "team": r.case.team.code,
            "service": r.case.service,
            "category": r.case.category,
            "level": r.case.level,
            "flags": list(r.case.flags or []),
            "received_date": r.case.received_date,
            "days_waiting": r.days_waiting,
            "overdue": r.overdue,
            "start_date": r.case.start_date,
            "first_appointment_due": r.first_appointment_due,
            "expected_release_date": r.case.expected_release_date,
            "priority": r.priority.value,
        }
        for r in selectors.register(scope.cases, timezone.localdate(), filters)
    ]


class CandidateOut(Schema):
    membership_id: int
    name: str
    team: str
    grade: str
    eligible: bool
    reasons: list[str] = Field(description="Why the person cannot take the case (empty when eligible)")
    position: int | None = Field(description="Rank among eligible people, 1 = recommended")
    current_percent: str = Field(description="Workload % now, exact to 4 dp")
    projected_percent: str = Field(description="Workload % with this case added (the engine's projection)")
    projected_remaining_points: str
    forecast_percent: str = Field(description="Workload % in 4 weeks with this case")
    guardrail: str = Field(description="none, justification or approval")
    breaches_agreement: bool
    recent_allocations: int
    continuity: str
    cases_ending_4_weeks: int
    releases_4_weeks: int


class CandidatesOut(Schema):
    case_id: int
    reference: str
    recommended_membership_id: int | None
    recommendation: str
    candidates: list[CandidateOut]


def _pct(value: Any) -> str:
    return f"{value.quantize(services.FOUR_DP)}"


@router.get(
    "/cases/{case_id}/candidates",
    response={200: CandidatesOut, **ERRORS},
    summary="Candidates for a case, with projections",
)
def candidates(request: HttpRequest, case_id: int, wider: bool = False) -> dict[str, Any]:
    """Eligible people ranked (best first) then ineligible people with reasons; every figure is the engine's."""
    scope = _scope(request)
    case = _case(scope, case_id)
    on = timezone.localdate()
    wider = wider and scope.role in (Role.AREA_MANAGER, Role.ADMINISTRATOR)
    found = selectors.candidates_for(
        case, selectors.candidate_memberships(case, scope.memberships, on, wider=wider), on
    )
    best = found.recommended
    return {
        "case_id": case.pk,
        "reference": case.reference,
        "recommended_membership_id": best.membership.pk if best else None,
        "recommendation": found.ranking.reason,
        "candidates": [
            {
                "membership_id": f.membership.pk,
                "name": f.membership.practitioner.full_name,
                "team": f.membership.team.code,
                "grade": f.current.grade,
                "eligible": bool(f.ranked and f.ranked.eligibility.eligible),
                "reasons": list(f.ranked.eligibility.reasons) if f.ranked else [],
                "position": f.ranked.position if f.ranked else None,
                "current_percent": _pct(f.current.workload_percent),
                "projected_percent": _pct(f.projected.workload_percent),
                "projected_remaining_points": str(f.projected.remaining_points),
                "forecast_percent": _pct(f.forecast.workload_percent),
                "guardrail": str(f.ranked.guardrail) if f.ranked else "none",
                "breaches_agreement": bool(f.ranked and f.ranked.breaches_agreement),
                "recent_allocations": f.recent_allocations,
                "continuity": f.continuity,
                "cases_ending_4_weeks": f.ending_soon,
                "releases_4_weeks": f.releases_soon,
            }
            for f in found.figures
        ],
    }


class AllocateIn(Schema):
    membership_id: int = Field(description="The chosen candidate's membership id")
    token: str = Field(min_length=8, max_length=64, description="Idempotency key: repeat it to retry safely")
    justification: str = ""
    notes: str = ""
    sensitive: bool = False
    copy_to: list[str] = Field(default_factory=list, description="Email addresses sent a copy")
    wider: bool = False


class ReallocateIn(AllocateIn):
    reason: ReallocationReason
    notify_previous: bool = False


class OutcomeOut(Schema):
    status: str = Field(description="allocated, or approval_requested (above the hard limit)")
    decision_id: int | None
    approval_id: int | None
    repeated: bool = Field(description="The same token was used before: nothing new happened")
    practitioner: str | None
    workload_before: str | None
    workload_after: str | None


def _outcome(outcome: services.Outcome) -> Any:
    decision = outcome.decision
    code = 200 if outcome.repeated else 201
    if decision is not None:
        return Status(
            code,
            {
                "status": "allocated",
                "decision_id": decision.pk,
                "approval_id": outcome.approval.pk if outcome.approval else None,
                "repeated": outcome.repeated,
                "practitioner": decision.practitioner.staff_code,
                "workload_before": str(decision.workload_before),
                "workload_after": str(decision.workload_after),
            },
        )
    assert outcome.approval is not None
    return Status(
        202 if not outcome.repeated else 200,
        {
            "status": "approval_requested",
            "decision_id": None,
            "approval_id": outcome.approval.pk,
            "repeated": outcome.repeated,
            "practitioner": outcome.approval.membership.practitioner.staff_code,
            "workload_before": str(outcome.approval.workload_before),
            "workload_after": str(outcome.approval.workload_after),
        },
    )


def _choice(payload: AllocateIn, reason: str = "", notify_previous: bool = False) -> services.Choice:
    return services.Choice(
        membership_id=payload.membership_id,
        token=payload.token,
        justification=payload.justification,
        notes=payload.notes,
        sensitive=payload.sensitive,
        copy_to=tuple(payload.copy_to),
        reason=reason,
        notify_previous=notify_previous,
        wider=payload.wider,
    )


@router.post(
    "/cases/{case_id}/allocate",
    response={200: OutcomeOut, 201: OutcomeOut, 202: OutcomeOut, 409: Error, **ERRORS},
    summary="Allocate a case",
    description="201: allocated; 202: above the hard limit, an approval request was sent; 200: the same token "
    "was used before. 409: someone else allocated it first (the message says who and when), or it is closed; "
    "422: not eligible, or a justification is needed above the red threshold.",
)
def allocate(request: HttpRequest, case_id: int, payload: AllocateIn) -> Any:
    scope = _scope(request)
    case = _case(scope, case_id)
    return _outcome(services.allocate(case, _choice(payload), actor=request.user))  # type: ignore[arg-type]


@router.post(
    "/cases/{case_id}/reallocate",
    response={200: OutcomeOut, 201: OutcomeOut, 202: OutcomeOut, 409: Error, **ERRORS},
    summary="Reallocate a case",
    description="As allocate, with a required reason; the new and optionally the previous practitioner are emailed.",
)
def reallocate(request: HttpRequest, case_id: int, payload: ReallocateIn) -> Any:
    scope = _scope(request)
    case = _case(scope, case_id)
    choice = _choice(payload, str(payload.reason), payload.notify_previous)
    return _outcome(services.allocate(case, choice, actor=request.user, kind=DecisionKind.REALLOCATE))  # type: ignore[arg-type]
