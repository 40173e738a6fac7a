"""Writes to the organisation tree, memberships and reductions. Each function owns its transaction and
its audit entry; views, the API, commands and tests all call these."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.organisations.models import (
    OrgUnit,
    OrgUnitParentHistory,
    Reduction,
    ReductionReason,
    TeamMembership,
)
from caseload.workloads.services import recalculate

HOURS = Decimal("0.01")


@transaction.atomic
def move_org_unit(unit: OrgUnit, new_parent: OrgUnit | None, *, on: dt.date, actor: User | None) -> OrgUnit:
    """Put `unit` (and everything below it) under `new_parent` from `on`. The old link is closed the day
    before, so the unit's history still says where it was and when."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
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
    return unit


def _close_parent_link(unit: OrgUnit, on: dt.date) -> None:
    open_link = OrgUnitParentHistory.objects.filter(unit=unit, valid_to__isnull=True).first()
    if open_link is None:  # units created before history was kept: record the old link first
        open_link = OrgUnitParentHistory.objects.create(
            unit=unit, parent=unit.parent, valid_from=unit.effective_from
        )
    open_link.valid_to = max(on - dt.timedelta(days=1), open_link.valid_from)
    open_link.save(update_fields=["valid_to"])


def _rewrite_descendant_paths(old_path: str, new_path: str) -> None:
    """Swap the path prefix of every descendant in one UPDATE; depth follows the number of segments."""
    descendants = OrgUnit.objects.filter(path__startswith=old_path).exclude(path=old_path)
    depth_change = new_path.count("/") - old_path.count("/")
    for unit in descendants.only("pk", "path", "depth"):
        OrgUnit.objects.filter(pk=unit.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=unit.depth + depth_change
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


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reduction_rules(reason: ReductionReason, contracted_hours: Decimal) -> tuple[Decimal | None, Decimal]:
    """For a reason and someone's hours: the fixed hours (when the reason has a default %) and the most
    hours allowed (the max %, else all contracted hours). Rounded to 2 decimals, never above contracted."""

    def pct(p: Decimal) -> Decimal:
        return min((contracted_hours * p / 100).quantize(HOURS, ROUND_HALF_UP), contracted_hours)

    fixed = pct(reason.default_percent) if reason.default_percent is not None else None
    most = pct(reason.max_percent) if reason.max_percent is not None else contracted_hours
    return fixed, most


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
    """Create or change a reduction, applying the reason's rules: a default % fixes the hours, a maximum %
    caps them, months-to-expiry sets the end date. Raises ValidationError with field messages.
    Recalculates the membership's workload (a reduction that starts later counts from the daily run on
    its first day)."""
    membership = TeamMembership.objects.select_for_update().get(pk=membership.pk)
    errors: dict[str, str] = {}
    if not reason.enabled:
        errors["reason"] = f"“{reason.name}” is no longer in use; choose another reason."
    fixed, most = reduction_rules(reason, membership.contracted_hours)
    if fixed is not None:
        hours = fixed
    if hours is None:
        errors["hours"] = "Enter the hours per week the reduction takes off."
    elif hours < 0:
        errors["hours"] = "Hours cannot be negative."
    elif hours > most:
        limit = (
            f"{reason.max_percent}% of {membership.contracted_hours} contracted hours"
            if reason.max_percent
            else "the contracted hours"
        )
        errors["hours"] = f"Hours must be {most} or fewer ({limit})."
    if reason.months_to_expiry:
        effective_to = add_months(effective_from, reason.months_to_expiry) - dt.timedelta(days=1)
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
