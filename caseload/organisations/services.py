"""Writes to the organisation tree, memberships and reductions. Each function owns its transaction and
its audit entry; views, the API, commands and tests all call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.domain.reductions import add_months as add_months
from caseload.domain.reductions import default_reduction_hours, maximum_reduction_hours, reduction_end_date
from caseload.domain.scheme import ReductionReason as SchemeReason
from caseload.organisations.models import (
    OrgUnit,
    OrgUnitKind,
    OrgUnitParentHistory,
    Practitioner,
    Reduction,
    ReductionReason,
    Responsibility,
    TeamMembership,
)
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.affected import affected_by_practitioner, affected_by_unit
from caseload.workloads.services import recalculate

HOURS = Decimal("0.01")


@transaction.atomic
def move_org_unit(unit: OrgUnit, new_parent: OrgUnit | None, *, on: dt.date, actor: User | None) -> OrgUnit:
    """Put `unit` (and everything below it) under `new_parent` from `on`, which may be today or a past day
    after its current link began (the live tree has one parent, so a move cannot wait for a future date).
    The old link is closed the day before, so the unit's history still says where it was and when. Every
    current workload in the subtree is recalculated at once, since the move can change its scheme."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if on > timezone.localdate():
        raise ValidationError({"on": "A move takes effect today or on a past date, not in the future."})
    current = OrgUnitParentHistory.objects.filter(unit=unit, valid_to__isnull=True).first()
    if current is not None and on <= current.valid_from:
        raise ValidationError(
            {
                "on": f"The move must be after {current.valid_from:%-d %B %Y}, when {unit.name} took its current place."
            }
        )
    if new_parent is not None:
        new_parent = OrgUnit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ValidationError(
                {"parent": f"{new_parent.name} is inside {unit.name}; a unit cannot move under itself."}
            )
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    before = audit.snapshot(unit, ["parent", "path"])
    _close_parent_link(unit, on)
    OrgUnitParentHistory.objects.create(unit=unit, parent=new_parent, valid_from=on)
    old_path = unit.path
    unit.parent = new_parent
    unit.save()
    _rewrite_descendant_paths(old_path, unit.path)
    audit.record(
        AuditEntry.Action.MOVE,
        unit,
        actor=actor,
        before=before,
        after=audit.snapshot(unit, ["parent", "path"]),
    )
    # The subtree may now come under another scheme (the nearest assignment up the tree): rescore it at once.
    where = new_parent.name if new_parent is not None else "the top of the tree"
    _recalculate_unit(unit, f"{unit.name} moved under {where}")
    return unit


def _close_parent_link(unit: OrgUnit, on: dt.date) -> None:
    open_link = OrgUnitParentHistory.objects.filter(unit=unit, valid_to__isnull=True).first()
    if open_link is None:  # units created before history was kept: record the old link first
        open_link = OrgUnitParentHistory.objects.create(
            unit=unit, parent=unit.parent, valid_from=unit.effective_from
        )
    open_link.valid_to = on - dt.timedelta(days=1)
    open_link.save(update_fields=["valid_to"])


def _rewrite_descendant_paths(old_path: str, new_path: str) -> None:
    """Swap the path prefix of every descendant in one UPDATE; depth changes by the same number of levels."""
    depth_change = new_path.count("/") - old_path.count("/")
    OrgUnit.objects.filter(path__startswith=old_path).exclude(path=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_change
    )


