"""Writes to cases. Each function owns its transaction, its audit entry, the case's history and the
recalculation of the workloads it changes (in the same transaction: see docs/live-updates.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caseload.cases.models import (
    Case,
    CaseAllocation,
    CaseEvent,
    CaseFlag,
    CaseStatus,
    EventKind,
    ReportType,
)
from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.organisations.models import OrgUnit, Practitioner, TeamMembership
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.affected import affected_by_event
from caseload.workloads.services import recalculate

#: The events `record_case_event` accepts (the rest of EventKind is written by other services or imports).
RECORDABLE = (
    EventKind.ALLOCATED,
    EventKind.REALLOCATED,
    EventKind.LEVEL_CHANGED,
    EventKind.CLOSED,
    EventKind.REPORT_REQUESTED,
    EventKind.REPORT_COMPLETED,
    EventKind.CONTACT,
    EventKind.CMS_CONTACT,
    # Timeliness milestones (docs/equity-and-performance.md): recorded like a plain contact.
    EventKind.APPOINTMENT,
    EventKind.ASSESSMENT_COMPLETED,
    EventKind.REVIEW,
    EventKind.VISIT,
)
#: Events that name a report type.
REPORT_KINDS = (EventKind.REPORT_REQUESTED, EventKind.REPORT_COMPLETED)


class CaseClosed(ValidationError):
    """The case is closed, so nothing more can happen on it (the API answers 409)."""

    status_code = 409


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
    if there is one, opens a new one, records an allocated or reallocated event and recalculates the
    workloads of the new and the previous holder."""
    allocation, _ = _allocate(case, practitioner, actor=actor, team=team, at=at, reason=reason, notes=notes)
    return allocation


