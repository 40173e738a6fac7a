"""Ready-made values for the well-being templates (no arithmetic or look-ups in templates).

`membership_panel(membership, scope)` is the contract with the practitioner page: it fills the context
variable `wellbeing_panel` rendered by `wellbeing/includes/membership_panel.html`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from caseload.core.scope import Scope
from caseload.domain.wellbeing import plan_missed
from caseload.organisations.models import TeamMembership
from caseload.wellbeing import selectors
from caseload.wellbeing.models import (
    ActionPlan,
    AlertStatus,
    CaseloadConcern,
    ConcernStatus,
    EscalationStep,
    ItemQuery,
    QueryStatus,
    WellbeingAlert,
)

TAG_CLASSES = {
    AlertStatus.OPEN: "govuk-tag--red",
    AlertStatus.PLAN_RECORDED: "govuk-tag--yellow",
    AlertStatus.ESCALATED: "govuk-tag--orange",
    AlertStatus.RESOLVED: "govuk-tag--green",
    ConcernStatus.OPEN: "govuk-tag--red",
    ConcernStatus.RESPONDED: "govuk-tag--green",
    QueryStatus.OPEN: "govuk-tag--red",
    QueryStatus.ANSWERED: "govuk-tag--green",
    QueryStatus.CORRECTED: "govuk-tag--blue",
}


def long_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def raise_concern_url(membership_id: int) -> str:
    return f"{reverse('wellbeing:raise-concern')}?{urlencode({'membership': membership_id})}"


def flag_item_url(membership_id: int, kind: str, reference: str) -> str:
    query = urlencode({"membership": membership_id, "item": f"{kind}:{reference}"})
    return f"{reverse('wellbeing:flag-item')}?{query}"


@dataclass(frozen=True)
class Row:
    """One record in a list: what it is, about whom (blank when names are not shown), its status tag,
    its date, and where it links."""

    title: str
    status: str
    tag_class: str
    date: str
    href: str
    person: str = ""
    team: str = ""
    detail: str = ""
    date_label: str = "raised"


def alert_row(alert: WellbeingAlert, *, with_person: bool = True) -> Row:
    detail = f"Action plan due {long_date(alert.action_plan_due)}" if alert.action_plan_due else ""
    return Row(
        title=f"{alert.get_source_display()}: {alert.rule_description}",
        status=alert.get_status_display(),
        tag_class=TAG_CLASSES[AlertStatus(alert.status)],
        date=long_date(alert.opened_on),
        href=reverse("wellbeing:alert", args=[alert.pk]),
        person=alert.membership.practitioner.full_name if with_person else "",
        team=alert.membership.team.name,
        detail=detail,
        date_label="opened",
    )


def concern_row(concern: CaseloadConcern, *, with_person: bool = True) -> Row:
    return Row(
        title=_first_line(concern.text),
        status=concern.get_status_display(),
        tag_class=TAG_CLASSES[ConcernStatus(concern.status)],
        date=long_date(concern.raised_at),
        href=reverse("wellbeing:concern", args=[concern.pk]),
        person=concern.membership.practitioner.full_name if with_person else "",
        team=concern.membership.team.name,
    )


def query_row(query: ItemQuery, *, with_person: bool = True) -> Row:
    return Row(
        title=f"{item_label(query.item_kind, query.item_reference)}: {_first_line(query.note)}",
        status=query.get_status_display(),
        tag_class=TAG_CLASSES[QueryStatus(query.status)],
        date=long_date(query.raised_at),
        href=reverse("wellbeing:query", args=[query.pk]),
        person=query.membership.practitioner.full_name if with_person else "",
        team=query.membership.team.name,
    )


def item_label(kind: str, reference: str) -> str:
    """ "case ABC123" → "Case ABC123"; the kind as the practitioner page names it."""
    words = kind.replace("_", " ").replace("-", " ").strip()
    return f"{words[:1].upper()}{words[1:]} {reference}".strip()


def _first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


# -- the practitioner page's panel -----------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipPanel:
    """A membership's active well-being records for the practitioner page. `visible` is False for viewers
    who see only aggregates (the template then says so instead of listing anything)."""

    membership_id: int
    visible: bool
    alerts: list[Row] = field(default_factory=list)
    concerns: list[Row] = field(default_factory=list)
    queries: list[Row] = field(default_factory=list)
    raise_concern_url: str = ""
    home_url: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.alerts or self.concerns or self.queries)


def membership_panel(membership: TeamMembership, scope: Scope) -> MembershipPanel:
    """The open alerts, open concerns and open "this looks wrong" queries of one membership, with links,
    for the practitioner themselves or their line; an invisible panel for anyone else."""
    if not selectors.may_see_membership(scope, membership):
        return MembershipPanel(membership_id=membership.pk, visible=False)
    alerts = (
        WellbeingAlert.objects.active()
        .filter(membership=membership)
        .select_related("membership__practitioner", "membership__team")
    )
    concerns = CaseloadConcern.objects.filter(membership=membership, status=ConcernStatus.OPEN)
    queries = ItemQuery.objects.filter(membership=membership, status=QueryStatus.OPEN)
    own = selectors.is_own(scope, membership)
    return MembershipPanel(
        membership_id=membership.pk,
        visible=True,
        alerts=[alert_row(a, with_person=False) for a in alerts],
        concerns=[concern_row(c, with_person=False) for c in concerns.select_related("membership__team")],
        queries=[query_row(q, with_person=False) for q in queries.select_related("membership__team")],
        raise_concern_url=raise_concern_url(membership.pk) if own else "",
        home_url=reverse("wellbeing:home"),
    )


# -- the alert page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertPage:
    alert: WellbeingAlert
    summary: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    escalations: list[dict[str, Any]]
    concerns: list[Row]
    can_manage: bool
    status: str
    tag_class: str


def plan_due_text(alert: WellbeingAlert, *, has_plan: bool, today: dt.date) -> str:
    """The action plan's due date, saying when it has passed with no plan recorded (the alert then
    escalates: caseload.domain.wellbeing)."""
    if alert.action_plan_due is None:
        return "No deadline in the scheme"
    due = long_date(alert.action_plan_due)
    if alert.is_active and not has_plan and plan_missed(None, alert.action_plan_due, today):
        return f"{due} (overdue: no plan recorded)"
    return due


def alert_page(alert: WellbeingAlert, scope: Scope) -> AlertPage:
    plans: list[ActionPlan] = list(alert.plans.select_related("owner", "recorded_by"))
    steps: list[EscalationStep] = list(alert.escalations.select_related("unit").prefetch_related("notified"))
    summary = [
        ("Practitioner", alert.membership.practitioner.full_name),
        ("Team", alert.membership.team.name),
        ("Reason", f"{alert.get_source_display()}: {alert.rule_description}"),
        ("Over the threshold since", long_date(alert.overload_since)),
        ("Opened", long_date(alert.opened_on)),
        ("Action plan due", plan_due_text(alert, has_plan=bool(plans), today=timezone.localdate())),
        ("Closed", long_date(alert.closed_on)),
        ("Closing note", alert.closing_note),
    ]
    return AlertPage(
        alert=alert,
        summary=[{"key": {"text": k}, "value": {"text": v}} for k, v in summary if v],
        plans=[
            {
                "actions": plan.actions,
                "owner": str(plan.owner),
                "review_date": long_date(plan.review_date),
                "recorded": f"{long_date(plan.recorded_on)} by {plan.recorded_by or 'unknown'}",
            }
            for plan in plans
        ],
        escalations=[
            {
                "step": f"{step.level + 1}: {step.step_name.replace('_', ' ')}",
                "unit": step.unit.name,
                "notified": ", ".join(str(u) for u in step.notified.all()) or "Nobody manages this unit",
                "on": long_date(step.on),
                "reason": step.reason,
            }
            for step in steps
        ],
        concerns=[
            concern_row(c, with_person=False) for c in alert.concerns.select_related("membership__team")
        ],
        can_manage=selectors.is_line(scope) and alert.is_active,
        status=alert.get_status_display(),
        tag_class=TAG_CLASSES[AlertStatus(alert.status)],
    )


# -- the aggregated view ---------------------------------------------------------------------------------


def aggregate_rows(counts: list[selectors.UnitCounts]) -> list[list[dict[str, Any]]]:
    """Rows for govukTable: unit name, then the counts (numeric cells)."""
    return [
        [
            {"text": c.unit.name},
            *(
                {"text": str(n), "format": "numeric"}
                for n in (c.open_alerts, c.escalated, c.plans_overdue, c.open_concerns, c.open_queries)
            ),
        ]
        for c in counts
    ]


# -- a concern or a query --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordPage:
    pk: int
    summary: list[dict[str, Any]]
    status: str
    tag_class: str
    respond_url: str
    alert_url: str


def record_page(obj: CaseloadConcern | ItemQuery, kind: str) -> RecordPage:
    """A concern or a "this looks wrong" query with its response, for the practitioner and their line."""
    rows: list[tuple[str, str]] = [
        ("Practitioner", obj.membership.practitioner.full_name),
        ("Team", obj.membership.team.name),
        ("Raised", long_date(obj.raised_at)),
    ]
    if isinstance(obj, ItemQuery):
        rows += [("Item", item_label(obj.item_kind, obj.item_reference)), ("What looks wrong", obj.note)]
        response = obj.response
        alert_url = ""
    else:
        rows += [("Concern", obj.text)]
        response = obj.manager_response
        alert_url = reverse("wellbeing:alert", args=[obj.alert_id]) if obj.alert_id else ""
    if response:
        rows += [
            ("Response", response),
            ("Responded", f"{long_date(obj.responded_at)} by {obj.responded_by or 'unknown'}"),
        ]
    name = "wellbeing:respond-concern" if kind == "concern" else "wellbeing:respond-query"
    return RecordPage(
        pk=obj.pk,
        summary=[{"key": {"text": k}, "value": {"text": v}} for k, v in rows],
        status=obj.get_status_display(),
        tag_class=TAG_CLASSES[obj.status],  # type: ignore[index]
        respond_url=reverse(name, args=[obj.pk]),
        alert_url=alert_url,
    )
