"""Writes for agreed caseloads and supervision records: one function per use case, each owning its
transaction and audit entry. Who may call them is the view's to check with the request scope (a manager of
the team records agreements; the practitioner or a manager confirms; either records a supervision)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseload.core import audit
from caseload.core.models import AuditEntry, Role, User
from caseload.organisations.models import TeamMembership
from caseload.supervision.models import Agreement, SupervisionKind, SupervisionRecord

REVIEW_WARNING_DAYS = 14
MANAGER = "manager"
PRACTITIONER = "practitioner"


@transaction.atomic
def record_agreement(
    *,
    membership: TeamMembership,
    agreed_on: dt.date,
    expected_min_percent: Decimal,
    expected_max_percent: Decimal,
    review_date: dt.date,
    development_percent: Decimal = Decimal(0),
    no_sole_cp_or_court: bool = False,
    protected_notes: str = "",
    manager_confirms: bool = True,
    actor: User | None,
) -> Agreement:
    """Record a new agreed caseload for a membership; it replaces the one in force (which is kept, ended
    the day the new one starts). The recording manager confirms it unless told not to; the practitioner
    confirms it afterwards (`confirm_agreement`) and is emailed to ask them to."""
    membership = (
        TeamMembership.objects.select_for_update().select_related("practitioner").get(pk=membership.pk)
    )
    current = Agreement.objects.filter(membership=membership, ended_on__isnull=True).first()
    errors: dict[str, str] = {}
    if agreed_on > timezone.localdate():
        errors["agreed_on"] = "The date agreed must be today or in the past."
    elif current is not None and agreed_on < current.agreed_on:
        errors["agreed_on"] = (
            f"The date agreed must be on or after {_long(current.agreed_on)}, when the current agreement was made."
        )
    if not Decimal(0) <= expected_min_percent <= Decimal(200):
        errors["expected_min_percent"] = "The lowest expected workload must be between 0% and 200%."
    if not Decimal(0) <= expected_max_percent <= Decimal(200):
        errors["expected_max_percent"] = "The highest expected workload must be between 0% and 200%."
    elif expected_min_percent > expected_max_percent:
        errors["expected_max_percent"] = (
            "The highest expected workload must be the same as or more than the lowest."
        )
    if not Decimal(0) <= development_percent <= Decimal(50):
        errors["development_percent"] = "Development time must be between 0% and 50%."
    if review_date < agreed_on:
        errors["review_date"] = "The review date must be on or after the date agreed."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if current is not None:
        before = audit.snapshot(current)
        current.ended_on = agreed_on
        current.save(update_fields=["ended_on", "updated_at"])
    agreement = Agreement.objects.create(
        membership=membership,
        agreed_on=agreed_on,
        expected_min_percent=expected_min_percent,
        expected_max_percent=expected_max_percent,
        development_percent=development_percent,
        no_sole_cp_or_court=no_sole_cp_or_court,
        protected_notes=protected_notes,
        review_date=review_date,
        recorded_by=actor if actor is not None and actor.pk else None,
        manager_confirmed_at=now if manager_confirms else None,
        manager_confirmed_by=actor if manager_confirms and actor is not None and actor.pk else None,
    )
    if current is not None:
        current.superseded_by = agreement
        current.save(update_fields=["superseded_by", "updated_at"])
        audit.record(
            AuditEntry.Action.UPDATE,
            current,
            actor=actor,
            before=before,
            after=audit.snapshot(current),
            note="Replaced by a new agreement",
        )
    audit.record(AuditEntry.Action.CREATE, agreement, actor=actor, after=audit.snapshot(agreement))
    _ask_practitioner_to_confirm(agreement, actor)
    return agreement


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _practitioner_user(membership: TeamMembership) -> User | None:
    return User.objects.filter(practitioner_id=membership.practitioner_id, is_active=True).first()


def _ask_practitioner_to_confirm(agreement: Agreement, actor: User | None) -> None:
    from caseload.notifications.services import notify

    user = _practitioner_user(agreement.membership)
    if user is None:
        return
    notify(
        to=[user],
        subject="Please confirm your agreed caseload",
        template="supervision/email/agreement_recorded",
        context=_email_context(agreement),
        kind="agreement_recorded",
        related=agreement,
        actor=actor,
        dedupe_key=f"agreement-recorded:{agreement.pk}",
    )


def _email_context(agreement: Agreement) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "name": agreement.membership.practitioner.full_name,
        "team": agreement.membership.team.name,
        "range": f"{agreement.expected_min_percent.normalize():f}% to {agreement.expected_max_percent.normalize():f}%",
        "review_date": _long(agreement.review_date),
        "path": reverse("supervision:membership", args=[agreement.membership_id]),
    }


@transaction.atomic
def confirm_agreement(agreement: Agreement, *, party: str, actor: User | None) -> Agreement:
    """One party's confirmation of the agreement in force: `party` is "practitioner" or "manager"."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.ended_on is not None:
        raise ValidationError(
            "This agreement has been replaced by a newer one, so it can no longer be confirmed."
        )
    field = {PRACTITIONER: "practitioner_confirmed_at", MANAGER: "manager_confirmed_at"}.get(party)
    if field is None:
        raise ValueError(f"Unknown party {party!r}")
    if getattr(agreement, field) is not None:
        return agreement  # confirming twice changes nothing
    before = audit.snapshot(agreement)
    setattr(agreement, field, timezone.now())
    fields = [field, "updated_at"]
    if party == MANAGER:
        agreement.manager_confirmed_by = actor if actor is not None and actor.pk else None
        fields.append("manager_confirmed_by")
    agreement.save(update_fields=fields)
    audit.record(
        AuditEntry.Action.UPDATE,
        agreement,
        actor=actor,
        before=before,
        after=audit.snapshot(agreement),
        note=f"Confirmed by the {party}",
    )
    return agreement


