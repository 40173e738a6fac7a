"""Ready-to-show sections of the monthly report; the page and the XLSX workbook use the same tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from caseload.reports.figures import GroupFigures
from caseload.reports.monthly import MonthlyReport
from caseload.reports.performance_presenters import performance_table, period_text
from caseload.reports.presenters import SPREAD_COLUMNS, Table, equity_table, pct

HUNDREDTHS = Decimal("0.01")
NOT_AVAILABLE = (
    "Well-being figures are not available: the well-being and supervision apps are not installed here."
)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    notes: tuple[str, ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class MonthlyPage:
    title: str
    period: str
    sections: tuple[Section, ...]


def _workload_table(report: MonthlyReport) -> Table:
    def cells(g: GroupFigures) -> tuple[str | int | object, ...]:
        return (
            g.unit.name,
            g.equity.count,
            pct(g.total.workload_percent) if g.total else None,
            g.equity.over_red,
            g.capacity.headroom_fte,
            g.capacity.fte_to_100,
            g.capacity.actual_fte,
            g.capacity.target_fte,
        )

    headers = (
        "Unit",
        "Workloads measured",
        "Workload %",
        "Over red",
        "Headroom (FTE)",
        "FTE to bring teams to 100%",
        "Staff in post (FTE)",
        "Target staffing (FTE)",
    )
    rows = tuple(cells(g) for g in (report.workload, *report.children))
    return Table("workload", f"Workload in {report.unit.name}", headers, rows)  # type: ignore[arg-type]


def _figures_note(report: MonthlyReport) -> str:
    if report.figures_on is None:
        return "No workload snapshot was taken in this month, so there are no workload or equity figures."
    if report.figures_are_current:
        return f"No snapshot yet this month: these are the current figures ({report.figures_on:%d %B %Y})."
    return f"Figures from the daily snapshot of {report.figures_on.day} {report.figures_on:%B %Y}."


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _wellbeing(report: MonthlyReport) -> Section:
    w = report.wellbeing
    if w is None:
        return Section("wellbeing", "Well-being", (NOT_AVAILABLE,), ())
    end = _day(w.as_at)
    alerts = Table(
        "wellbeing",
        f"Well-being alerts and concerns in {report.unit.name}",
        ("Measure", "Count"),
        (
            ("Alerts open at any time in the month", w.alerts_open_in_month),
            ("Alerts opened in the month", w.alerts_opened),
            ("Alerts escalated in the month", w.alerts_escalated),
            ("Alerts resolved in the month", w.alerts_resolved),
            (f"Alerts still open on {end}", w.alerts_open_at_end),
            (f"Alerts with an action plan overdue on {end}", w.plans_overdue_at_end),
            ("Caseload concerns raised in the month", w.concerns_raised),
            (f"Caseload concerns unanswered on {end}", w.concerns_unanswered_at_end),
        ),
    )
    supervision = Table(
        "supervision",
        f"Supervision in {report.unit.name}",
        ("Measure", "Count"),
        (
            (f"People with supervision expected on {end}", w.people),
            (f"People whose supervision was up to date on {end}", w.supervision_compliant),
            (f"Agreed caseloads due for review within 14 days of {end}", w.reviews_due),
            ("Supervision sessions held in the month", w.sessions_held),
            ("Extra hours reported in those sessions", w.extra_hours.quantize(HUNDREDTHS)),
        ),
    )
    current = w.as_at < report.last
    note = "Counts only, no names. " + (
        f"The month so far, to {end}." if current else f"The month as it stood on its last day, {end}."
    )
    return Section("wellbeing", "Well-being", (note,), (alerts, supervision))


def _performance_note(report: MonthlyReport) -> str:
    perf = report.performance
    due = (
        f"Work falling due from {period_text(report.first, report.last)}, as it stood on {_day(perf.as_of)}."
    )
    if report.figures_on is None:
        return f"{due} No workload snapshot was taken in this month, so no workload % is shown beside it."
    if report.figures_are_current:
        return f"{due} Workload % beside it is the current figure: no snapshot yet this month."
    return f"{due} Workload % beside it is from the daily snapshot of {_day(report.figures_on)}."


def present_monthly(report: MonthlyReport) -> MonthlyPage:
    volume = Table(
        "volume",
        f"Cases in {report.unit.name}",
        ("Measure", "Cases"),
        (
            ("Open at the end of the month", report.volume.open_at_end),
            ("New in the month", report.volume.new),
            ("Closed in the month", report.volume.closed),
        ),
    )
    groups = [report.workload, *report.children]
    perf = report.performance
    performance = performance_table(
        "performance",
        f"Timeliness of work due in the month in {report.unit.name}",
        "Unit",
        perf,
        [perf.overall, *perf.children],
    )
    no_indicators = () if perf.indicators else ("The scheme in force defines no timeliness indicators.",)
    month = f"{report.first:%B %Y}"
    return MonthlyPage(
        title=f"Monthly report: {report.unit.name}, {month}",
        period=period_text(report.first, report.last),
        sections=(
            Section("volume", "Volume", (), (volume,)),
            Section("workload", "Workload", (_figures_note(report),), (_workload_table(report),)),
            Section(
                "equity",
                "Equity",
                (_figures_note(report),),
                (equity_table("equity", f"Equity in {report.unit.name}", groups, columns=SPREAD_COLUMNS),),
            ),
            _wellbeing(report),
            Section(
                "performance", "Performance", (_performance_note(report), *no_indicators), (performance,)
            ),
        ),
    )
