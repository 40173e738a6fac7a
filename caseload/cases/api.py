"""API for live case events (mounted at /api/cases). Each event is recorded by `record_case_event`, which
recalculates the affected practitioners' workloads in the same transaction; the response carries them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from caseload.cases.models import CaseFlag, ReallocationReason, ReportType
from caseload.cases.services import change_case_category, change_case_flags, record_case_event
from caseload.workloads.api import (
    ERRORS,
    Error,
    WorkloadSummaryOut,
    require_editor,
    workload_summary,
)
from caseload.workloads.selectors import (
    cases_with_reference,
    practitioner_with_staff_code,
    stored_workloads,
    team_with_code,
)

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


class ReportCompletedIn(_Event):
    kind: Literal["report_completed"]
    report_type: ReportType
    practitioner: str | None = Field(None, description="Staff code of the writer (default: the holder)")


class SupportContactIn(_Event):
    kind: Literal["cms_contact"]
    contact_type: str = Field(description="Contact type code of the scheme, e.g. CMS03")
    practitioner: str = Field(description="Staff code of who did it (not the case holder)")


class ContactIn(_Event):
    kind: Literal["contact"]
    practitioner: str | None = Field(None, description="Staff code (default: the holder)")


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
    | ReportCompletedIn
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
    "close, record a completed report, a support (CMS) contact or a plain contact. The affected workloads are recalculated before the "
    "response. 404: unknown reference; 409: the case is closed, or the reference is used by more than one "
    "organisation; 422: invalid fields, with a message per field.",
)
def post_event(request: HttpRequest, reference: str, payload: EventIn) -> Any:
    user = require_editor(request, "record case events")
    scope = request.scope  # type: ignore[attr-defined]
    cases = cases_with_reference(scope.cases, reference)
    if not cases:
        raise HttpError(404, f"No case with reference {reference}.")
    if len(cases) > 1:
        raise HttpError(409, f"Reference {reference} is used by more than one organisation.")
    occurred_on = payload.occurred_on or timezone.localdate()
    if isinstance(payload, FlagsChangeIn):
        event = change_case_flags(
            cases[0], list(payload.flags), actor=user, occurred_on=occurred_on, notes=payload.notes
        )
        return Status(201, _event_out(event))
    if isinstance(payload, CategoryChangeIn):
        event = change_case_category(
            cases[0],
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
        cases[0],
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
        "workloads": [
            workload_summary(w, event.case.reference) for w in stored_workloads(event.recalculated)
        ],
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
