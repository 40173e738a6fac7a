"""Ready-to-show values for the report pages and their downloads.

A `Table` holds rounded values (Decimals to 1 or 2 dp, counts, text); the page shows them formatted and
the CSV/XLSX download writes the same values as numbers, so what is downloaded is what was read. `None` is
a figure that is not defined (a Gini coefficient of nobody, a ratio with a zero load) and shows as
"Not defined" on the page and an empty cell in a download."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils.html import format_html

from caseload.core.charts import TrendChart, trend_chart
from caseload.domain.equity import Bin
from caseload.domain.rounding import one_dp, two_dp
from caseload.reports.figures import EquityReport, GroupFigures

NOT_DEFINED = "Not defined"
Cell = str | int | Decimal | None


def pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else one_dp(value)


def three_dp(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def show(value: Cell) -> str:
    """A cell as page text: numbers with thousands separators; None as "Not defined"."""
    if value is None:
        return NOT_DEFINED
    if isinstance(value, int | Decimal):
        return f"{value:,}"
    return value


@dataclass(frozen=True)
class Table:
    """A table with a caption, headers and rows of values; `key` names it in download links."""

    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    links: tuple[str, ...] = ()  # optional link for each row's first cell
    none_text: str = NOT_DEFINED  # how the page shows a None cell (a download leaves it empty)

    @property
    def head(self) -> list[dict[str, str]]:
        return [{"text": h, **({"format": "numeric"} if i else {})} for i, h in enumerate(self.headers)]

    @property
    def body(self) -> list[list[dict[str, Any]]]:
        """Rows for govukTable: the first cell a row header, numbers right-aligned."""
        out = []
        for r, row in enumerate(self.rows):
            cells: list[dict[str, Any]] = []
            for c, value in enumerate(row):
                cell: dict[str, Any] = {"text": self.none_text if value is None else show(value)}
                if c and not isinstance(value, str):
                    cell["format"] = "numeric"
                cells.append(cell)
            if self.links and self.links[r]:
                cells[0] = {"html": self.links[r]}
            out.append(cells)
        return out

    @property
    def empty(self) -> bool:
        return not self.rows


# -- equity -----------------------------------------------------------------------------------------------

EQUITY_HEADERS = (
    "Unit",
    "Workloads measured",
    "Workload %",
    "Mean %",
    "Median %",
    "Coefficient of variation %",
    "Gini coefficient",
    "Max/min ratio",
    "Over red",
    "Share over red %",
    "Headroom (FTE)",
    "FTE to bring teams to 100%",
    "Target staffing (FTE)",
    "Staff in post (FTE)",
)


def equity_cells(group: GroupFigures) -> tuple[Cell, ...]:
    e, cap = group.equity, group.capacity
    return (
        group.unit.name,
        e.count,
        pct(group.total.workload_percent) if group.total else None,
        pct(e.mean),
        pct(e.median),
        pct(e.coefficient_of_variation),
        three_dp(e.gini),
        None if e.max_min_ratio is None else two_dp(e.max_min_ratio),
        e.over_red,
        pct(e.share_over_red),
        cap.headroom_fte,
        cap.fte_to_100,
        cap.target_fte,
        cap.actual_fte,
    )


SPREAD_COLUMNS = tuple(range(10))
CAPACITY_COLUMNS = (0, 1, 10, 11, 12, 13)


def equity_table(
    key: str,
    caption: str,
    groups: Sequence[GroupFigures],
    links: Sequence[str] = (),
    columns: Sequence[int] = tuple(range(len(EQUITY_HEADERS))),
) -> Table:
    """Units as rows with the chosen columns of `EQUITY_HEADERS` (all by default)."""
    rows = tuple(tuple(cells[c] for c in columns) for cells in (equity_cells(g) for g in groups))
    return Table(key, caption, tuple(EQUITY_HEADERS[c] for c in columns), rows, tuple(links))


def team_table(group: GroupFigures) -> Table:
    rows = tuple(
        (t.label, t.headroom_fte, t.fte_to_100, t.fte_to_100_with_allowance, t.target_fte, t.actual_fte)
        for t in sorted(group.teams, key=lambda t: t.label)
    )
    headers = (
        "Team",
        "Headroom (FTE)",
        "FTE to bring to 100%",
        "With staffing allowance",
        "Target staffing (FTE)",
        "Staff in post (FTE)",
    )
    return Table("teams", f"Capacity of each team in {group.unit.name}", headers, rows)


@dataclass(frozen=True)
class Summary:
    key: str
    value: str
    hint: str = ""


def summary_rows(group: GroupFigures) -> list[dict[str, Any]]:
    """The headline metrics as govukSummaryList rows."""
    cells = dict(zip(EQUITY_HEADERS, equity_cells(group), strict=True))
    hints = {
        "Coefficient of variation %": "Standard deviation ÷ mean: 0 means everyone carries the same load.",
        "Gini coefficient": "0 is perfectly even; values towards 1 mean the work sits with a few people.",
        "Max/min ratio": "Highest load ÷ lowest load (not defined when someone's load is 0).",
        "FTE to bring teams to 100%": "Sum of each team's shortfall; spare time in one team is not netted off.",
    }
    rows = []
    for heading in EQUITY_HEADERS[1:]:
        text = show(cells[heading])
        hint = hints.get(heading)
        value: dict[str, str] = (
            {"html": f'{text}<br><span class="govuk-hint govuk-!-margin-bottom-0">{hint}</span>'}
            if hint
            else {"text": text}
        )
        rows.append({"key": {"text": heading}, "value": value})
    return rows


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    label: str  # "90% to under 100%: 3 workloads"
    axis_label: str
    count_y: str
    count: int


@dataclass(frozen=True)
class Histogram:
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: int
    table: Table

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _plural(n: int) -> str:
    return f"{n} workload" if n == 1 else f"{n} workloads"


def present_histogram(bins: Sequence[Bin], unit_name: str) -> Histogram:
    """Bars of an accessible SVG histogram (geometry only) and the same counts as a table."""
    width, height, top, bottom, left = 640, 260, 24, 44, 8
    plot_h = height - top - bottom
    tallest = max((b.count for b in bins), default=0) or 1
    slot = (width - 2 * left) / max(len(bins), 1)
    bars = []
    rows = []
    for i, b in enumerate(bins):
        name = f"{one_dp(b.low)}% to under {one_dp(b.high)}%"
        h = plot_h * b.count / tallest
        x = left + i * slot
        bars.append(
            Bar(
                x=f"{x + 2:.1f}",
                y=f"{top + plot_h - h:.1f}",
                width=f"{max(slot - 4, 1):.1f}",
                height=f"{h:.1f}",
                label=f"{name}: {_plural(b.count)}",
                axis_label=f"{one_dp(b.low):g}",
                count_y=f"{top + plot_h - h - 4:.1f}",
                count=b.count,
            )
        )
        rows.append((name, b.count))
    title = f"Spread of workload % in {unit_name}"
    busiest = max(bins, key=lambda b: b.count) if bins else None
    description = (
        f"{title}: {sum(b.count for b in bins)} workloads in bands of 10 percentage points; the most common "
        f"band is {one_dp(busiest.low)}% to under {one_dp(busiest.high)}% with {_plural(busiest.count)}."
        if busiest
        else f"{title}: no workloads measured."
    )
    table = Table("distribution", title, ("Workload % band", "Workloads"), tuple(rows))
    return Histogram(title, description, tuple(bars), width, height, height - bottom, table)


def trend_table(report: EquityReport) -> Table:
    rows = tuple(
        (
            p.on.isoformat(),
            p.figures.equity.count,
            pct(p.figures.total.workload_percent) if p.figures.total else None,
            pct(p.figures.equity.coefficient_of_variation),
            three_dp(p.figures.equity.gini),
            pct(p.figures.equity.share_over_red),
        )
        for p in report.trend
    )
    headers = (
        "Week ending",
        "Workloads measured",
        "Workload %",
        "Coefficient of variation %",
        "Gini",
        "Share over red %",
    )
    return Table("trend", f"Equity in {report.unit.name} week by week", headers, rows)


def trend_charts(report: EquityReport) -> tuple[TrendChart, TrendChart]:
    workload = trend_chart(
        [(p.on, p.figures.total.workload_percent if p.figures.total else None) for p in report.trend],
        title=f"Workload % of {report.unit.name}, week by week",
    )
    spread = trend_chart(
        [(p.on, p.figures.equity.coefficient_of_variation) for p in report.trend],
        title=f"Coefficient of variation of workload % in {report.unit.name}, week by week",
    )
    return workload, spread


# -- pages ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquityPage:
    summary: list[dict[str, Any]]
    box: list[dict[str, Any]]
    histogram: Histogram
    comparison: Table
    capacity: Table
    teams: Table
    trend: Table
    workload_chart: TrendChart
    spread_chart: TrendChart

    @property
    def tables(self) -> dict[str, Table]:
        return {
            t.key: t for t in (self.comparison, self.capacity, self.teams, self.histogram.table, self.trend)
        }


def unit_link(url_name: str, group_unit: Any, *args: Any) -> str:
    """A link to a unit's report page, as safe HTML for a table cell."""
    return format_html(
        '<a class="govuk-link" href="{}">{}</a>',
        reverse(url_name, args=[group_unit.pk, *args]),
        group_unit.name,
    )


