"""The monthly report of one org unit: volume, workload, equity, well-being (aggregated) and performance.

Workload and equity come from the last daily snapshot taken in the month (the current figures when the month
is the current one and no snapshot exists yet). Well-being counts come from the well-being and supervision
apps' aggregate selectors; they describe the position now (those apps keep no monthly history), and the
report says so. Only counts leave this module: no names."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from caseload.organisations.models import OrgUnit
from caseload.reports import selectors
from caseload.reports.figures import (
    GroupFigures,
    PerformanceReport,
    group_figures,
    performance_report,
    within,
)
from caseload.reports.selectors import Volume


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Wellbeing:
    """Aggregated well-being and supervision figures, or `available=False` when the apps are missing."""

    available: bool
    open_alerts: int = 0
    escalated: int = 0
    plans_overdue: int = 0
    open_concerns: int = 0
    people: int = 0
    supervision_compliant: int = 0
    reviews_due: int = 0


@dataclass(frozen=True)
class MonthlyReport:
    unit: OrgUnit
    first: dt.date
    last: dt.date
    figures_on: dt.date | None  # the snapshot date behind workload and equity; None: no figures
    figures_are_current: bool  # the live figures stood in for a missing snapshot
    volume: Volume
    workload: GroupFigures
    children: tuple[GroupFigures, ...]
    wellbeing: Wellbeing
    performance: PerformanceReport


def wellbeing_counts(units: QuerySet[OrgUnit], unit: OrgUnit, on: dt.date) -> Wellbeing:
    """Counts from the well-being and supervision apps' aggregate selectors, when those apps exist."""
    try:
        from caseload.supervision.selectors import unit_compliance
        from caseload.wellbeing.selectors import unit_counts
    except ImportError:
        return Wellbeing(available=False)
    counts: Any = unit_counts(units.filter(pk=unit.pk), on)
    teams = unit_compliance(units, on)
    alerts = counts[0] if counts else None
    return Wellbeing(
        available=True,
        open_alerts=alerts.open_alerts if alerts else 0,
        escalated=alerts.escalated if alerts else 0,
        plans_overdue=alerts.plans_overdue if alerts else 0,
        open_concerns=alerts.open_concerns if alerts else 0,
        people=sum(t.people for t in teams),
        supervision_compliant=sum(t.compliant for t in teams),
        reviews_due=sum(t.reviews_due for t in teams),
    )


def monthly_report(
    unit: OrgUnit, units: QuerySet[OrgUnit], year: int, month: int, today: dt.date
) -> MonthlyReport:
    """Everything the monthly report shows, for `unit` (with `units` its subtree in the user's scope)."""
    first, last = month_bounds(year, month)
    days = selectors.snapshot_days(unit, first, last)
    current = first <= today <= last
    if days:
        figures_on: dt.date | None = days[-1]
        members = selectors.snapshot_members(units, days[-1:])[days[-1]]
    elif current:
        figures_on, members = today, selectors.current_members(units, today)
    else:
        figures_on, members = None, []
    schemes = selectors.schemes_of({m.version_id for m in members})
    names = {t.pk: t.name for t in selectors.teams_within(units, today)}
    children = selectors.child_units(units, unit, today)
    return MonthlyReport(
        unit=unit,
        first=first,
        last=last,
        figures_on=figures_on,
        figures_are_current=bool(not days and current),
        volume=selectors.case_volume(units, first, last),
        workload=group_figures(unit, members, schemes, names),
        children=tuple(group_figures(c, within(members, c), schemes, names) for c in children),
        wellbeing=wellbeing_counts(units, unit, today),
        performance=performance_report(unit, units, first, last, today),
    )


def recent_months(today: dt.date, months: int = 3) -> tuple[dt.date, dt.date]:
    """From the first day of the month `months - 1` before today's to the last day of today's month."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1), month_bounds(today.year, today.month)[1]


def neighbours(year: int, month: int, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """The first days of the previous and the next month (None when the next one has not started)."""
    first, last = month_bounds(year, month)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return previous, following if following <= today else None


def valid_month(year: int, month: int, today: dt.date) -> bool:
    """A month from 2000 up to the current one."""
    return 1 <= month <= 12 and year >= 2000 and dt.date(year, month, 1) <= today
