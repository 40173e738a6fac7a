"""Well-being writes, one function per use case; each owns its transaction and writes an audit entry.

The daily check (`check_wellbeing`, run by `manage.py check_wellbeing`) opens an alert when a
sustained-overload rule fires, escalates alerts step by step (a missed action-plan deadline brings the next
step forward), and resolves them once a plan exists and the overload has cleared. A practitioner's caseload concern opens an alert too, and follows the same workflow.
The rules themselves are in `caseload.domain.wellbeing`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseload.core.audit import record, snapshot
from caseload.core.models import AuditEntry, User
from caseload.domain.scheme import Wellbeing
from caseload.domain.wellbeing import (
    DAYS_PER_WEEK,
    OverloadFinding,
    PlanState,
    ReadingSeries,
    action_plan_due,
    escalation_due,
    should_resolve,
    sustained_overload,
)
from caseload.notifications.services import notify
from caseload.organisations.models import TeamMembership
from caseload.wellbeing import selectors
from caseload.wellbeing.models import (
    ActionPlan,
    AlertSource,
    AlertStatus,
    CaseloadConcern,
    ConcernStatus,
    EscalationStep,
    ItemQuery,
    QueryStatus,
    WellbeingAlert,
)

logger = logging.getLogger(__name__)

#: How far back the check looks to say when a run of overloaded weeks started.
SINCE_LOOKBACK_DAYS = 366
EMAIL = "wellbeing/email"


class WellbeingError(Exception):
    """A well-being action that cannot be done in the record's current state."""


# -- the daily check -------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    on: dt.date
    checked: int = 0
    opened: list[int] = field(default_factory=list)
    escalated: list[tuple[int, int]] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


def check_wellbeing(on: dt.date | None = None) -> CheckResult:
    """Open overload alerts for memberships whose rules fire on `on` (today by default), then escalate or
    resolve every active alert. Safe to run more than once a day: nothing is opened, recorded or sent twice."""
    on = on or timezone.localdate()
    result = CheckResult(on=on)
    rules = selectors.RulesCache(on)
    memberships = list(selectors.current_memberships(on))
    longest = {
        m.pk: max((r.consecutive_weeks for r in _overload_rules(rules.for_team(m.team))), default=0)
        for m in memberships
    }
    window = max(longest.values(), default=0) * DAYS_PER_WEEK
    readings = selectors.readings_by_membership(on - dt.timedelta(days=window), on)
    active = set(
        WellbeingAlert.objects.active()
        .filter(source=AlertSource.OVERLOAD)
        .values_list("membership_id", flat=True)
    )
    for membership in memberships:
        result.checked += 1
        wellbeing = rules.for_team(membership.team)
        if membership.pk in active or wellbeing is None or not longest[membership.pk]:
            continue
        series = ReadingSeries(readings.get(membership.pk, []))
        if sustained_overload(series, wellbeing.sustained_overload, on) is None:
            continue
        finding = overload_finding(membership, wellbeing, on)
        if finding is not None:
            alert = open_overload_alert(membership, finding, wellbeing)
            result.opened.append(alert.pk)
    for alert in WellbeingAlert.objects.active().select_related(
        "membership__team", "membership__practitioner"
    ):
        outcome = advance_alert(alert, on, rules.for_team(alert.membership.team))
        if outcome == "resolved":
            result.resolved.append(alert.pk)
        elif isinstance(outcome, list):
            result.escalated.extend((alert.pk, level) for level in outcome)
    logger.info(
        "Well-being check for %s: %d checked, %d opened, %d steps, %d resolved",
        on,
        result.checked,
        len(result.opened),
        len(result.escalated),
        len(result.resolved),
    )
    return result


def _overload_rules(wellbeing: Wellbeing | None) -> tuple[Any, ...]:
    return wellbeing.sustained_overload if wellbeing is not None else ()


def overload_finding(
    membership: TeamMembership, wellbeing: Wellbeing | None, on: dt.date
) -> OverloadFinding | None:
    """The sustained-overload rule that holds for one membership on a date (with a year of readings, so
    that `since` reaches back to the start of the run)."""
    rules = _overload_rules(wellbeing)
    if not rules:
        return None
    since = on - dt.timedelta(days=SINCE_LOOKBACK_DAYS)
    readings = selectors.readings_by_membership(since, on, [membership.pk]).get(membership.pk, [])
    return sustained_overload(readings, rules, on)


