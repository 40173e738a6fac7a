"""Assembles the unit page from the selectors and presenters: every table it shows (and exports), the
summary, the chart. Kept out of views.py so the view stays a few lines; takes the scope's querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from caseload.core.charts import TrendChart, long_date
from caseload.dashboards import presenters, selectors
from caseload.dashboards.presenters import ChildRow, CountRow, GroupSummary
from caseload.dashboards.tables import Cell, Column, Table, build_table, export_rows, pagination, sort_items
from caseload.organisations.models import OrgUnit, OrgUnitKind

PAGE_SIZE = 50
TABLE_NAMES = ("units", "practitioners", "bands", "categories", "tiers", "trend")


@dataclass
class TableSource:
    """A table's columns and all its items (not just the page shown), for display and export."""

    name: str
    caption: str
    columns: list[Column[Any]]
    items: list[Any]
    sort_param: str = ""
    sort: str = ""
    empty_text: str = "Nothing to show."

    def table(self, query: dict[str, str], items: list[Any] | None = None) -> Table:
        return build_table(
            self.name,
            self.caption,
            self.columns,
            self.items if items is None else items,
            query=query,
            sort_param=self.sort_param,
            sort=self.sort,
            empty_text=self.empty_text,
        )

    def export(self) -> tuple[list[str], list[list[Any]]]:
        return export_rows(self.columns, self.items)


@dataclass
class UnitPage:
    unit: OrgUnit
    kind: str
    last_updated: str
    summary: list[GroupSummary]
    help: list[tuple[str, str]]
    mixed_units: bool
    chart: TrendChart | None
    bands: Table
    categories: Table
    tiers: Table
    units: Table | None
    practitioners: Table | None
    practitioners_page: Page[Any] | None
    pagination: dict[str, Any] | None
    sees_individuals: bool
    measured: bool


def _count_source(
    name: str, caption: str, first: str, rows: list[CountRow], tags: bool = False
) -> TableSource:
    columns: list[Column[CountRow]] = [
        Column(None, first, lambda r: r.label, lambda r: Cell(r.label, tag=r.tag if tags else None)),
        Column(
            None,
            "Number",
            lambda r: int(r.count.replace(",", "")),
            lambda r: Cell(r.count, numeric=True),
            True,
        ),
    ]
    return TableSource(name, caption, columns, rows, empty_text="None.")


def unit_sources(
    scope: Any, unit: OrgUnit, on: dt.date, params: dict[str, str]
) -> tuple[Any, dict[str, TableSource]]:
    """The unit's data and every table on its page, sorted as asked."""
    children = selectors.current_children(scope.units, unit, on)
    data = selectors.unit_data(unit, children, on)
    categories, levels = selectors.case_counts(unit)
    category_names, level_names = presenters.category_names(data.schemes)
    kind = children[0].get_kind_display() if children else "Unit"
    child_columns = presenters.child_columns(kind)
    child_items, child_sort = sort_items(
        child_columns,
        [ChildRow(c, f, data.children_updated.get(c.pk)) for c, f in data.children],
        params.get("units_sort", "name"),
        "name",
    )
    sources = {
        "units": TableSource(
            "units",
            f"{kind}s in {unit.name}",
            child_columns,
            child_items,
            "units_sort",
            child_sort,
            "No units below this one.",
        ),
        "bands": _count_source(
            "bands", "People by workload band", "Band", presenters.rag_distribution(data.figures), tags=True
        ),
        "categories": _count_source(
            "categories",
            "Open cases by category",
            "Category",
            presenters.name_counts(categories, category_names, "No category"),
        ),
        "tiers": _count_source(
            "tiers",
            "Open cases by tier or level",
            "Tier or level",
            presenters.name_counts(levels, level_names, "No tier"),
        ),
    }
    snapshots = selectors.unit_trend(unit, on)
    trend_columns: list[Column[Any]] = [
        Column(None, "Date", lambda s: s.on, lambda s: Cell(long_date(s.on))),
        Column(
            None,
            "Workload %",
            lambda s: s.workload_percent,
            lambda s: Cell(presenters.percent_text(s.workload_percent), numeric=True),
            True,
        ),
    ]
    sources["trend"] = TableSource("trend", f"{unit.name}: workload % by day", trend_columns, snapshots)
    if scope.sees_individuals:
        sort = params.get("sort", "name")
        key = sort.lstrip("-")
        sort = sort if key in selectors.PRACTITIONER_SORTS else "name"
        workloads = selectors.practitioner_workloads(scope.memberships, unit, on, sort)
        sources["practitioners"] = TableSource(
            "practitioners",
            f"Practitioners in {unit.name}",
            presenters.practitioner_columns(show_team=unit.kind != OrgUnitKind.TEAM),
            workloads,  # type: ignore[arg-type]  # a queryset: paginated for display, whole for export
            "sort",
            sort,
            "Nobody here has a current workload.",
        )
    return data, sources


def unit_page(scope: Any, data: Any, sources: dict[str, TableSource], params: dict[str, str]) -> UnitPage:
    unit = data.unit
    query = {k: v for k, v in params.items() if k not in ("export", "table")}
    practitioners = sources.get("practitioners")
    page = table = None
    if practitioners is not None:
        page = Paginator(practitioners.items, PAGE_SIZE).get_page(params.get("page"))
        table = practitioners.table(query, list(page.object_list))
    return UnitPage(
        unit=unit,
        kind=unit.get_kind_display(),
        last_updated=presenters.when_text(data.last_updated),
        summary=(summary := presenters.summary(data.figures)),
        help=presenters.figure_help(summary),
        mixed_units=len(data.figures.groups) > 1,
        chart=presenters.unit_chart(unit, sources["trend"].items, data.figures),
        bands=sources["bands"].table(query),
        categories=sources["categories"].table(query),
        tiers=sources["tiers"].table(query),
        units=sources["units"].table(query) if sources["units"].items else None,
        practitioners=table,
        practitioners_page=page,
        pagination=pagination(page, query),
        sees_individuals=scope.sees_individuals,
        measured=bool(data.figures.memberships),
    )