@transaction.atomic
def create_org_unit(*, actor: User | None, **fields: object) -> OrgUnit:
    """Add a unit to the tree, with its first parent link."""
    unit = OrgUnit(**fields)
    unit.full_clean()
    unit.save()
    OrgUnitParentHistory.objects.create(unit=unit, parent=unit.parent, valid_from=unit.effective_from)
    audit.record(AuditEntry.Action.CREATE, unit, actor=actor, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def set_contracted_hours(membership: TeamMembership, hours: Decimal, *, actor: User | None) -> TeamMembership:
    """Change the hours a practitioner gives to one team, and recalculate that workload."""
    membership = TeamMembership.objects.select_for_update().get(pk=membership.pk)
    if not Decimal(0) <= hours <= Decimal(48):
        raise ValidationError({"contracted_hours": "Contracted hours must be between 0 and 48 a week."})
    before = audit.snapshot(membership, ["contracted_hours"])
    membership.contracted_hours = hours.quantize(HOURS)
    membership.save(update_fields=["contracted_hours", "updated_at"])
    audit.record(
        AuditEntry.Action.UPDATE,
        membership,
        actor=actor,
        before=before,
        after=audit.snapshot(membership, ["contracted_hours"]),
    )
    recalculate([membership], reason="Contracted hours changed")
    return membership


def reason_rules(
    reason: ReductionReason, team: OrgUnit | None = None, on: dt.date | None = None
) -> SchemeReason:
    """The rules a reason follows: those of the scheme in force for the team on the date when that scheme
    knows the reason (schemes are data), else the reason's reference-data row."""
    if team is not None and on is not None:
        version = version_for_unit(team, on)
        scheme_reason = domain_scheme(version).reasons_by_code.get(reason.code) if version else None
        if scheme_reason is not None:
            return scheme_reason
    return SchemeReason(
        code=reason.code,
        name=reason.name,
        category=reason.get_category_display(),
        default_percent=reason.default_percent,
        max_percent=reason.max_percent,
        months_to_expiry=reason.months_to_expiry,
        enabled=reason.enabled,
    )


def reduction_rules(
    reason: ReductionReason,
    contracted_hours: Decimal,
    *,
    team: OrgUnit | None = None,
    on: dt.date | None = None,
) -> tuple[Decimal | None, Decimal]:
    """The fixed hours (when the reason has a default %) and the most hours allowed, from the engine's rules."""
    rules = reason_rules(reason, team, on)
    return default_reduction_hours(rules, contracted_hours), maximum_reduction_hours(rules, contracted_hours)


def reduction_end(
    reason: ReductionReason, start: dt.date, *, team: OrgUnit | None = None, on: dt.date | None = None
) -> dt.date | None:
    """The automatic inclusive last day when the reason has months to expiry, else None."""
    return reduction_end_date(reason_rules(reason, team, on), start)


@transaction.atomic
def save_reduction(
    *,
    membership: TeamMembership,
    reason: ReductionReason,
    effective_from: dt.date,
    hours: Decimal | None = None,
    effective_to: dt.date | None = None,
    notes: str = "",
    actor: User | None,
    reduction: Reduction | None = None,
) -> Reduction:
    """Create or change a reduction, applying the reason's rules (the team's scheme first, see
    `reason_rules`): a default % fixes the hours, a maximum % caps them, months-to-expiry sets the end date. Raises ValidationError with field messages.
    Recalculates the membership's workload (a reduction that starts later counts from the daily run on
    its first day)."""
    membership = TeamMembership.objects.select_for_update().select_related("team").get(pk=membership.pk)
    rules = reason_rules(reason, membership.team, effective_from)
    errors: dict[str, str] = {}
    if not reason.enabled or not rules.enabled:
        errors["reason"] = f"“{reason.name}” is no longer in use; choose another reason."
    fixed = default_reduction_hours(rules, membership.contracted_hours)
    most = maximum_reduction_hours(rules, membership.contracted_hours)
    if fixed is not None:
        hours = fixed
    if hours is None:
        errors["hours"] = "Enter the hours per week the reduction takes off."
    elif hours < 0:
        errors["hours"] = "Hours cannot be negative."
    elif hours > most:
        limit = (
            f"{rules.max_percent}% of {membership.contracted_hours} contracted hours"
            if rules.max_percent
            else "the contracted hours"
        )
        errors["hours"] = f"Hours must be {most} or fewer ({limit})."
    automatic_end = reduction_end_date(rules, effective_from)
    if automatic_end is not None:
        effective_to = automatic_end
    if effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = "The end date must be on or after the start date."
    if errors:
        raise ValidationError(errors)
    assert hours is not None
    before = audit.snapshot(reduction) if reduction is not None else None
    target = reduction or Reduction(membership=membership, created_by=actor)
    target.reason, target.hours = reason, hours.quantize(HOURS)
    target.effective_from, target.effective_to, target.notes = effective_from, effective_to, notes
    target.save()
    action = AuditEntry.Action.UPDATE if before is not None else AuditEntry.Action.CREATE
    audit.record(action, target, actor=actor, before=before, after=audit.snapshot(target))
    recalculate([membership], reason=f"Reduction {'changed' if before else 'added'}")
    return target


@transaction.atomic
def delete_reduction(reduction: Reduction, *, actor: User | None, note: str = "") -> Reduction:
    """Mark a reduction deleted; it stays in the history but no longer counts. Recalculates the workload."""
    TeamMembership.objects.select_for_update().filter(pk=reduction.membership_id).get()
    before = audit.snapshot(reduction)
    reduction.is_deleted = True
    reduction.save(update_fields=["is_deleted", "updated_at"])
    audit.record(
        AuditEntry.Action.DELETE,
        reduction,
        actor=actor,
        before=before,
        after=audit.snapshot(reduction),
        note=note,
    )
    recalculate([reduction.membership_id], reason="Reduction deleted")
    return reduction


# -- Memberships, extra responsibilities and scheme assignments: each recalculates at once what it changes
# (docs/live-updates.md). The membership's row is locked first, as for hours and reductions.


@transaction.atomic
def add_membership(
    practitioner: Practitioner,
    team: OrgUnit,
    contracted_hours: Decimal,
    *,
    actor: User | None,
    start_date: dt.date | None = None,
) -> TeamMembership:
    """Give a practitioner a workload in a team from `start_date` (default today), and recalculate every
    workload that changes: all of theirs (work on a case counts in the membership in the case's team) and
    the other side of their recent support contacts."""
    start_date = start_date or timezone.localdate()
    Practitioner.objects.select_for_update().get(pk=practitioner.pk)
    errors: dict[str, str] = {}
    if team.kind != OrgUnitKind.TEAM:
        errors["team"] = f"{team.name} is not a team; memberships are held in teams."
    if not Decimal(0) <= contracted_hours <= Decimal(48):
        errors["contracted_hours"] = "Contracted hours must be between 0 and 48 a week."
    if TeamMembership.objects.filter(practitioner=practitioner, team=team, end_date__isnull=True).exists():
        errors["team"] = f"{practitioner.full_name} already has an open membership of {team.name}."
    if errors:
        raise ValidationError(errors)
    membership = TeamMembership.objects.create(
        practitioner=practitioner,
        team=team,
        contracted_hours=contracted_hours.quantize(HOURS),
        start_date=start_date,
    )
    audit.record(AuditEntry.Action.CREATE, membership, actor=actor, after=audit.snapshot(membership))
    ids = affected_by_practitioner(practitioner.pk, timezone.localdate(), [team.pk])
    recalculate(ids, reason=f"Joined {team.name}")
    membership.recalculated = ids  # type: ignore[attr-defined]
    return membership


@transaction.atomic
def end_membership(membership: TeamMembership, end_date: dt.date, *, actor: User | None) -> TeamMembership:
    """End a membership on `end_date` (its last day). Cases still held in the team must be reallocated
    first when it ends today or earlier. Its stored figures go once it is no longer current, and the
    practitioner's other workloads are recalculated at once (their work moves to them)."""
    membership = (
        TeamMembership.objects.select_for_update()
        .select_related("team", "practitioner")
        .get(pk=membership.pk)
    )
    errors: dict[str, str] = {}
    if membership.end_date is not None:
        errors["end_date"] = f"This membership already ended on {membership.end_date:%-d %B %Y}."
    elif end_date < membership.start_date:
        errors["end_date"] = f"The end date must be on or after the start, {membership.start_date:%-d %B %Y}."
    held = membership.practitioner.cases.filter(status="active", team=membership.team).count()
    if not errors and held and end_date <= timezone.localdate():
        errors["end_date"] = (
            f"{membership.practitioner.full_name} still holds {held} open case(s) in {membership.team.name}; "
            "reallocate them first."
        )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(membership, ["end_date"])
    membership.end_date = end_date
    membership.save(update_fields=["end_date", "updated_at"])
    audit.record(
        AuditEntry.Action.UPDATE,
        membership,
        actor=actor,
        before=before,
        after=audit.snapshot(membership, ["end_date"]),
    )
    ids = affected_by_practitioner(membership.practitioner_id, timezone.localdate(), [membership.team_id])
    recalculate([membership.pk, *ids], reason=f"Left {membership.team.name}")
    membership.recalculated = sorted({membership.pk, *ids})  # type: ignore[attr-defined]
    return membership


@transaction.atomic
def add_responsibility(
    membership: TeamMembership,
    code: str,
    *,
    actor: User | None,
    quantity: Decimal = Decimal(1),
    effective_from: dt.date | None = None,
    effective_to: dt.date | None = None,
    notes: str = "",
) -> Responsibility:
    """Give a membership an extra responsibility of its team's scheme (duty rota, practice educator…) and
    recalculate that workload."""
    membership = TeamMembership.objects.select_for_update().select_related("team").get(pk=membership.pk)
    effective_from = effective_from or timezone.localdate()
    version = version_for_unit(membership.team, effective_from)
    known = domain_scheme(version).extra_responsibilities_by_code if version else {}
    errors: dict[str, str] = {}
    if code not in known:
        errors["code"] = (
            f"“{code}” is not an extra responsibility of the scheme for {membership.team.name}"
            + (f"; use one of {', '.join(known)}." if known else " (it has none).")
        )
    if quantity <= 0:
        errors["quantity"] = "The quantity must be more than 0."
    if effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = "The end date must be on or after the start date."
    if errors:
        raise ValidationError(errors)
    responsibility = Responsibility.objects.create(
        membership=membership, code=code, quantity=quantity, effective_from=effective_from,
        effective_to=effective_to, notes=notes,
    )  # fmt: skip
    audit.record(AuditEntry.Action.CREATE, responsibility, actor=actor, after=audit.snapshot(responsibility))
    recalculate([membership], reason=f"Extra responsibility {code} added")
    return responsibility


@transaction.atomic
def end_responsibility(
    responsibility: Responsibility, effective_to: dt.date, *, actor: User | None
) -> Responsibility:
    """End an extra responsibility on `effective_to` (its last day) and recalculate that workload."""
    TeamMembership.objects.select_for_update().filter(pk=responsibility.membership_id).get()
    responsibility = Responsibility.objects.get(pk=responsibility.pk)
    if effective_to < responsibility.effective_from:
        raise ValidationError({"effective_to": "The end date must be on or after the start date."})
    before = audit.snapshot(responsibility, ["effective_to"])
    responsibility.effective_to = effective_to
    responsibility.save(update_fields=["effective_to", "updated_at"])
    audit.record(
        AuditEntry.Action.UPDATE, responsibility, actor=actor, before=before,
        after=audit.snapshot(responsibility, ["effective_to"]),
    )  # fmt: skip
    recalculate([responsibility.membership_id], reason=f"Extra responsibility {responsibility.code} ended")
    return responsibility


@transaction.atomic
def assign_scheme(
    unit: OrgUnit, scheme: Scheme, *, actor: User | None, effective_from: dt.date
) -> SchemeAssignment:
    """Measure a unit and everything below it under `scheme` from `effective_from` (the nearest assignment
    up the tree wins). The unit's open assignment, if any, ends the day before. Every current membership
    of the unit's subtree is recalculated at once."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    current = SchemeAssignment.objects.filter(org_unit=unit, effective_to__isnull=True).first()
    if current is not None and effective_from <= current.effective_from:
        raise ValidationError(
            {"effective_from": f"{unit.name} uses {current.scheme.name} from {current.effective_from:%-d %B %Y}; "
             "a new assignment must start after that."}
        )  # fmt: skip
    if current is not None:
        _end_assignment(current, effective_from - dt.timedelta(days=1), actor)
    assignment = SchemeAssignment.objects.create(org_unit=unit, scheme=scheme, effective_from=effective_from)
    audit.record(AuditEntry.Action.CREATE, assignment, actor=actor, after=audit.snapshot(assignment))
    _recalculate_unit(unit, f"{unit.name} measured under {scheme.name}")
    return assignment


@transaction.atomic
def end_scheme_assignment(
    assignment: SchemeAssignment, effective_to: dt.date, *, actor: User | None
) -> SchemeAssignment:
    """End a unit's scheme assignment on `effective_to`; from the next day the nearest assignment above it
    applies (or none). Every current membership of the unit's subtree is recalculated at once."""
    assignment = SchemeAssignment.objects.select_for_update().select_related("org_unit").get(pk=assignment.pk)
    if effective_to < assignment.effective_from:
        raise ValidationError({"effective_to": "The end date must be on or after the start date."})
    _end_assignment(assignment, effective_to, actor)
    _recalculate_unit(assignment.org_unit, f"{assignment.org_unit.name}: scheme assignment ended")
    return assignment


def _end_assignment(assignment: SchemeAssignment, effective_to: dt.date, actor: User | None) -> None:
    before = audit.snapshot(assignment, ["effective_to"])
    assignment.effective_to = effective_to
    assignment.save(update_fields=["effective_to", "updated_at"])
    audit.record(
        AuditEntry.Action.UPDATE, assignment, actor=actor, before=before,
        after=audit.snapshot(assignment, ["effective_to"]),
    )  # fmt: skip


def _recalculate_unit(unit: OrgUnit, reason: str) -> None:
    recalculate(affected_by_unit(unit, timezone.localdate()), reason=reason)
