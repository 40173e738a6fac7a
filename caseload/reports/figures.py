"""The reports' figures: stored workload rows and case facts turned into the engine's equity, capacity and
timeliness results (caseload.domain.equity / performance). No arithmetic here beyond grouping rows: every
sum and ratio is the engine's."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import QuerySet

from caseload.domain.aggregate import Aggregate, aggregate
from caseload.domain.equity import (
    Bin,
    CapacitySummary,
    Equity,
    Load,
    TeamCapacity,
    capacity_summary,
    equity,
    histogram,
    team_capacity_of,
)
from caseload.domain.performance import CaseFacts, Clock, Period, Tally, clocks_due_in_periods, tally
from caseload.domain.scheme import Indicator, Scheme
from caseload.organisations.models import OrgUnit
from caseload.reports import selectors
from caseload.reports.bank_holidays import bank_holidays
from caseload.reports.selectors import MemberFigures

TREND_WEEKS = 12


@dataclass(frozen=True)
class GroupFigures:
    """One unit's members: the workload (sum then divide), the spread and the capacity in FTE."""

    unit: OrgUnit
    total: Aggregate | None
    equity: Equity
    capacity: CapacitySummary
    teams: tuple[TeamCapacity, ...]


def _loads(members: Sequence[MemberFigures], schemes: dict[int, Scheme]) -> list[Load]:
    return [Load(m.workload_percent, red=m.rag == schemes[m.version_id].rag[-1].code) for m in members]


def group_figures(
    unit: OrgUnit, members: Sequence[MemberFigures], schemes: dict[int, Scheme], team_names: dict[int, str]
) -> GroupFigures:
    """The figures of `members` (all within `unit`), each team measured under its members' scheme."""
    by_team: dict[int, list[MemberFigures]] = defaultdict(list)
    for member in members:
        by_team[member.team_id].append(member)
    teams = tuple(
        team_capacity_of(schemes[rows[0].version_id], team_names.get(team_id, ""), rows)
        for team_id, rows in by_team.items()
    )
    total = aggregate(schemes[members[0].version_id], unit.name, members) if members else None
    return GroupFigures(unit, total, equity(_loads(members, schemes)), capacity_summary(teams), teams)


def within(members: Sequence[MemberFigures], unit: OrgUnit) -> list[MemberFigures]:
    return [m for m in members if m.team_path.startswith(unit.path)]


@dataclass(frozen=True)
class TrendPoint:
    on: dt.date
    figures: GroupFigures


@dataclass(frozen=True)
class EquityReport:
    unit: OrgUnit
    on: dt.date
    overall: GroupFigures
    children: tuple[GroupFigures, ...]
    bins: tuple[Bin, ...]
    trend: tuple[TrendPoint, ...]


def weekly(days: Sequence[dt.date]) -> list[dt.date]:
    """The last snapshot date of each ISO week among `days` (sorted), oldest first."""
    last_of_week: dict[tuple[int, int], dt.date] = {}
    for day in sorted(days):
        iso = day.isocalendar()
        last_of_week[(iso.year, iso.week)] = day
    return sorted(last_of_week.values())


def equity_report(unit: OrgUnit, units: QuerySet[OrgUnit], on: dt.date) -> EquityReport:
    """The unit's spread now, side by side for its children, and week by week over the last 12 weeks."""
    members = selectors.current_members(units, on)
    days = weekly(selectors.snapshot_days(unit, on - dt.timedelta(weeks=TREND_WEEKS), on))
    history = selectors.snapshot_members(units, days) if days else {}
    versions = {m.version_id for m in members} | {m.version_id for rows in history.values() for m in rows}
    schemes = selectors.schemes_of(versions)
    names = {t.pk: t.name for t in selectors.teams_within(units, on)}
    children = selectors.child_units(units, unit, on)
    return EquityReport(
        unit=unit,
        on=on,
        overall=group_figures(unit, members, schemes, names),
        children=tuple(group_figures(c, within(members, c), schemes, names) for c in children),
        bins=histogram([m.workload_percent for m in members]),
        trend=tuple(TrendPoint(day, group_figures(unit, history[day], schemes, names)) for day in days),
    )


# -- performance ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PerformanceRow:
    """Timeliness of one unit or practitioner, next to their workload."""

    label: str
    total: Aggregate | None
    tallies: dict[str, Tally]
    key: int = 0


@dataclass(frozen=True)
class TrendMonth:
    """The unit's timeliness of the work due in one month, assessed as of its end (or today), beside its
    workload % from the unit's last snapshot in that month (None: no snapshot that month)."""

    first: dt.date
    last: dt.date
    as_of: dt.date
    tallies: dict[str, Tally]
    workload_percent: Decimal | None
    snapshot_on: dt.date | None


@dataclass(frozen=True)
class PerformanceReport:
    unit: OrgUnit
    first: dt.date
    last: dt.date
    as_of: dt.date
    indicators: tuple[Indicator, ...]
    overall: PerformanceRow
    children: tuple[PerformanceRow, ...]
    people: tuple[PerformanceRow, ...] = field(default=())
    trend: tuple[TrendMonth, ...] = field(default=())