def overload_persists(membership: TeamMembership, wellbeing: Wellbeing | None, on: dt.date) -> bool:
    return overload_finding(membership, wellbeing, on) is not None


@transaction.atomic
def open_overload_alert(
    membership: TeamMembership, finding: OverloadFinding, wellbeing: Wellbeing
) -> WellbeingAlert:
    """Open a sustained-overload alert and tell the team's managers (unless one is already active)."""
    _lock_membership(membership)
    existing = WellbeingAlert.objects.active().filter(membership=membership, source=AlertSource.OVERLOAD)
    if existing.exists():
        return existing.get()
    alert = WellbeingAlert.objects.create(
        membership=membership,
        source=AlertSource.OVERLOAD,
        rule_description=finding.description,
        overload_since=finding.since,
        opened_on=finding.on,
        action_plan_due=action_plan_due(finding.on, wellbeing.action_plan_due_days),
    )
    record(AuditEntry.Action.CREATE, alert, actor=None, after=snapshot(alert), note="Sustained overload")
    _announce(alert, wellbeing)
    return alert


def _lock_membership(membership: TeamMembership) -> None:
    """Lock the membership's row until the transaction ends, so that two requests opening an alert for it
    at once queue: the second then finds the first one's alert and reuses it. (PostgreSQL; SQLite runs one
    write at a time anyway. The constraint `one_active_wellbeing_alert_per_source` is the backstop.)"""
    TeamMembership.objects.select_for_update().values_list("pk", flat=True).get(pk=membership.pk)


def _lock_alert(alert: WellbeingAlert) -> None:
    """Lock the alert's row and reload its status, so that a daily check and a manager (or two checks)
    acting on it at once queue, and the second sees what the first did."""
    alert.status = (
        WellbeingAlert.objects.select_for_update().values_list("status", flat=True).get(pk=alert.pk)
    )


def _announce(alert: WellbeingAlert, wellbeing: Wellbeing | None) -> None:
    """Tell the team's managers about a new alert: as the first escalation step when the scheme's first
    step is due at once, else by a plain email."""
    steps = wellbeing.escalation if wellbeing is not None else ()
    if steps and steps[0].after_days == 0:
        _take_steps(alert, alert.opened_on, wellbeing, problem_persists=True)
        return
    _notify(alert, selectors.team_managers(alert.membership.team), "alert_opened", f"alert-{alert.pk}-opened")


def advance_alert(alert: WellbeingAlert, on: dt.date, wellbeing: Wellbeing | None) -> str | list[int] | None:
    """Resolve the alert if a plan exists and the problem has cleared; else take any escalation steps now
    due. Returns "resolved", the levels of the steps taken, or None."""
    persists = overload_persists(alert.membership, wellbeing, on)
    if should_resolve(_plan_state(alert), persists, on):
        try:
            resolve_alert(alert, on=on, note="The overload has cleared and an action plan is in place.")
        except WellbeingError:  # a manager closed it meanwhile
            return None
        return "resolved"
    return _take_steps(alert, on, wellbeing, problem_persists=persists) or None


def _plan_state(alert: WellbeingAlert) -> PlanState | None:
    plan = alert.plans.order_by("-recorded_at", "-id").first()
    return PlanState(plan.recorded_on, plan.review_date) if plan is not None else None


@transaction.atomic
def _take_steps(
    alert: WellbeingAlert, on: dt.date, wellbeing: Wellbeing | None, *, problem_persists: bool
) -> list[int]:
    """Record (and notify) every escalation step due by `on` that has not been taken yet, in order."""
    _lock_alert(alert)
    if not alert.is_active:
        return []
    steps = wellbeing.escalation if wellbeing is not None else ()
    due = escalation_due(
        steps,
        opened_on=alert.opened_on,
        on=on,
        plan=_plan_state(alert),
        problem_persists=problem_persists,
        plan_due_on=alert.action_plan_due,
    )
    if due is None:
        return []
    taken = set(alert.escalations.values_list("level", flat=True))
    levels = [level for level in range(due.level + 1) if level not in taken]
    for level in levels:
        unit = selectors.escalation_unit(alert.membership.team, level)
        managers = selectors.team_managers(unit) if level == 0 else selectors.unit_managers(unit)
        record_step = EscalationStep.objects.create(
            alert=alert,
            level=level,
            step_name=steps[level].to,
            unit=unit,
            on=on,
            at=timezone.now(),
            reason=due.reason if level else "Alert opened: the team's managers are told.",
        )
        record_step.notified.set(managers)
        record(AuditEntry.Action.CREATE, record_step, actor=None, after=snapshot(record_step))
        template = "alert_opened" if level == 0 else "alert_escalated"
        _notify(alert, managers, template, f"alert-{alert.pk}-step-{level}", step=record_step)
    if any(level > 0 for level in levels) and alert.status != AlertStatus.ESCALATED:
        _set_status(alert, AlertStatus.ESCALATED, actor=None, note="Escalated")
    return levels