@transaction.atomic
def record_supervision(
    *,
    membership: TeamMembership,
    held_on: dt.date,
    duration_minutes: int,
    kind: str,
    extra_hours: Decimal | None = None,
    notes: str = "",
    actor: User | None,
) -> SupervisionRecord:
    """Record one supervision session (date, length, type) and any extra hours the practitioner reports."""
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "The date of the supervision must be today or in the past."
    if not 5 <= duration_minutes <= 600:
        errors["duration_minutes"] = "The length must be between 5 and 600 minutes."
    if kind not in SupervisionKind.values:
        errors["kind"] = "Select the type of supervision."
    if extra_hours is not None and not Decimal(0) <= extra_hours <= Decimal(100):
        errors["extra_hours"] = "Extra hours must be between 0 and 100."
    if errors:
        raise ValidationError(errors)
    record = SupervisionRecord.objects.create(
        membership=membership,
        held_on=held_on,
        duration_minutes=duration_minutes,
        kind=kind,
        extra_hours=extra_hours,
        notes=notes,
        recorded_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(AuditEntry.Action.CREATE, record, actor=actor, after=audit.snapshot(record))
    return record


def line_managers(membership: TeamMembership) -> list[User]:
    """The people who manage the membership's team: its team managers, else the managers above it."""
    team = membership.team
    editors = User.objects.filter(
        is_active=True, role__in=[Role.TEAM_MANAGER, Role.AREA_MANAGER]
    ).prefetch_related("org_units")
    by_role: dict[str, list[User]] = {Role.TEAM_MANAGER: [], Role.AREA_MANAGER: []}
    for user in editors:
        if any(team.path.startswith(unit.path) for unit in user.org_units.all() if unit.path):
            by_role[user.role].append(user)
    return by_role[Role.TEAM_MANAGER] or by_role[Role.AREA_MANAGER]


def agreement_reviews_due(on: dt.date) -> int:
    """Email the practitioner and their line managers about each agreement in force whose review date is
    within the next 14 days or has passed. Once per agreement and review date (safe to run daily).
    Returns the number of agreements flagged."""
    from caseload.notifications.services import notify

    due = (
        Agreement.objects.in_force_on(on)
        .filter(review_date__lte=on + dt.timedelta(days=REVIEW_WARNING_DAYS))
        .select_related("membership__practitioner", "membership__team")
    )
    count = 0
    for agreement in due:
        people = line_managers(agreement.membership)
        practitioner = _practitioner_user(agreement.membership)
        if practitioner is not None:
            people.insert(0, practitioner)
        context = _email_context(agreement) | {"overdue": agreement.review_date < on}
        with transaction.atomic():
            notify(
                to=people,
                subject=f"Agreed caseload review {'overdue' if agreement.review_date < on else 'due'}: {context['name']}",
                template="supervision/email/agreement_review_due",
                context=context,
                kind="agreement_review_due",
                related=agreement,
                dedupe_key=f"agreement-review:{agreement.pk}:{agreement.review_date.isoformat()}",
            )
        count += 1
    return count