def _tallies(indicators: Sequence[Indicator], found: Sequence[Clock]) -> dict[str, Tally]:
    return {i.code: tally(c for c in found if c.indicator == i.code) for i in indicators}


def last_months(today: dt.date, months: int) -> list[Period]:
    """The first and last day of each of the `months` months up to and including today's, oldest first."""
    periods = []
    year, month = today.year, today.month
    for _ in range(months):
        periods.append((dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


#: How far back cases are read: clocks falling due in a period may have started this long before it.
LOOK_BACK = dt.timedelta(days=3 * 365)


def performance_report(
    unit: OrgUnit,
    units: QuerySet[OrgUnit],
    first: dt.date,
    last: dt.date,
    today: dt.date,
    *,
    people: bool = False,
    trend_months: int = 0,
    workload: Sequence[MemberFigures] | None = None,
) -> PerformanceReport:
    """Clocks due between `first` and `last`, assessed as of `min(last, today)`, for the unit, each child
    unit and (when `people`) each practitioner holding the cases, each with their current workload (or,
    given `workload`, with those figures instead: the monthly report passes the month's snapshot). Each
    team's cases are measured under its members' scheme (else the unit's). With `trend_months`, also the
    unit's timeliness in each of the last `trend_months` months with its workload % then, from the same
    single read of the cases. Working days skip the bank holidays of `CASELOAD_BANK_HOLIDAYS`."""
    as_of = min(last, today)
    members = selectors.current_members(units, today, names=people)
    shown = members if workload is None else list(workload)
    schemes = selectors.schemes_of({m.version_id for m in (*members, *shown)})
    fallback = selectors.unit_scheme(unit, today)
    team_scheme = {m.team_id: schemes[m.version_id] for m in members}
    indicators: dict[str, Indicator] = {}
    for scheme in [*team_scheme.values(), *([fallback] if fallback else [])]:
        for indicator in scheme.performance.indicators:
            indicators.setdefault(indicator.code, indicator)
    kinds = {k for i in indicators.values() for k in (i.starts, *i.completed_by)}
    months = last_months(today, trend_months)
    periods = [(first, last), *months]
    earliest = min(p[0] for p in periods) - LOOK_BACK
    facts, holder_names = selectors.case_facts(units, earliest, kinds)
    holidays = bank_holidays(earliest, max(last, today) + dt.timedelta(days=366))
    found_in: list[list[Clock]] = [[] for _ in periods]
    by_team: dict[int | None, list[CaseFacts]] = defaultdict(list)
    for case in facts:
        by_team[case.team].append(case)
    for team_id, cases in by_team.items():
        scheme = team_scheme.get(team_id or 0, fallback)
        if scheme is not None:
            per_period = clocks_due_in_periods(scheme.performance, cases, periods, today, holidays)
            for index, by_code in enumerate(per_period):
                for clocks in by_code.values():
                    found_in[index].extend(clocks)
    found = found_in[0]
    # By name: a scheme stored as JSON on PostgreSQL (jsonb) does not keep the file's key order.
    listed = tuple(sorted(indicators.values(), key=lambda i: (i.name, i.code)))
    paths = {m.team_id: m.team_path for m in members}
    paths.update({t.pk: t.path for t in selectors.teams_within(units, today)})

    def row(
        label: str, rows: Sequence[MemberFigures], clocks: Sequence[Clock], key: int = 0
    ) -> PerformanceRow:
        total = aggregate(schemes[rows[0].version_id], label, rows) if rows else None
        return PerformanceRow(label, total, _tallies(listed, clocks), key)

    children = selectors.child_units(units, unit, today)
    report = PerformanceReport(
        unit=unit,
        first=first,
        last=last,
        as_of=as_of,
        indicators=listed,
        overall=row(unit.name, shown, found),
        children=tuple(
            row(
                c.name,
                within(shown, c),
                [k for k in found if paths.get(k.team or 0, "").startswith(c.path)],
                c.pk,
            )
            for c in children
        ),
        trend=_trend(unit, listed, months, found_in[1:], today),
    )
    if not people:
        return report
    holders = sorted({k.holder for k in found if k.holder is not None} | {m.practitioner_id for m in shown})
    names = {m.practitioner_id: m.name for m in members} | holder_names
    rows = [
        row(
            names.get(pk, ""),
            [m for m in shown if m.practitioner_id == pk],
            [k for k in found if k.holder == pk],
            pk,
        )
        for pk in holders
    ]
    rows.sort(key=lambda r: r.label)
    return replace(report, people=tuple(rows))


def _trend(
    unit: OrgUnit,
    indicators: Sequence[Indicator],
    months: Sequence[Period],
    found: Sequence[Sequence[Clock]],
    today: dt.date,
) -> tuple[TrendMonth, ...]:
    if not months:
        return ()
    workloads = selectors.last_workload_of_each_month(unit, months[0][0], months[-1][1])
    trend = []
    for (first, last), clocks in zip(months, found, strict=True):
        snapshot = workloads.get((first.year, first.month))
        trend.append(
            TrendMonth(
                first=first,
                last=last,
                as_of=min(last, today),
                tallies=_tallies(indicators, clocks),
                workload_percent=snapshot[1] if snapshot else None,
                snapshot_on=snapshot[0] if snapshot else None,
            )
        )
    return tuple(trend)