def present_equity(report: EquityReport) -> EquityPage:
    """Everything the equity page shows, each child unit linked to its own equity page."""
    groups = [report.overall, *report.children]
    links = ["", *(unit_link("reports:equity", c.unit) for c in report.children)] if report.children else []
    box = report.overall.equity.box
    box_rows = (
        [
            {"key": {"text": k}, "value": {"text": f"{one_dp(v)}%"}}
            for k, v in (
                ("Lowest", box.minimum),
                ("Lower quartile", box.lower_quartile),
                ("Median", box.median),
                ("Upper quartile", box.upper_quartile),
                ("Highest", box.maximum),
            )
        ]
        if box
        else []
    )
    workload_chart, spread_chart = trend_charts(report)
    return EquityPage(
        summary=summary_rows(report.overall),
        box=box_rows,
        histogram=present_histogram(report.bins, report.unit.name),
        comparison=equity_table(
            "comparison",
            f"Spread of workload in {report.unit.name} and its units",
            groups,
            links,
            SPREAD_COLUMNS,
        ),
        capacity=equity_table(
            "capacity", f"Capacity of {report.unit.name} and its units", groups, links, CAPACITY_COLUMNS
        ),
        teams=team_table(report.overall),
        trend=trend_table(report),
        workload_chart=workload_chart,
        spread_chart=spread_chart,
    )


@dataclass(frozen=True)
class UnitRow:
    name: str
    kind: str
    depth_class: str
    equity_url: str
    performance_url: str
    monthly_url: str


def present_units(units: Sequence[Any], today: dt.date) -> list[UnitRow]:
    """Each unit with links to its three reports (the monthly one for the current month)."""
    top = min((u.depth for u in units), default=0)
    return [
        UnitRow(
            name=u.name,
            kind=u.get_kind_display(),
            depth_class=f"caseload-report-depth-{min(u.depth - top, 4)}",
            equity_url=reverse("reports:equity", args=[u.pk]),
            performance_url=reverse("reports:performance", args=[u.pk]),
            monthly_url=reverse("reports:monthly", args=[u.pk, today.year, today.month]),
        )
        for u in units
    ]
