"""Writes to cases. Each function owns its transaction, its audit entry and the case's history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus, EventKind
from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.organisations.models import OrgUnit, Practitioner, TeamMembership


@transaction.atomic
def allocate_case(
    case: Case,
    practitioner: Practitioner,
    *,
    actor: User | None,
    team: OrgUnit | None = None,
    at: dt.datetime | None = None,
    reason: str = "",
    notes: str = "",
) -> CaseAllocation:
    """Give a case to a practitioner (in `team`, default the case's team). Closes the current allocation
    if there is one, opens a new one, and records an allocated or reallocated event."""
    at = at or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    team = team or case.team
    if case.status != CaseStatus.ACTIVE:
        raise ValidationError(f"Case {case.reference} is closed and cannot be allocated.")
    if (
        not TeamMembership.objects.current(timezone.localdate(at))
        .filter(practitioner=practitioner, team=team)
        .exists()
    ):
        raise ValidationError(f"{practitioner.full_name} is not a current member of {team.name}.")
    previous = CaseAllocation.objects.filter(case=case, ended_at__isnull=True).first()
    if previous is not None and previous.practitioner_id == practitioner.pk and previous.team_id == team.pk:
        raise ValidationError(f"Case {case.reference} is already allocated to {practitioner.full_name}.")
    if previous is not None:
        previous.ended_at = at
        previous.save(update_fields=["ended_at"])
    allocation = CaseAllocation.objects.create(
        case=case,
        practitioner=practitioner,
        team=team,
        started_at=at,
        allocated_by=actor,
        reason=reason,
        notes=notes,
    )
    before = audit.snapshot(case, ["practitioner", "team"])
    case.practitioner, case.team = practitioner, team
    case.save(update_fields=["practitioner", "team", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.REALLOCATED if previous else EventKind.ALLOCATED,
        occurred_on=timezone.localdate(at),
        recorded_by=actor,
        practitioner=practitioner,
        details={
            "from": previous.practitioner_id if previous else None,
            "to": practitioner.pk,
            "reason": reason,
        },
    )
    audit.record(
        AuditEntry.Action.UPDATE,
        case,
        actor=actor,
        before=before,
        after=audit.snapshot(case, ["practitioner", "team"]),
    )
    return allocation
