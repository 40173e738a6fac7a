"""API for cases and their live events (mounted at /api/cases). Each event is recorded by
`record_case_event`, which recalculates the affected practitioners' workloads in the same transaction; the
response carries them. Reading a case or its events is for anyone whose scope holds the case (the case page's
rule); recording is for editors. Cases are reached through `request.scope.cases` only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from caseload.cases import selectors
from caseload.cases.models import Case, CaseFlag, ReallocationReason, ReportType
from caseload.cases.services import change_case_category, change_case_flags, record_case_event
from caseload.workloads.api import (
    ERRORS,
    BreakdownItemOut,
    Error,
    WorkloadSummaryOut,
    require_editor,
    workload_summary,
)
from caseload.workloads.selectors import (
    cases_with_reference,
    practitioner_with_staff_code,
    team_with_code,
)
from caseload.workloads.services import shown_workloads

router = Router(tags=["cases"], auth=django_auth)


class _Event(Schema):
    occurred_on: dt.date | None = Field(
        None, description="The day it happened (default today; not in the future)"
    )
    notes: str = ""


class AllocationIn(_Event):
    kind: Literal["allocated", "reallocated"]
    practitioner: str = Field(description="Staff code of the new holder")
    team: str | None = Field(None, description="Team code, to move the case to another team")
    reason: ReallocationReason | Literal[""] = ""


class LevelChangeIn(_Event):
    kind: Literal["level_changed"]
    level: str = Field(description="Tier or complexity level code of the case's category (blank: untiered)")


class ClosureIn(_Event):
    kind: Literal["closed"]


class ReportIn(_Event):
    kind: Literal["report_requested", "report_completed"]
    report_type: ReportType
    practitioner: str | None = Field(None, description="Staff code of the writer (default: the holder)")


class SupportContactIn(_Event):
    kind: Literal["cms_contact"]
    contact_type: str = Field(description="Contact type code of the scheme, e.g. CMS03")
    practitioner: str = Field(description="Staff code of who did it (not the case holder)")


class ContactIn(_Event):
    """A plain contact, or a timeliness milestone (docs/equity-and-performance.md). No scheme weighs them."""

    kind: Literal["contact", "appointment", "assessment_completed", "review", "visit"]
    practitioner: str | None = Field(None, description="Staff code of who did it (default: the holder)")


class FlagsChangeIn(_Event):
    kind: Literal["flags_changed"]
    flags: list[CaseFlag] = Field(description="The case's flags after the change (all of them; [] for none)")


class CategoryChangeIn(_Event):
    kind: Literal["category_changed"]
    category: str = Field(description="Case category code of the scheme, e.g. licence")
    level: str | None = Field(None, description="Level code in the new category (default: the current one)")


EventIn = Annotated[
    AllocationIn
    | LevelChangeIn
    | ClosureIn
    | ReportIn
    | SupportContactIn
    | ContactIn
    | FlagsChangeIn
    | CategoryChangeIn,
    Field(discriminator="kind"),
]


class EventOut(Schema):
    id: int
    case: str = Field(description="Case reference")
    kind: str
    occurred_on: dt.date
    practitioner: str | None = Field(description="Staff code of who the event is about or who did it")
    details: dict[str, Any]
    workloads: list[WorkloadSummaryOut] = Field(
        description="The recalculated workloads of every practitioner the event affected"
    )


@router.post(
    "/{reference}/events",
    response={201: EventOut, 409: Error, **ERRORS},
    summary="Record a case event",
    description="Allocate, reallocate, change the tier or complexity level, the flags or the category, "
    "close, record a requested or completed report, a support (CMS) contact, a plain contact, or a "
    "timeliness milestone (appointment, assessment_completed, review, visit). The affected workloads are "
    "recalculated before the response (contacts and milestones carry no points, so none). 404: unknown "
    "reference; 409: the case is closed, or the reference is used by more than one organisation; 422: "
    "invalid fields, with a message per field.",
)
def post_event(request: HttpRequest, reference: str, payload: EventIn) -> Any:
    user = require_editor(request, "record case events")
    scope = request.scope  # type: ignore[attr-defined]
    case = _case(request, reference)
    occurred_on = payload.occurred_on or timezone.localdate()
    if isinstance(payload, FlagsChangeIn):
        event = change_case_flags(
            case, list(payload.flags), actor=user, occurred_on=occurred_on, notes=payload.notes
        )
        return Status(201, _event_out(event))
    if isinstance(payload, CategoryChangeIn):
        event = change_case_category(
            case,
            payload.category,
            level=payload.level,
            actor=user,
            occurred_on=occurred_on,
            notes=payload.notes,
        )
        return Status(201, _event_out(event))
    staff_code = getattr(payload, "practitioner", None)
    team_code = getattr(payload, "team", None)
    event = record_case_event(
        case,
        payload.kind,
        actor=user,
        occurred_on=occurred_on,
        practitioner=_practitioner(scope, staff_code) if staff_code else None,
        team=_team(scope, team_code) if team_code else None,
        level=getattr(payload, "level", None),
        report_type=getattr(payload, "report_type", ""),
        contact_type=getattr(payload, "contact_type", ""),
        reason=getattr(payload, "reason", ""),
        notes=payload.notes,
    )
    return Status(201, _event_out(event))


def _event_out(event: Any) -> dict[str, Any]:
    return {
        "id": event.pk,
        "case": event.case.reference,
        "kind": event.kind,
        "occurred_on": event.occurred_on,
        "practitioner": event.practitioner.staff_code if event.practitioner else None,
        "details": event.details,
        "workloads": [workload_summary(w, event.case.reference) for w in shown_workloads(event.recalculated)],
    }


def _practitioner(scope: Any, staff_code: str) -> Any:
    practitioner = practitioner_with_staff_code(scope.practitioners, staff_code)
    if practitioner is None:
        raise ValidationError({"practitioner": f"No practitioner with staff code {staff_code}."})
    return practitioner


def _team(scope: Any, code: str) -> Any:
    team = team_with_code(scope.units, code)
    if team is None:
        raise ValidationError({"team": f"No team with code {code}."})
    return team


def _case(request: HttpRequest, reference: str) -> Case:
    """The one case with this reference in the caller's scope (404 when none, 409 when ambiguous)."""
    cases = cases_with_reference(request.scope.cases, reference)  # type: ignore[attr-defined]
    if not cases:
        raise HttpError(404, f"No case with reference {reference}.")
    if len(cases) > 1:
        raise HttpError(409, f"Reference {reference} is used by more than one organisation.")
    return cases[0]