def _set_status(alert: WellbeingAlert, status: str, *, actor: User | None, note: str = "") -> None:
    before = snapshot(alert)
    alert.status = status
    alert.save(update_fields=["status"])
    record(AuditEntry.Action.UPDATE, alert, actor=actor, before=before, after=snapshot(alert), note=note)


def _notify(
    alert: WellbeingAlert, to: list[User], template: str, key: str, step: EscalationStep | None = None
) -> None:
    if not to:
        logger.warning("Well-being alert %s: nobody to tell for %s", alert.pk, key)
        return
    # Above the team, recipients see aggregates only: the email names the team, not the person.
    named = step is None or step.level == 0
    subject = {
        "alert_opened": "Well-being alert: an action plan is needed",
        "alert_escalated": "Well-being alert escalated to you",
    }[template]
    notify(
        to=to,
        subject=subject,
        template=f"{EMAIL}/{template}",
        context={
            "alert": alert,
            "person": alert.membership.practitioner.full_name if named else "",
            "team": alert.membership.team.name,
            "step": step,
            "link": reverse("wellbeing:alert", args=[alert.pk]) if named else reverse("wellbeing:home"),
        },
        kind=f"wellbeing_{template}",
        related=alert,
        dedupe_key=f"wellbeing-{key}",
    )


@transaction.atomic
def resolve_alert(
    alert: WellbeingAlert, *, on: dt.date, note: str, actor: User | None = None
) -> WellbeingAlert:
    """Close an alert (by the daily check when it has cleared, or by a manager with a note)."""
    _lock_alert(alert)
    if not alert.is_active:
        raise WellbeingError("This alert is already closed.")
    before = snapshot(alert)
    alert.status = AlertStatus.RESOLVED
    alert.closed_on = max(on, alert.opened_on)
    alert.closed_by = actor
    alert.closing_note = note
    alert.save(update_fields=["status", "closed_on", "closed_by", "closing_note"])
    record(
        AuditEntry.Action.UPDATE, alert, actor=actor, before=before, after=snapshot(alert), note="Resolved"
    )
    return alert


def close_alert(alert: WellbeingAlert, *, note: str, actor: User) -> WellbeingAlert:
    """A manager closes an alert with a note (for example, the concern was a misunderstanding)."""
    if not note.strip():
        raise WellbeingError("Say why the alert is being closed.")
    return resolve_alert(alert, on=timezone.localdate(), note=note.strip(), actor=actor)


@transaction.atomic
def record_action_plan(
    alert: WellbeingAlert, *, actions: str, owner: User, review_date: dt.date, actor: User
) -> ActionPlan:
    """A manager records the written action plan for an alert: actions, owner, review date."""
    _lock_alert(alert)
    if not alert.is_active:
        raise WellbeingError("This alert is closed; open a new one if the problem has come back.")
    today = timezone.localdate()
    if review_date < today:
        raise WellbeingError("The review date must be today or later.")
    plan = ActionPlan.objects.create(
        alert=alert,
        actions=actions.strip(),
        owner=owner,
        review_date=review_date,
        recorded_by=actor,
        recorded_on=today,
        recorded_at=timezone.now(),
    )
    record(AuditEntry.Action.CREATE, plan, actor=actor, after=snapshot(plan))
    _set_status(alert, AlertStatus.PLAN_RECORDED, actor=actor, note="Action plan recorded")
    return plan


# -- concerns and queries --------------------------------------------------------------------------------


