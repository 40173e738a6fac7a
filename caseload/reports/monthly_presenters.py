"""Ready-to-show sections of the monthly report; the page and the XLSX workbook use the same tables."""

from __future__ import annotations

from dataclasses import dataclass

from caseload.reports.figures import GroupFigures
from caseload.reports.monthly import MonthlyReport
from caseload.reports.performance_presenters import performance_table, period_text
from caseload.reports.presenters import SPREAD_COLUMNS, Table, equity_table, pct

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


def _wellbeing(report: MonthlyReport) -> Section:
    w = report.wellbeing
    if not w.available:
        return Section("wellbeing", "Well-being", (NOT_AVAILABLE,), ())
    rows = (
        ("Open well-being alerts", w.open_alerts),
        ("Alerts escalated", w.escalated),
        ("Alerts with an action plan overdue", w.plans_overdue),
        ("Open caseload concerns", w.open_concerns),
        ("People with supervision records expected", w.people),
        ("People whose supervision is up to date", w.supervision_compliant),
        ("Supervision agreements due for review within 14 days", w.reviews_due),
    )
    table = Table("wellbeing", f"Well-being in {report.unit.name}", ("Measure", "Count"), rows)
    note = "Counts only, no names. They show the position today: these records keep no monthly history."
    return Section("wellbeing", "Well-being", (note,), (table,))


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
    perf_note = (
        f"Work falling due from {period_text(report.first, report.last)}, as it stood on "
        f"{perf.as_of.day} {perf.as_of:%B %Y}. Workload % is today's."
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
            Section("performance", "Performance", (perf_note, *no_indicators), (performance,)),
        ),
    )