def _allocate(
    case: Case,
    practitioner: Practitioner,
    *,
    actor: User | None,
    team: OrgUnit | None,
    at: dt.datetime | None,
    reason: str,
    notes: str,
) -> tuple[CaseAllocation, CaseEvent]:
    at = at or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    team = team or case.team
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed(f"Case {case.reference} is closed and cannot be allocated.")
    if (
        not TeamMembership.objects.current(timezone.localdate(at))
        .filter(practitioner=practitioner, team=team)
        .exists()
    ):
        raise ValidationError(f"{practitioner.full_name} is not a current member of {team.name}.")
    previous = CaseAllocation.objects.filter(case=case, ended_at__isnull=True).first()
    if previous is not None and previous.practitioner_id == practitioner.pk and previous.team_id == team.pk:
        raise ValidationError(f"Case {case.reference} is already allocated to {practitioner.full_name}.")
    if previous is not None and at < previous.started_at:
        raise ValidationError(
            {
                "occurred_on": f"Case {case.reference} was allocated on {previous.started_at:%-d %B %Y}; "
                "a reallocation cannot be dated before that."
            }
        )
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
    event = CaseEvent.objects.create(
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
    was = (previous.practitioner_id, previous.team_id) if previous else None
    _recalculate_for(event, previous=was)
    _withdraw_approval_request(case, actor)
    return allocation, event


def _withdraw_approval_request(case: Case, actor: User | None) -> None:
    """An allocation approval still pending for the case no longer applies once the case is allocated or
    closed another way: it is withdrawn and the requester told (allocations builds on cases, hence the
    import here)."""
    from caseload.allocations.services import withdraw_superseded

    withdraw_superseded(case, actor=actor)


@transaction.atomic
def record_case_event(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    occurred_on: dt.date,
    practitioner: Practitioner | None = None,
    team: OrgUnit | None = None,
    level: str | None = None,
    report_type: str = "",
    contact_type: str = "",
    reason: str = "",
    notes: str = "",
) -> CaseEvent:
    """Record something that happened on a case and recalculate, in the same transaction, the workload of
    every practitioner it changes (caseload.workloads.affected). Per kind:

    * allocated / reallocated: `practitioner` (and `team` to move the case), `reason`, `notes`
      (through `allocate_case`);
    * level_changed: `level`, a level code of the case's category in the scheme (blank: untiered);
    * closed: closes the case on `occurred_on` and ends its open allocation;
    * report_requested, report_completed: `report_type`; `practitioner` writes or wrote it (default: the
      case holder); only completed reports carry points;
    * cms_contact: `contact_type`; `practitioner` did it and is not the case holder;
    * contact, and the timeliness milestones appointment, assessment_completed, review and visit:
      `practitioner` (default: the holder); no scheme weighs them, so nobody's figures change.

    Returns the event, with `recalculated`: the ids of the memberships whose workloads were recalculated.
    Raises ValidationError with field messages, or CaseClosed for a closed case."""
    if kind not in RECORDABLE:
        raise ValidationError({"kind": f"“{kind}” cannot be recorded; use one of {', '.join(RECORDABLE)}."})
    today = timezone.localdate()
    if occurred_on > today:
        raise ValidationError({"occurred_on": "The date cannot be in the future."})
    case = Case.objects.select_for_update(of=("self",)).select_related("team").get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed(f"Case {case.reference} is closed; nothing more can be recorded on it.")
    if kind in {EventKind.ALLOCATED, EventKind.REALLOCATED}:
        return _record_allocation(case, kind, actor, occurred_on, practitioner, team, reason, notes)
    if kind == EventKind.LEVEL_CHANGED:
        event = _change_level(case, actor, occurred_on, level, notes)
    elif kind == EventKind.CLOSED:
        event = _close(case, actor, occurred_on, notes)
    else:
        event = _record_work(case, kind, actor, occurred_on, practitioner, report_type, contact_type, notes)
    _recalculate_for(event)
    return event


@transaction.atomic
def change_case_flags(
    case: Case, flags: list[str], *, actor: User | None, occurred_on: dt.date | None = None, notes: str = ""
) -> CaseEvent:
    """Set a case's flags (warrant, young adult, …: `CaseFlag`), record a flags-changed event with the
    flags before and after, and recalculate the holder's workload at once (the scheme in force decides
    which flags change points)."""
    case, occurred_on = _open_case(case, occurred_on)
    unknown = sorted(set(flags) - set(CaseFlag.values))
    if unknown:
        raise ValidationError(
            {"flags": f"Unknown flag(s): {', '.join(unknown)}; use {', '.join(CaseFlag.values)}."}
        )
    new = sorted(set(flags))
    if new == sorted(set(case.flags or ())):
        raise ValidationError({"flags": f"Case {case.reference} already has exactly these flags."})
    event = _change_fields(case, actor, occurred_on, notes, EventKind.FLAGS_CHANGED, flags=new)
    _recalculate_for(event)
    return event


@transaction.atomic
def change_case_category(
    case: Case,
    category: str,
    *,
    actor: User | None,
    level: str | None = None,
    occurred_on: dt.date | None = None,
    notes: str = "",
) -> CaseEvent:
    """Move a case to another category of its scheme (community → licence, …), with a level of that
    category (default: its current level, when the category has it), record a category-changed event and
    recalculate the holder's workload at once."""
    case, occurred_on = _open_case(case, occurred_on)
    level = case.level if level is None else level
    scheme_category = _scheme_category(case, category)
    errors = {}
    if category == case.category and level == case.level:
        errors["category"] = f"Case {case.reference} is already {category} at level “{level}”."
    elif scheme_category is False:
        errors["category"] = (
            f"“{category}” is not a case category of the scheme in force for {case.team.name}."
        )
    elif scheme_category is not None and level and level not in scheme_category.levels_by_code:
        known = ", ".join(scheme_category.levels_by_code)
        errors["level"] = f"“{level}” is not a level of {scheme_category.name}; use one of {known}."
    if errors:
        raise ValidationError(errors)
    event = _change_fields(
        case, actor, occurred_on, notes, EventKind.CATEGORY_CHANGED, category=category, level=level
    )
    _recalculate_for(event)
    return event


def _open_case(case: Case, occurred_on: dt.date | None) -> tuple[Case, dt.date]:
    today = timezone.localdate()
    occurred_on = occurred_on or today
    if occurred_on > today:
        raise ValidationError({"occurred_on": "The date cannot be in the future."})
    case = Case.objects.select_for_update(of=("self",)).select_related("team").get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed(f"Case {case.reference} is closed; nothing more can be changed on it.")
    return case, occurred_on


def _change_fields(
    case: Case, actor: User | None, occurred_on: dt.date, notes: str, kind: str, **values: Any
) -> CaseEvent:
    """Change some fields of a case with an event that records them before and after, and an audit entry."""
    fields = list(values)
    before = audit.snapshot(case, fields)
    details = {"from": {f: getattr(case, f) for f in fields}, "to": values}
    event = _event(case, kind, actor, occurred_on, case.practitioner, notes, details)
    for name, value in values.items():
        setattr(case, name, value)
    case.save(update_fields=[*fields, "updated_at"])
    audit.record(
        AuditEntry.Action.UPDATE, case, actor=actor, before=before, after=audit.snapshot(case, fields)
    )
    return event


def _record_allocation(
    case: Case,
    kind: str,
    actor: User | None,
    occurred_on: dt.date,
    practitioner: Practitioner | None,
    team: OrgUnit | None,
    reason: str,
    notes: str,
) -> CaseEvent:
    if practitioner is None:
        raise ValidationError({"practitioner": "Say who the case is allocated to."})
    if kind == EventKind.ALLOCATED and case.practitioner_id is not None:
        raise ValidationError({"kind": f"Case {case.reference} is already allocated; record a reallocation."})
    if kind == EventKind.REALLOCATED and case.practitioner_id is None:
        raise ValidationError({"kind": f"Case {case.reference} is not allocated yet; record an allocation."})
    now = timezone.now()
    at = now if occurred_on == timezone.localdate(now) else _start_of(occurred_on)
    _, event = _allocate(case, practitioner, actor=actor, team=team, at=at, reason=reason, notes=notes)
    return event


def _change_level(
    case: Case, actor: User | None, occurred_on: dt.date, level: str | None, notes: str
) -> CaseEvent:
    if level is None:
        raise ValidationError({"level": "Give the new tier or complexity level."})
    category = _scheme_category(case)
    if level and category is not None and level not in category.levels_by_code:
        known = ", ".join(category.levels_by_code)
        raise ValidationError({"level": f"“{level}” is not a level of {category.name}; use one of {known}."})
    if level == case.level:
        raise ValidationError({"level": f"Case {case.reference} is already at level “{level}”."})
    before = audit.snapshot(case, ["level"])
    event = _event(
        case,
        EventKind.LEVEL_CHANGED,
        actor,
        occurred_on,
        case.practitioner,
        notes,
        {"from": case.level, "to": level},
    )
    case.level = level
    case.save(update_fields=["level", "updated_at"])
    audit.record(
        AuditEntry.Action.UPDATE, case, actor=actor, before=before, after=audit.snapshot(case, ["level"])
    )
    return event


def _close(case: Case, actor: User | None, occurred_on: dt.date, notes: str) -> CaseEvent:
    if occurred_on < case.received_date:
        raise ValidationError({"occurred_on": "A case cannot close before it was received."})
    open_spell = CaseAllocation.objects.filter(case=case, ended_at__isnull=True).first()
    if open_spell is not None:
        ended = max(
            open_spell.started_at,
            _start_of(occurred_on) if occurred_on < timezone.localdate() else timezone.now(),
        )
        open_spell.ended_at = ended
        open_spell.save(update_fields=["ended_at"])
    fields = ["status", "closed_date"]
    before = audit.snapshot(case, fields)
    case.status, case.closed_date = CaseStatus.CLOSED, occurred_on
    case.save(update_fields=[*fields, "updated_at"])
    holder = case.practitioner_id
    event = _event(case, EventKind.CLOSED, actor, occurred_on, case.practitioner, notes, {"holder": holder})
    audit.record(
        AuditEntry.Action.UPDATE, case, actor=actor, before=before, after=audit.snapshot(case, fields)
    )
    _withdraw_approval_request(case, actor)
    return event


def _record_work(
    case: Case,
    kind: str,
    actor: User | None,
    occurred_on: dt.date,
    practitioner: Practitioner | None,
    report_type: str,
    contact_type: str,
    notes: str,
) -> CaseEvent:
    """A report, a support contact, a plain contact or a timeliness milestone: an event that changes nothing
    on the case."""
    errors: dict[str, str] = {}
    practitioner = practitioner or (case.practitioner if kind != EventKind.CMS_CONTACT else None)
    if practitioner is None:
        errors["practitioner"] = (
            "Say who did it (the case has no holder)."
            if not case.practitioner_id
            else ("Say who did the support contact.")
        )
    elif not TeamMembership.objects.current(occurred_on).filter(practitioner=practitioner).exists():
        errors["practitioner"] = f"{practitioner.full_name} was not in a team on {occurred_on:%-d %B %Y}."
    if kind in REPORT_KINDS and report_type not in ReportType.values:
        errors["report_type"] = f"Give the report type: one of {', '.join(ReportType.values)}."
    if kind == EventKind.CMS_CONTACT:
        errors.update(_cms_errors(case, practitioner, contact_type))
    if errors:
        raise ValidationError(errors)
    event = _event(
        case,
        kind,
        actor,
        occurred_on,
        practitioner,
        report_type=report_type if kind in REPORT_KINDS else "",
        contact_type=contact_type if kind == EventKind.CMS_CONTACT else "",
        notes=notes,
    )
    audit.record(
        AuditEntry.Action.EVENT, case, actor=actor, after=audit.snapshot(event), note=event.get_kind_display()
    )
    return event


def _cms_errors(case: Case, doer: Practitioner | None, contact_type: str) -> dict[str, str]:
    errors = {}
    if case.practitioner_id is None:
        errors["kind"] = "A support contact is recorded on an allocated case."
    elif doer is not None and doer.pk == case.practitioner_id:
        errors["practitioner"] = "A support contact is done by someone other than the case holder."
    version = version_for_unit(case.team, timezone.localdate())
    known = domain_scheme(version).contact_types_by_code if version else None
    if not contact_type:
        errors["contact_type"] = "Give the contact type code, e.g. CMS01."
    elif known is not None and contact_type not in known:
        errors["contact_type"] = f"“{contact_type}” is not a contact type of {version}."
    return errors


def _event(
    case: Case,
    kind: str,
    actor: User | None,
    occurred_on: dt.date,
    practitioner: Practitioner | None,
    notes: str = "",
    details: dict[str, Any] | None = None,
    **fields: Any,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=actor if actor is not None and actor.pk else None,
        practitioner=practitioner,
        details={**(details or {}), **({"notes": notes} if notes else {})},
        **fields,
    )


def _scheme_category(case: Case, code: str | None = None) -> Any:
    """The scheme category `code` (default: the case's) of the scheme in force for the case's team: None
    when no scheme is in force, False when that scheme has no such category."""
    version = version_for_unit(case.team, timezone.localdate())
    if version is None:
        return None
    return domain_scheme(version).categories_by_code.get(
        code or case.category, None if code is None else False
    )


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


def _recalculate_for(event: CaseEvent, previous: tuple[int | None, int] | None = None) -> None:
    """Lock and recalculate the memberships the event changes, in the caller's transaction; their ids are
    left on the event as `recalculated` for the caller to show."""
    on = timezone.localdate()
    affected = affected_by_event(
        event.case, event.kind, on=on, practitioner_id=event.practitioner_id, previous=previous
    )
    recalculate(affected, on, reason=f"{event.get_kind_display()} on {event.case.reference}")
    event.recalculated = affected  # type: ignore[attr-defined]
