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
    OrgUnitParentHistory,
    Reduction,
    ReductionReason,
    TeamMembership,
)
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.services import recalculate

HOURS = Decimal("0.01")


@transaction.atomic
def move_org_unit(unit: OrgUnit, new_parent: OrgUnit | None, *, on: dt.date, actor: User | None) -> OrgUnit:
    """Put `unit` (and everything below it) under `new_parent` from `on`, which may be today or a past day
    after its current link began (the live tree has one parent, so a move cannot wait for a future date).
    The old link is closed the day before, so the unit's history still says where it was and when."""
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
