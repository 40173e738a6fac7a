"""The tables of the workload page, each shown and downloadable (CSV or XLSX) from the same columns
(`caseload.dashboards.tables`), so a download holds the values the page shows.

Cases sort by reference, category, tier or points (`?cases_sort=-points`) and reductions by reason, hours,
start or end date (`?reductions_sort=ends`), through plain links that need no JavaScript. Figures stay as
the engine stored them: "206.00" on the page is the number 206.00 in a download.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from caseload.core.charts import long_date
from caseload.dashboards.pages import TableSource
from caseload.dashboards.presenters import percent_text
from caseload.dashboards.tables import Cell, Column, Table, sort_items
from caseload.domain.rounding import one_dp
from caseload.organisations.presenters import CaseRow, DueRow, ItemRow, ReductionRow, Row, WorkloadPage

TABLE_NAMES = (
    "available",
    "cases",
    "due",
    "cms_in",
    "cms_out",
    "reports",
    "other",
    "reductions",
    "trend",
)
CASES_DEFAULT_SORT = "reference"
REDUCTIONS_DEFAULT_SORT = "-starts"


def figure(text: str) -> Decimal | str:
    """A figure as stored ("206.00", "-18.00") as a number for spreadsheets; other text as it is."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


AVAILABLE_COLUMNS: list[Column[Row]] = [
    Column(None, "Step", lambda r: r.label, lambda r: Cell(r.label)),
    Column(None, "Value", lambda r: figure(r.value), lambda r: Cell(r.value, numeric=True), True),
]

CASE_COLUMNS: list[Column[CaseRow]] = [
    Column("reference", "Reference", lambda r: r.reference, lambda r: Cell(r.reference, href=r.href)),
    Column("category", "Category", lambda r: r.category, lambda r: Cell(r.category)),
    Column("level", "Tier", lambda r: r.tier, lambda r: Cell(r.tier)),
    Column("points", "Points", lambda r: figure(r.points), lambda r: Cell(r.points, numeric=True), True),
    Column(None, "Why", lambda r: r.rule, lambda r: Cell(r.rule)),
]

DUE_COLUMNS: list[Column[DueRow]] = [
    Column(None, "Reference", lambda r: r.reference, lambda r: Cell(r.reference)),
    Column(None, "What", lambda r: r.what, lambda r: Cell(r.what)),
    Column(None, "Date", lambda r: r.day, lambda r: Cell(r.date)),
    Column(None, "When", lambda r: r.in_days, lambda r: Cell(r.in_days)),
]

ITEM_COLUMNS: list[Column[ItemRow]] = [
    Column(None, "Reference", lambda r: r.reference, lambda r: Cell(r.reference)),
    Column(None, "Points", lambda r: figure(r.points), lambda r: Cell(r.points, numeric=True), True),
    Column(None, "Why", lambda r: r.rule, lambda r: Cell(r.rule)),
]

REDUCTION_COLUMNS: list[Column[ReductionRow]] = [
    Column("reason", "Reason", lambda r: r.reason, lambda r: Cell(r.reason)),
    Column("hours", "Hours a week", lambda r: r.hours_value, lambda r: Cell(r.hours), numeric=True),
    Column("starts", "Starts", lambda r: r.starts_on, lambda r: Cell(r.starts)),
    Column("ends", "Ends", lambda r: r.ends_on, lambda r: Cell(r.ends)),
    Column(None, "Status", lambda r: r.status, lambda r: Cell(r.status)),
]

TREND_COLUMNS: list[Column[Any]] = [
    Column(None, "Date", lambda s: s.on, lambda s: Cell(long_date(s.on))),
    Column(
        None,
        "Workload %",
        lambda s: None if s.workload_percent is None else one_dp(s.workload_percent),
        lambda s: Cell(percent_text(s.workload_percent), numeric=True),
        True,
    ),
]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def workload_sources(
    page: WorkloadPage, snapshots: Sequence[Any], params: Mapping[str, str], *, own: bool
) -> dict[str, TableSource]:
    """Every table of the page, cases and reductions sorted as asked (an unknown sort: the default)."""
    cases, cases_sort = sort_items(
        CASE_COLUMNS, list(page.cases), params.get("cases_sort", CASES_DEFAULT_SORT), CASES_DEFAULT_SORT
    )
    reductions, reductions_sort = sort_items(
        REDUCTION_COLUMNS,
        list(page.reductions),
        params.get("reductions_sort", REDUCTIONS_DEFAULT_SORT),
        REDUCTIONS_DEFAULT_SORT,
    )
    whose = "your cases" if own else "these cases"
    sources = [
        TableSource(
            "available",
            "How available points are worked out, step by step",
            AVAILABLE_COLUMNS,
            list(page.available_time),
            empty_text="No derivation yet.",
        ),
        TableSource(
            "cases",
            f"{_plural(len(cases), 'open case', 'open cases')} and their points",
            CASE_COLUMNS,
            cases,
            "cases_sort",
            cases_sort,
            "No open cases.",
        ),
        TableSource(
            "due",
            "Cases ending and releases due in the next 4 weeks",
            DUE_COLUMNS,
            list(page.due_soon),
            empty_text="No cases end and no releases are due in the next 4 weeks.",
        ),
        TableSource(
            "cms_in",
            "Support done for colleagues (points in)",
            ITEM_COLUMNS,
            list(page.cms_in),
            empty_text="No support done for colleagues in the scheme's window.",
        ),
        TableSource(
            "cms_out",
            f"Support colleagues did on {whose} (points out)",
            ITEM_COLUMNS,
            list(page.cms_out),
            empty_text="No support received in the scheme's window.",
        ),
        TableSource(
            "reports",
            "Reports completed in the scheme's window",
            ITEM_COLUMNS,
            list(page.reports),
            empty_text="No reports count at the moment.",
        ),
        TableSource(
            "other",
            "Non-case time and extra responsibilities",
            ITEM_COLUMNS,
            list(page.other_items),
            empty_text="No other work.",
        ),
        TableSource(
            "reductions",
            "Time taken off available hours",
            REDUCTION_COLUMNS,
            reductions,
            "reductions_sort",
            reductions_sort,
            "No reductions.",
        ),
        TableSource("trend", page.chart.title, TREND_COLUMNS, list(snapshots), empty_text="No figures yet."),
    ]
    return {source.name: source for source in sources}


@dataclass(frozen=True)
class ShownTable:
    """A table as the page shows it: caption, sortable headers and download links (`table`), and the
    presented rows in the same order (`rows`), for cells that hold more than text (links, explanations)."""

    table: Table
    rows: list[Any]


def shown_tables(sources: Mapping[str, TableSource], params: Mapping[str, str]) -> dict[str, ShownTable]:
    query = {k: v for k, v in params.items() if k not in ("export", "table")}
    return {name: ShownTable(source.table(query), source.items) for name, source in sources.items()}
