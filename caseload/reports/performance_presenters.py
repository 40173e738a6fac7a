"""Ready-to-show timeliness results: each unit's or person's indicators beside their workload %."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from caseload.domain.performance import Tally
from caseload.domain.rounding import one_dp
from caseload.reports.figures import PerformanceReport, PerformanceRow
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
