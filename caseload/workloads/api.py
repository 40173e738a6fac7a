"""API for a practitioner's hours, reductions and stored workload (mounted at /api/memberships).

Session authentication. Memberships are reached through the caller's access scope (`request.scope`): one
outside it is 404, and so is a reduction of another membership. Changing hours and reductions (adding,
changing and deleting them) is for team managers, area managers and administrators
within their scope; reading a workload for anyone who may see the membership (a practitioner their own,
managers and senior leaders theirs; analysts see aggregates only). Figures are the stored ones, written by
the same transaction as the change (docs/live-updates.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from caseload.core.models import User
from caseload.organisations.models import Reduction, TeamMembership
from caseload.organisations.services import (
    add_membership,
    delete_reduction,
    end_membership,
    save_reduction,
    set_contracted_hours,
)
from caseload.workloads.models import Workload
from caseload.workloads.selectors import (
    membership_with_id,
    practitioner_with_staff_code,
    reduction_of,
    reduction_reason_with_code,
    team_with_code,
)
from caseload.workloads.services import shown_workloads

router = Router(tags=["workloads"], auth=django_auth)


class Error(Schema):
    detail: str | list[dict[str, Any]] = Field(description="What went wrong, in words (or the parse errors).")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages per field.")


class BreakdownItemOut(Schema):
    kind: str = Field(description="case, report, cms, non_case_time or extra_responsibility")
    reference: str = Field(description="Case reference or item code")
    points: str = Field(description="Decimal as text")
    rule: str = Field(description="The scheme rule and version that produced the points")


class StepOut(Schema):
    step: str
    value: str


class WorkloadOut(Schema):
    membership_id: int
    practitioner: str = Field(description="Staff code")
    name: str
    team: str = Field(description="Team code")
    scheme: str = Field(description="Scheme and version, e.g. probation-wmt-legacy 2024-04")
    calculated_for: dt.date
    calculated_at: dt.datetime
    revision: int = Field(description="Goes up by one on every recalculation")
    reason: str = Field(description="What caused the last recalculation")
    total_points: str
    available_points: str
    remaining_points: str
    workload_percent: str = Field(description="To 4 decimal places")
    rag: str
    rag_name: str
    case_count: int
    contracted_hours: str
    reduction_hours: str
    warnings: list[str]


class WorkloadSummaryOut(WorkloadOut):
    items_by_kind: dict[str, int] = Field(description="Number of breakdown lines of each kind")
    case_items: list[BreakdownItemOut] = Field(description="The breakdown lines of the case the event was on")


class WorkloadDetailOut(WorkloadOut):
    items: list[BreakdownItemOut]
    available_time: list[StepOut] = Field(description="How available points were derived, step by step")


class HoursIn(Schema):
    contracted_hours: Decimal = Field(description="Hours a week in this team, 0 to 48")


class ReductionIn(Schema):
    reason: str = Field(description="Reduction reason code, e.g. other")
    hours: Decimal | None = Field(None, description="Hours a week; fixed by reasons with a default %")
    effective_from: dt.date
    effective_to: dt.date | None = None
    notes: str = ""


class ReductionOut(Schema):
    id: int
    reason: str
    hours: str
    effective_from: dt.date
    effective_to: dt.date | None
    status: str
    workload: WorkloadSummaryOut | None = Field(description="The membership's figures after the change")


class MembershipIn(Schema):
    practitioner: str = Field(description="Staff code of a practitioner you may see")
    team: str = Field(description="Code of a team you manage")
    contracted_hours: Decimal = Field(description="Hours a week in this team, 0 to 48")
    start_date: dt.date | None = Field(None, description="First day (default today)")


class MembershipEndIn(Schema):
    end_date: dt.date = Field(description="Last day in the team; cases held there are reallocated first")


class MembershipOut(Schema):
    id: int
    practitioner: str
    team: str
    contracted_hours: str
    start_date: dt.date
    end_date: dt.date | None
    workloads: list[WorkloadSummaryOut] = Field(description="Every workload recalculated by the change")


ERRORS: dict[int, type[Schema]] = {401: Error, 403: Error, 404: Error, 422: Error}
NOTE_LENGTH = 500  # a deleted reduction's note, as on the web page's form


def require_editor(request: HttpRequest, doing: str) -> User:
    """The signed-in user, if their role may change records (403 otherwise)."""
    user: User = request.auth  # type: ignore[attr-defined]
    if not request.scope.can_edit:  # type: ignore[attr-defined]
        raise HttpError(403, f"Your role ({user.get_role_display()}) may not {doing}.")
    return user


def workload_summary(workload: Workload, case_reference: str | None = None) -> dict[str, Any]:
    """`workload`: as shown (`shown_workloads`), with its case lines."""
    items = workload.breakdown.get("items", [])
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    return {
        **_figures(workload),
        "items_by_kind": kinds,
        "case_items": [item for item in items if case_reference and item["reference"] == case_reference],
    }


def workload_detail(workload: Workload) -> dict[str, Any]:
    """`workload`: as shown (`shown_workloads`), with its case lines."""
    return {
        **_figures(workload),
        "items": workload.breakdown.get("items", []),
        "available_time": workload.breakdown.get("available_time", []),
    }


def _figures(workload: Workload) -> dict[str, Any]:
    membership, version = workload.membership, workload.scheme_version
    return {
        "membership_id": membership.pk,
        "practitioner": membership.practitioner.staff_code,
        "name": membership.practitioner.full_name,
        "team": membership.team.code,
        "scheme": f"{version.scheme.code} {version.version}",
        "calculated_for": workload.calculated_for,
        "calculated_at": workload.calculated_at,
        "revision": workload.revision,
        "reason": workload.reason,
        "total_points": str(workload.total_points),
        "available_points": str(workload.available_points),
        "remaining_points": workload.breakdown.get("remaining_points", ""),
        "workload_percent": str(workload.workload_percent),
        "rag": workload.rag,
        "rag_name": workload.rag_name,
        "case_count": workload.case_count,
        "contracted_hours": str(workload.contracted_hours),
        "reduction_hours": str(workload.reduction_hours),
        "warnings": workload.breakdown.get("warnings", []),
    }


def _membership(request: HttpRequest, membership_id: int) -> TeamMembership:
    membership = membership_with_id(request.scope.memberships, membership_id)  # type: ignore[attr-defined]
    if membership is None:
        raise HttpError(404, f"No team membership with id {membership_id}.")
    return membership


def _editable_membership(request: HttpRequest, membership_id: int, doing: str) -> tuple[User, TeamMembership]:
    user = require_editor(request, doing)
    membership = _membership(request, membership_id)
    if not request.scope.can_edit_membership(membership):  # type: ignore[attr-defined]
        raise HttpError(403, f"You may not {doing} for this membership.")
    return user, membership


def _summary_of(membership: TeamMembership) -> dict[str, Any] | None:
    found = shown_workloads([membership.pk])
    return workload_summary(found[0]) if found else None


@router.put(
    "/{membership_id}/hours",
    response={200: WorkloadSummaryOut, 204: None, **ERRORS},
    summary="Change contracted hours",
    description="Sets the weekly hours of one membership and returns its recalculated workload "
    "(204 when its team has no scheme in force, so there are no figures).",
)
def put_hours(request: HttpRequest, membership_id: int, payload: HoursIn) -> Any:
    user, membership = _editable_membership(request, membership_id, "change contracted hours")
    membership = set_contracted_hours(membership, payload.contracted_hours, actor=user)
    summary = _summary_of(membership)
    return Status(200, summary) if summary else Status(204, None)


@router.post(
    "/{membership_id}/reductions",
    response={201: ReductionOut, **ERRORS},
    summary="Add a reduction",
    description="Adds a reduction of available hours and returns it with the recalculated workload. "
    "A reduction that starts later changes the figures from the daily run on its first day.",
)
def post_reduction(request: HttpRequest, membership_id: int, payload: ReductionIn) -> Any:
    user, membership = _editable_membership(request, membership_id, "add reductions")
    reduction = _save_reduction(membership, payload, user, None)
    return Status(201, _reduction_out(reduction, membership))


@router.put(
    "/{membership_id}/reductions/{reduction_id}",
    response={200: ReductionOut, **ERRORS},
    summary="Change a reduction",
    description="Replaces a reduction's reason, hours, dates and notes (send every field, as when adding "
    "one) and returns it with the recalculated workload. 404 for a reduction of another membership or "
    "one already deleted; 422 with a message per field when the reason's rules refuse the change.",
)
def put_reduction(request: HttpRequest, membership_id: int, reduction_id: int, payload: ReductionIn) -> Any:
    user, membership = _editable_membership(request, membership_id, "change reductions")
    reduction = _save_reduction(membership, payload, user, _reduction(membership, reduction_id))
    return Status(200, _reduction_out(reduction, membership))


@router.delete(
    "/{membership_id}/reductions/{reduction_id}",
    response={200: ReductionOut, **ERRORS},
    summary="Delete a reduction",
    description="Marks a reduction deleted (it stays in the membership's history but no longer counts) and "
    "returns it, with status `deleted`, and the recalculated workload. `note`: why, for the history.",
)
def delete_reduction_api(request: HttpRequest, membership_id: int, reduction_id: int, note: str = "") -> Any:
    user, membership = _editable_membership(request, membership_id, "delete reductions")
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": f"Keep the note to {NOTE_LENGTH} characters or fewer."})
    reduction = delete_reduction(_reduction(membership, reduction_id), actor=user, note=note)
    return Status(200, _reduction_out(reduction, membership))


def _reduction(membership: TeamMembership, reduction_id: int) -> Reduction:
    reduction = reduction_of(membership, reduction_id)
    if reduction is None:
        raise HttpError(404, f"No reduction with id {reduction_id} on this membership.")
    return reduction


def _save_reduction(
    membership: TeamMembership, payload: ReductionIn, user: User, reduction: Reduction | None
) -> Reduction:
    reason = reduction_reason_with_code(payload.reason)
    if reason is None:
        raise ValidationError({"reason": f"No reduction reason with code “{payload.reason}”."})
    return save_reduction(
        membership=membership,
        reason=reason,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        hours=payload.hours,
        notes=payload.notes,
        actor=user,
        reduction=reduction,
    )


def _reduction_out(reduction: Reduction, membership: TeamMembership) -> dict[str, Any]:
    return {
        "id": reduction.pk,
        "reason": reduction.reason.code,
        "hours": str(reduction.hours),
        "effective_from": reduction.effective_from,
        "effective_to": reduction.effective_to,
        "status": reduction.status,
        "workload": _summary_of(membership),
    }


@router.post(
    "/",
    response={201: MembershipOut, **ERRORS},
    summary="Add a team membership",
    description="Gives a practitioner a workload in a team, and returns the recalculated workloads: all of "
    "theirs (work on a case counts in the membership in the case's team) and the other side of their "
    "recent support contacts.",
)
def post_membership(request: HttpRequest, payload: MembershipIn) -> Any:
    user = require_editor(request, "add team memberships")
    scope = request.scope  # type: ignore[attr-defined]
    team = team_with_code(scope.units, payload.team)
    if team is None or not (scope.is_admin or scope.contains_unit(team)):
        raise ValidationError({"team": f"No team with code {payload.team} that you manage."})
    practitioner = practitioner_with_staff_code(scope.practitioners, payload.practitioner)
    if practitioner is None:
        raise ValidationError({"practitioner": f"No practitioner with staff code {payload.practitioner}."})
    membership = add_membership(
        practitioner, team, payload.contracted_hours, actor=user, start_date=payload.start_date
    )
    return Status(201, _membership_out(membership))


@router.post(
    "/{membership_id}/end",
    response={200: MembershipOut, **ERRORS},
    summary="End a team membership",
    description="Sets the membership's last day. 422 while the practitioner still holds open cases in the "
    "team and the day is today or past. Its stored figures go once it has ended; the practitioner's other "
    "workloads are recalculated at once.",
)
def post_membership_end(request: HttpRequest, membership_id: int, payload: MembershipEndIn) -> Any:
    user, membership = _editable_membership(request, membership_id, "end team memberships")
    return _membership_out(end_membership(membership, payload.end_date, actor=user))


def _membership_out(membership: TeamMembership) -> dict[str, Any]:
    recalculated = getattr(membership, "recalculated", [membership.pk])
    return {
        "id": membership.pk,
        "practitioner": membership.practitioner.staff_code,
        "team": membership.team.code,
        "contracted_hours": str(membership.contracted_hours),
        "start_date": membership.start_date,
        "end_date": membership.end_date,
        "workloads": [workload_summary(w) for w in shown_workloads(recalculated)],
    }


@router.get(
    "/{membership_id}/workload",
    response={200: WorkloadDetailOut, **ERRORS},
    summary="Current workload with its full breakdown",
    description="The stored figures: every breakdown line with the rule that produced it, and how "
    "available time was derived. 404 when none are stored (no scheme in force, or not calculated yet).",
)
def get_workload(request: HttpRequest, membership_id: int) -> Any:
    membership = _membership(request, membership_id)
    found = shown_workloads([membership.pk])
    if not found:
        raise HttpError(
            404,
            "No workload is stored for this membership yet (no scheme in force, or the "
            "daily run has not run since it started).",
        )
    return workload_detail(found[0])
