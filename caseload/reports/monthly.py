"""The monthly report of one org unit: volume, workload, equity, well-being (aggregated) and performance.

Workload and equity come from the last daily snapshot taken in the month (the current figures when the month
is the current one and no snapshot exists yet); the performance section sets the month's timeliness beside
that same workload. Well-being and supervision are counted for the month from the dates their records keep
(`caseload.reports.month_wellbeing`), as at the month's last day (today, for the current month). Only counts
leave this module: no names."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from caseload.reports.month_wellbeing import MonthWellbeing


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


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
    wellbeing: MonthWellbeing | None  # None: the well-being and supervision apps are not installed
    performance: PerformanceReport


def wellbeing_counts(units: QuerySet[OrgUnit], first: dt.date, as_at: dt.date) -> MonthWellbeing | None:
    """The month's well-being and supervision counts, when those apps exist."""
    try:
        from caseload.reports.month_wellbeing import wellbeing_in_month
    except ImportError:
        return None
    return wellbeing_in_month(units, first, as_at)


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
        wellbeing=wellbeing_counts(units, first, min(last, today)),
        performance=performance_report(unit, units, first, last, today, workload=members),
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
