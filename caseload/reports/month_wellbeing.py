"""Well-being and supervision in one month, for the monthly report. Counts only, no names, worked out from
the dates the records keep: when each alert was opened, escalated and closed, when its action plan was
due and recorded, when each concern was raised and answered, when each supervision was held. A past month
therefore reads as it stood then; the current month reads as it stands today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from caseload.organisations.models import OrgUnit
from caseload.supervision.selectors import sessions_between, unit_compliance
from caseload.wellbeing.models import ActionPlan, CaseloadConcern, EscalationStep, WellbeingAlert


@dataclass(frozen=True)
class MonthWellbeing:
    """Counts for the teams among some units, from `first` to `as_at` (the month's last day, or today)."""

    first: dt.date
    as_at: dt.date
    alerts_open_in_month: int  # open on any day of the month
    alerts_opened: int
    alerts_escalated: int  # alerts with an escalation above the team taken in the month
    alerts_resolved: int
    alerts_open_at_end: int
    plans_overdue_at_end: int  # open at the end with the action plan due before then and none recorded
    concerns_raised: int
    concerns_unanswered_at_end: int
    people: int  # people expected to have supervision at the end of the month
    supervision_compliant: int  # of whom up to date then
    reviews_due: int  # agreements in force then, due for review within 14 days of it
    sessions_held: int
    extra_hours: Decimal  # self-reported in the sessions held in the month


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of a day, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def alert_counts(units: QuerySet[OrgUnit], first: dt.date, as_at: dt.date) -> dict[str, int]:
    """Alerts of memberships in teams among `units`, counted over the days `first`..`as_at` (2 queries)."""
    alerts = WellbeingAlert.objects.filter(membership__team__in=units).annotate(
        planned=Exists(ActionPlan.objects.filter(alert=OuterRef("pk"), recorded_on__lte=as_at))
    )
    open_at_end = Q(opened_on__lte=as_at) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_at))
    counts = alerts.aggregate(
        open_in_month=Count(
            "pk", filter=Q(opened_on__lte=as_at) & (Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        ),
        opened=Count("pk", filter=Q(opened_on__gte=first, opened_on__lte=as_at)),
        resolved=Count("pk", filter=Q(closed_on__gte=first, closed_on__lte=as_at)),
        open_at_end=Count("pk", filter=open_at_end),
        plans_overdue=Count("pk", filter=open_at_end & Q(action_plan_due__lt=as_at, planned=False)),
    )
    counts["escalated"] = (
        EscalationStep.objects.filter(
            alert__membership__team__in=units, level__gt=0, on__gte=first, on__lte=as_at
        )
        .values("alert_id")
        .distinct()
        .count()
    )
    return counts


def concern_counts(units: QuerySet[OrgUnit], first: dt.date, as_at: dt.date) -> dict[str, int]:
    """Concerns raised in teams among `units` from `first` to `as_at`, and those unanswered at its end."""
    start, end = _start_of(first), _start_of(as_at + dt.timedelta(days=1))
    unanswered = Q(raised_at__lt=end) & (Q(responded_at__isnull=True) | Q(responded_at__gte=end))
    return CaseloadConcern.objects.filter(membership__team__in=units).aggregate(
        raised=Count("pk", filter=Q(raised_at__gte=start, raised_at__lt=end)),
        unanswered=Count("pk", filter=unanswered),
    )


def wellbeing_in_month(units: QuerySet[OrgUnit], first: dt.date, as_at: dt.date) -> MonthWellbeing:
    """Everything the report's well-being section counts, for the teams among `units` (the scope's units
    within the report's unit)."""
    alerts = alert_counts(units, first, as_at)
    concerns = concern_counts(units, first, as_at)
    teams = unit_compliance(units, as_at)
    sessions = sessions_between(units, first, as_at)
    return MonthWellbeing(
        first=first,
        as_at=as_at,
        alerts_open_in_month=alerts["open_in_month"],
        alerts_opened=alerts["opened"],
        alerts_escalated=alerts["escalated"],
        alerts_resolved=alerts["resolved"],
        alerts_open_at_end=alerts["open_at_end"],
        plans_overdue_at_end=alerts["plans_overdue"],
        concerns_raised=concerns["raised"],
        concerns_unanswered_at_end=concerns["unanswered"],
        people=sum(t.people for t in teams),
        supervision_compliant=sum(t.compliant for t in teams),
        reviews_due=sum(t.reviews_due for t in teams),
        sessions_held=sessions.sessions,
        extra_hours=sessions.extra_hours,
    )