@transaction.atomic
def raise_concern(membership: TeamMembership, *, text: str, actor: User) -> CaseloadConcern:
    """A practitioner raises a concern about their caseload: recorded, and an alert with source "concern"
    opened (or the active one reused), which tells the team's managers and follows the alert workflow."""
    now = timezone.now()
    today = timezone.localdate()
    _lock_membership(membership)
    alert = WellbeingAlert.objects.active().filter(membership=membership, source=AlertSource.CONCERN).first()
    if alert is None:
        wellbeing = selectors.RulesCache(today).for_team(membership.team)
        alert = WellbeingAlert.objects.create(
            membership=membership,
            source=AlertSource.CONCERN,
            rule_description="Raised by the practitioner",
            opened_on=today,
            action_plan_due=action_plan_due(today, wellbeing.action_plan_due_days if wellbeing else None),
        )
        record(AuditEntry.Action.CREATE, alert, actor=actor, after=snapshot(alert), note="Caseload concern")
        _announce(alert, wellbeing)
    concern = CaseloadConcern.objects.create(
        membership=membership, raised_by=actor, text=text.strip(), raised_at=now, alert=alert
    )
    record(AuditEntry.Action.CREATE, concern, actor=actor, after=snapshot(concern))
    return concern


@transaction.atomic
def respond_to_concern(concern: CaseloadConcern, *, response: str, actor: User) -> CaseloadConcern:
    """A manager answers a concern; the practitioner is told."""
    if not response.strip():
        raise WellbeingError("Enter a response.")
    before = snapshot(concern)
    concern.manager_response = response.strip()
    concern.status = ConcernStatus.RESPONDED
    concern.responded_by = actor
    concern.responded_at = timezone.now()
    concern.save()
    record(AuditEntry.Action.UPDATE, concern, actor=actor, before=before, after=snapshot(concern))
    _tell_practitioner(concern.membership, "concern_answered", f"concern-{concern.pk}-answered", concern)
    return concern


@transaction.atomic
def flag_item(membership: TeamMembership, *, kind: str, reference: str, note: str, actor: User) -> ItemQuery:
    """A practitioner flags "this looks wrong" on an item of their workload; the team's managers are told."""
    query = ItemQuery.objects.create(
        membership=membership,
        item_kind=kind,
        item_reference=reference,
        note=note.strip(),
        raised_by=actor,
        raised_at=timezone.now(),
    )
    record(AuditEntry.Action.CREATE, query, actor=actor, after=snapshot(query))
    managers = selectors.team_managers(membership.team)
    if managers:
        notify(
            to=managers,
            subject="A practitioner says something looks wrong",
            template=f"{EMAIL}/item_flagged",
            context={
                "query": query,
                "person": membership.practitioner.full_name,
                "team": membership.team.name,
                "link": reverse("wellbeing:query", args=[query.pk]),
            },
            kind="wellbeing_item_flagged",
            related=query,
            actor=actor,
            dedupe_key=f"wellbeing-query-{query.pk}-raised",
        )
    return query


@transaction.atomic
def respond_to_query(query: ItemQuery, *, response: str, status: str, actor: User) -> ItemQuery:
    """A manager answers a query, saying whether the item was corrected; the practitioner is told."""
    if status not in (QueryStatus.ANSWERED, QueryStatus.CORRECTED):
        raise WellbeingError("Choose whether the item was corrected.")
    if not response.strip():
        raise WellbeingError("Enter a response.")
    before = snapshot(query)
    query.response = response.strip()
    query.status = status
    query.responded_by = actor
    query.responded_at = timezone.now()
    query.save()
    record(AuditEntry.Action.UPDATE, query, actor=actor, before=before, after=snapshot(query))
    _tell_practitioner(query.membership, "query_answered", f"query-{query.pk}-answered", query)
    return query


def _tell_practitioner(membership: TeamMembership, template: str, key: str, related: Any) -> None:
    user = User.objects.filter(practitioner_id=membership.practitioner_id, is_active=True).first()
    if user is None:
        return
    link = reverse(
        "wellbeing:concern" if template == "concern_answered" else "wellbeing:query", args=[related.pk]
    )
    notify(
        to=[user],
        subject="Your manager has responded",
        template=f"{EMAIL}/{template}",
        context={"record": related, "link": link},
        kind=f"wellbeing_{template}",
        related=related,
        dedupe_key=f"wellbeing-{key}",
    )
