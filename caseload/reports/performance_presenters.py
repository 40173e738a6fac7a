"""Ready-to-show timeliness results: each unit's or person's indicators beside their workload %."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from caseload.core.charts import TableRow, TrendChart, long_date, trend_chart
from caseload.domain.performance import Tally
from caseload.domain.rounding import one_dp
from caseload.reports.figures import PerformanceReport, PerformanceRow, TrendMonth
from caseload.reports.presenters import Table, pct

# -- performance -----------------------------------------------------------------------------------------


def tally_text(t: Tally) -> str:
    """ "75.0% on time (3 of 4 due; 1 overdue; 2 pending)" or "Nothing due"."""
    if t.total == 0:
        return "Nothing due"
    if t.due == 0:
        return f"Nothing due yet ({t.pending} pending)"
    parts = [f"{t.on_time} of {t.due} due"]
    if t.overdue:
        parts.append(f"{t.overdue} overdue")
    if t.pending:
        parts.append(f"{t.pending} pending")
    return f"{one_dp(t.percent_on_time or Decimal(0))}% on time ({'; '.join(parts)})"


def performance_table(
    key: str, caption: str, first_heading: str, report: PerformanceReport, rows: Sequence[PerformanceRow]
) -> Table:
    """One row per unit or person: workload % first, then each indicator's result beside it."""
    headers = (first_heading, "Workload %", *(i.name for i in report.indicators))
    body = tuple(
        (
            r.label,
            pct(r.total.workload_percent) if r.total else None,
            *(tally_text(r.tallies[i.code]) for i in report.indicators),
        )
        for r in rows
    )
    return Table(key, caption, headers, body)


def performance_export_rows(report: PerformanceReport, rows: Sequence[PerformanceRow]) -> Table:
    """The long form for downloads: one row per unit/person × indicator, counts in their own columns."""
    out = []
    for r in rows:
        for i in report.indicators:
            t = r.tallies[i.code]
            out.append(
                (
                    r.label,
                    pct(r.total.workload_percent) if r.total else None,
                    i.name,
                    t.on_time,
                    t.late,
                    t.overdue,
                    t.pending,
                    pct(t.percent_on_time),
                )
            )
    headers = (
        "Unit or practitioner",
        "Workload %",
        "Indicator",
        "On time",
        "Late",
        "Overdue",
        "Pending",
        "% on time",
    )
    return Table("performance", f"Timeliness in {report.unit.name}", headers, tuple(out))


def period_text(first: dt.date, last: dt.date) -> str:
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


# -- the trend --------------------------------------------------------------------------------------------

NOTHING_DUE = "Nothing due"


def month_text(month: TrendMonth) -> str:
    """ "March 2026", or "March 2026 (to 16 March)" for a month assessed before its end."""
    name = f"{month.first:%B %Y}"
    return name if month.as_of == month.last else f"{name} (to {month.as_of.day} {month.as_of:%B})"


@dataclass(frozen=True)
class PerformanceTrend:
    """% on time per indicator month by month: a chart each (indicators with something due) and one table
    with the unit's workload % beside them; `counts` is the long form for downloads."""

    charts: tuple[TrendChart, ...]
    table: Table
    counts: Table

    @property
    def tables(self) -> dict[str, Table]:
        return {self.table.key: self.table, self.counts.key: self.counts}


def _chart(report: PerformanceReport, code: str, name: str) -> TrendChart:
    chart = trend_chart(
        [(m.as_of, m.tallies[code].percent_on_time) for m in report.trend],
        title=f"{name}: % on time in {report.unit.name}, month by month",
    )
    # One point per month: the table alternative names the month (and says when it is not over yet).
    rows = tuple(
        TableRow(month_text(m), row.value if m.tallies[code].due else NOTHING_DUE)
        for m, row in zip(report.trend, chart.rows, strict=True)
    )
    return replace(chart, rows=rows, value_heading="% on time")


def present_trend(report: PerformanceReport) -> PerformanceTrend:
    """The trend section of the performance page and its two downloads."""
    unit = report.unit.name
    charts = tuple(
        _chart(report, i.code, i.name)
        for i in report.indicators
        if any(m.tallies[i.code].due for m in report.trend)
    )
    table = Table(
        "trend",
        f"% on time in {unit} month by month, with workload %",
        ("Month", "Workload %", *(i.name for i in report.indicators)),
        tuple(
            (
                month_text(m),
                pct(m.workload_percent),
                *(pct(m.tallies[i.code].percent_on_time) for i in report.indicators),
            )
            for m in report.trend
        ),
        none_text="No figure",
    )
    counts = []
    for m in report.trend:
        for i in report.indicators:
            t = m.tallies[i.code]
            counts.append(
                (
                    f"{m.first:%Y-%m}",
                    m.as_of.isoformat(),
                    pct(m.workload_percent),
                    m.snapshot_on.isoformat() if m.snapshot_on else None,
                    i.name,
                    t.on_time,
                    t.late,
                    t.overdue,
                    t.pending,
                    pct(t.percent_on_time),
                )
            )
    headers = (
        "Month",
        "Assessed as of",
        "Workload %",
        "Workload snapshot of",
        "Indicator",
        "On time",
        "Late",
        "Overdue",
        "Pending",
        "% on time",
    )
    return PerformanceTrend(
        charts, table, Table("trend-counts", f"Timeliness in {unit} month by month", headers, tuple(counts))
    )


def trend_note(report: PerformanceReport) -> str:
    """What the trend shows, in words."""
    if not report.trend:
        return ""
    first, last = report.trend[0], report.trend[-1]
    return (
        f"The work falling due in each month from {first.first:%B %Y} to {last.first:%B %Y}, assessed as it "
        f"stood at the month's end (this month: as of {long_date(last.as_of)}), beside the workload % from "
        f"{report.unit.name}'s last daily snapshot in that month. A month shows no figure when nothing fell "
        "due in it (or, for workload, when no snapshot was taken)."
    )