# -- reading ---------------------------------------------------------------------------------------------

EVENTS_PER_PAGE = 25


class AllocationOut(Schema):
    practitioner: str = Field(description="Staff code")
    name: str
    team: str = Field(description="Team code")
    started_at: dt.datetime
    ended_at: dt.datetime | None
    reason: str


class ClockOut(Schema):
    indicator: str = Field(description="Indicator code of the scheme")
    name: str
    started: dt.date
    due: dt.date
    completed: dt.date | None
    outcome: str = Field(description="on_time, late, overdue or pending (not yet due)")


class CaseOut(Schema):
    reference: str
    name: str = Field(description="Pseudonymised for roles that may not see identities")
    service: str
    category: str
    level: str
    flags: list[str]
    status: str
    received_date: dt.date
    start_date: dt.date | None
    expected_end_date: dt.date | None
    expected_release_date: dt.date | None
    closed_date: dt.date | None
    team: str = Field(description="Team code")
    practitioner: str | None = Field(description="Staff code of the holder")
    points: list[BreakdownItemOut] = Field(
        description="The holder's breakdown lines for this case, as stored or scored when not stored (empty "
        "when nobody holds it)"
    )
    points_calculated_at: dt.datetime | None = Field(description="When the holder's figures were calculated")
    allocations: list[AllocationOut] = Field(description="Who has held the case, oldest first")
    timeliness: list[ClockOut] = Field(
        description="The clocks of the scheme's timeliness indicators that cover the case's category, as of today"
    )


class CaseEventOut(Schema):
    id: int
    kind: str
    kind_name: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str | None = Field(description="Who recorded it (none for imports and the system)")
    practitioner: str | None = Field(description="Staff code of who did it or who it is about")
    report_type: str
    contact_type: str
    notes: str
    details: dict[str, Any]


class CaseEventPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseEventOut]


@router.get(
    "/{reference}",
    response={200: CaseOut, 409: Error, **ERRORS},
    summary="One case with its points now, allocation history and timeliness",
    description="For anyone whose scope holds the case (a practitioner their own cases; managers and senior "
    "leaders their units'). 404: unknown reference or outside your scope; 409: the reference is used by "
    "more than one organisation.",
)
def get_case(request: HttpRequest, reference: str) -> Any:
    scope = request.scope  # type: ignore[attr-defined]
    case = _case(request, reference)
    data = selectors.case_page_data(case, scope.memberships, timezone.localdate())
    return {
        "reference": case.reference,
        "name": case.pseudonym if scope.pseudonymised else case.name,
        "service": case.service,
        "category": case.category,
        "level": case.level,
        "flags": list(case.flags or []),
        "status": case.status,
        "received_date": case.received_date,
        "start_date": case.start_date,
        "expected_end_date": case.expected_end_date,
        "expected_release_date": case.expected_release_date,
        "closed_date": case.closed_date,
        "team": case.team.code,
        "practitioner": case.practitioner.staff_code if case.practitioner else None,
        "points": list(data.points),
        "points_calculated_at": data.workload.calculated_at if data.workload and data.points else None,
        "allocations": [
            {
                "practitioner": a.practitioner.staff_code,
                "name": a.practitioner.full_name,
                "team": a.team.code,
                "started_at": a.started_at,
                "ended_at": a.ended_at,
                "reason": a.reason,
            }
            for a in data.allocations
        ],
        "timeliness": [
            {
                "indicator": found.indicator.code,
                "name": found.indicator.name,
                "started": clock.started,
                "due": clock.due,
                "completed": clock.completed,
                "outcome": str(clock.outcome),
            }
            for found in data.indicators
            for clock in found.clocks
        ],
    }


@router.get(
    "/{reference}/events",
    response={200: CaseEventPageOut, 409: Error, **ERRORS},
    summary="A case's events, newest first",
    description=f"{EVENTS_PER_PAGE} to a page (`page`, from 1), for anyone whose scope holds the case. 404: "
    "unknown reference, outside your scope, or no such page.",
)
def get_events(request: HttpRequest, reference: str, page: int = 1) -> Any:
    case = _case(request, reference)
    paginator = Paginator(selectors.case_events(case), EVENTS_PER_PAGE)
    if page < 1 or page > paginator.num_pages:
        raise HttpError(404, f"There is no page {page}; there are {paginator.num_pages}.")
    return {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "results": [_listed_event(e) for e in paginator.page(page).object_list],
    }


def _listed_event(event: Any) -> dict[str, Any]:
    details = dict(event.details or {})
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_name": event.get_kind_display(),
        "occurred_on": event.occurred_on,
        "recorded_at": event.recorded_at,
        "recorded_by": str(event.recorded_by) if event.recorded_by else None,
        "practitioner": event.practitioner.staff_code if event.practitioner else None,
        "report_type": event.report_type,
        "contact_type": event.contact_type,
        "notes": str(details.pop("notes", "")),
        "details": details,
    }
