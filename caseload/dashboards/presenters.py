"""Ready-to-show values for the dashboard templates: every figure formatted, every link built, every table
both displayable and exportable from the same columns. No arithmetic on points here: figures come from the
points engine (`caseload.domain.unit_figures`) and are only rounded for display."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caseload.core.charts import TrendChart, trend_chart
from caseload.dashboards.tables import Cell, Column, pagination
from caseload.domain.rounding import one_dp, two_dp
from caseload.domain.scheme import RagBand, Scheme
from caseload.domain.unit_figures import PointsUnitFigures, UnitFigures
from caseload.organisations.models import OrgUnit
from caseload.workloads.models import UnitSnapshot

RAG_TAG_CLASSES = {
    "blue": "govuk-tag--blue",
    "green": "govuk-tag--green",
    "amber": "govuk-tag--orange",
    "red": "govuk-tag--red",
}
MIXED = "Mixed units"


# -- formatting -----------------------------------------------------------------------------------------------


def points_text(value: Decimal | None) -> str:
    """Points with thousands separators; whole numbers without decimals (2 dp otherwise)."""
    if value is None:
        return "–"
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{two_dp(value):,}"


def percent_text(value: Decimal | None) -> str:
    return "–" if value is None else f"{one_dp(value):,}%"


def hours_text(value: Decimal) -> str:
    return f"{points_text(value)} h"


def when_text(value: dt.datetime | None) -> str:
    if value is None:
        return "Not calculated yet"
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def when_short(value: dt.datetime | None) -> str:
    """A recalculation time for a table cell: "16 Mar 2026 10:00", or "–" when never."""
    if value is None:
        return "–"
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %Y %H:%M}"


def tag_class(rag_code: str) -> str:
    return RAG_TAG_CLASSES.get(rag_code, "govuk-tag--grey")


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


# -- the unit page --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: str
    help: str
    tag: str | None = None  # shown as a RAG tag after the value
    tag_text: str = ""


@dataclass(frozen=True)
class GroupSummary:
    heading: str | None  # the points unit, when the unit mixes several
    rows: list[SummaryRow]


@dataclass(frozen=True)
class CountRow:
    label: str
    count: str
    tag: str | None = None


@dataclass
class ChildRow:
    """A child unit with its key figures (raw values, for sorting and export)."""

    unit: OrgUnit
    figures: UnitFigures
    updated: dt.datetime | None = None  # when its figures were last recalculated (latest of its members)

    @property
    def group(self) -> PointsUnitFigures | None:
        return self.figures.single

    @property
    def workload(self) -> Decimal | None:
        return None if self.group is None else one_dp(self.group.totals.workload_percent)

    def points(self, attr: str) -> Decimal | None:
        return None if self.group is None else getattr(self.group.totals, attr)


def _group_rows(group: PointsUnitFigures) -> list[SummaryRow]:
    totals = group.totals
    unit = group.points_unit
    return [
        SummaryRow(
            "Workload",
            percent_text(totals.workload_percent),
            "Total points ÷ available points × 100, summed over everyone measured here before dividing (never "
            "an average of people's percentages).",
            tag_class(group.rag.code) if group.rag else None,
            group.rag.name if group.rag else "",
        ),
        SummaryRow(
            "Total points",
            f"{points_text(totals.total_points)} {unit}",
            "The points of every case, report and activity held here, from the scheme in force.",
        ),
        SummaryRow(
            "Available points",
            f"{points_text(totals.available_points)} {unit}",
            "The time people have for casework: contracted hours less reductions and non-case time, "
            "in the scheme's points.",
        ),
        SummaryRow(
            "Remaining points",
            f"{points_text(totals.remaining_points)} {unit}",
            "Available points less total points. Negative when the unit is over capacity.",
        ),
    ]


def rag_name(group: PointsUnitFigures) -> str:
    return group.rag.name if group.rag else "No single band (schemes band differently)"


def summary(figures: UnitFigures) -> list[GroupSummary]:
    """The headline figures: points per points unit (never summed across units), then people and cases."""
    groups = [
        GroupSummary(
            None if len(figures.groups) == 1 else g.points_unit[:1].upper() + g.points_unit[1:],
            _group_rows(g),
        )
        for g in figures.groups
    ]
    people = [
        SummaryRow(
            "Headcount",
            plural(figures.headcount, "person", "people"),
            f"Distinct practitioners with a current workload here ({plural(figures.memberships, 'workload', 'workloads')}: "
            "someone working in two teams has one in each).",
        ),
        SummaryRow(
            "FTE",
            f"{two_dp(figures.fte):,}",
            "Full-time equivalent: contracted hours ÷ the scheme's full-time week, summed.",
        ),
        SummaryRow(
            "Contracted hours",
            f"{hours_text(figures.contracted_hours)} a week",
            "Weekly contracted hours of everyone measured here.",
        ),
        SummaryRow(
            "Reductions",
            f"{plural(figures.with_reductions, 'person', 'people')}, "
            f"{hours_text(figures.reduction_hours)} a week",
            "People with hours off their available time (training, union duties, protected time…), "
            "and the hours counted in today's figures.",
        ),
        SummaryRow(
            "People over red",
            plural(figures.over_red, "person", "people"),
            "Workloads in their scheme's top (red) band, usually over 110%.",
        ),
        SummaryRow(
            "Cases held",
            f"{figures.case_count:,}",
            "Open cases allocated to the people here and counted in their workloads (unallocated cases are "
            "in the open-case counts below).",
        ),
    ]
    return [*groups, GroupSummary("People and cases" if groups else None, people)]


def figure_help(groups: list[GroupSummary]) -> list[tuple[str, str]]:
    """Each figure's explanation once, in the order shown."""
    return list({row.key: row.help for group in groups for row in group.rows}.items())


def rag_distribution(figures: UnitFigures) -> list[CountRow]:
    return [CountRow(band.name, f"{n:,}", tag_class(band.code)) for band, n in figures.rag_counts]


def name_counts(counts: list[tuple[str, int]], names: dict[str, str], blank: str) -> list[CountRow]:
    return [CountRow(names.get(code, code) if code else blank, f"{n:,}") for code, n in counts]


def category_names(schemes: dict[Hashable, Scheme]) -> tuple[dict[str, str], dict[str, str]]:
    """Category and tier/level names by code, from the schemes involved (first one wins)."""
    categories: dict[str, str] = {}
    levels: dict[str, str] = {}
    for scheme in schemes.values():
        for category in scheme.categories:
            categories.setdefault(category.code, category.name)
            for level in category.levels:
                levels.setdefault(level.code, level.name)
    return categories, levels


def band_lines(figures: UnitFigures) -> list[tuple[Decimal, str]]:
    """Threshold lines for the trend chart: where each band after the first starts (one scheme's bands)."""
    group = figures.single
    if group is None or group.rag is None:
        return []
    bands: Sequence[RagBand] = group.bands
    lines = []
    for band, following in pairwise(bands):
        bound = band.below if band.below is not None else band.up_to
        if bound is not None:
            lines.append((bound, following.name))
    return lines


def unit_chart(unit: OrgUnit, snapshots: list[UnitSnapshot], figures: UnitFigures) -> TrendChart | None:
    """The workload % trend, or None when the unit mixes points units (no single percentage: ADR 0006)."""
    if len(figures.groups) > 1:
        return None
    points = [(s.on, s.workload_percent) for s in snapshots]
    return trend_chart(points, title=f"{unit.name}: workload % by day", bands=band_lines(figures))


def child_columns(kind_label: str) -> list[Column[ChildRow]]:
    def unit_link(row: ChildRow) -> Cell:
        return Cell(row.unit.name, href=reverse("dashboards:unit", args=[row.unit.pk]))

    def workload_cell(row: ChildRow) -> Cell:
        if row.group is None:
            return Cell(MIXED if row.figures.groups else "–", numeric=True)
        return Cell(percent_text(row.workload), numeric=True)

    def pts(attr: str) -> Callable[[ChildRow], Cell]:
        return lambda row: Cell(
            MIXED if row.group is None and row.figures.groups else points_text(row.points(attr)), numeric=True
        )

    return [
        Column("name", kind_label, lambda r: r.unit.name, unit_link),
        Column("workload", "Workload %", lambda r: r.workload, workload_cell, numeric=True),
        Column(
            "rag",
            "Band",
            lambda r: rag_name(r.group) if r.group else None,
            lambda r: (
                Cell(rag_name(r.group), tag=tag_class(r.group.rag.code) if r.group.rag else None)
                if r.group
                else Cell("–")
            ),
        ),
        Column(
            "total", "Total points", lambda r: r.points("total_points"), pts("total_points"), numeric=True
        ),
        Column(
            "available",
            "Available points",
            lambda r: r.points("available_points"),
            pts("available_points"),
            numeric=True,
        ),
        Column(
            "remaining",
            "Remaining points",
            lambda r: r.points("remaining_points"),
            pts("remaining_points"),
            numeric=True,
        ),
        Column(
            "headcount",
            "Headcount",
            lambda r: r.figures.headcount,
            lambda r: Cell(f"{r.figures.headcount:,}", numeric=True),
            numeric=True,
        ),
        Column(
            "fte",
            "FTE",
            lambda r: two_dp(r.figures.fte),
            lambda r: Cell(f"{two_dp(r.figures.fte):,}", numeric=True),
            numeric=True,
        ),
        Column(
            "over_red",
            "Over red",
            lambda r: r.figures.over_red,
            lambda r: Cell(f"{r.figures.over_red:,}", numeric=True),
            numeric=True,
        ),
        Column(
            "cases",
            "Cases held",
            lambda r: r.figures.case_count,
            lambda r: Cell(f"{r.figures.case_count:,}", numeric=True),
            numeric=True,
        ),
        Column("updated", "Last updated", lambda r: r.updated, lambda r: Cell(when_short(r.updated))),
    ]


def practitioner_columns(show_team: bool) -> list[Column[Any]]:
    """Columns of the practitioners table over stored `Workload` rows (membership, practitioner preloaded)."""

    def name_cell(w: Any) -> Cell:
        return Cell(
            w.membership.practitioner.full_name,
            href=reverse("organisations:practitioner", args=[w.membership_id]),
        )

    def number(attr: str, text: Callable[[Any], str] = points_text) -> Column[Any]:
        return Column(
            None, "", lambda w: getattr(w, attr), lambda w: Cell(text(getattr(w, attr)), numeric=True), True
        )

    columns: list[Column[Any]] = [
        Column("name", "Name", lambda w: w.membership.practitioner.full_name, name_cell),
        Column(
            None,
            "Staff code",
            lambda w: w.membership.practitioner.staff_code,
            lambda w: Cell(w.membership.practitioner.staff_code),
        ),
    ]
    if show_team:
        columns.append(
            Column("team", "Team", lambda w: w.membership.team.name, lambda w: Cell(w.membership.team.name))
        )
    columns += [
        Column(
            "grade",
            "Grade",
            lambda w: w.membership.practitioner.grade.name,
            lambda w: Cell(w.membership.practitioner.grade.name),
        ),
        _renamed(number("contracted_hours", hours_text), "hours", "Hours"),
        _renamed(number("case_count", lambda v: f"{v:,}"), "cases", "Cases"),
        _renamed(number("total_points"), "points", "Points"),
        _renamed(number("available_points"), "available", "Available"),
        Column(
            "workload",
            "Workload %",
            lambda w: one_dp(w.workload_percent),
            lambda w: Cell(percent_text(w.workload_percent), numeric=True),
            numeric=True,
        ),
        Column(None, "Band", lambda w: w.rag_name, lambda w: Cell(w.rag_name, tag=tag_class(w.rag))),
        _renamed(number("reduction_hours", hours_text), "reductions", "Reductions"),
    ]
    return columns


def _renamed(column: Column[Any], key: str, label: str) -> Column[Any]:
    return Column(key, label, column.value, column.cell, column.numeric)


def breadcrumbs(ancestors: list[OrgUnit], unit: OrgUnit) -> list[dict[str, str]]:
    """GOV.UK breadcrumb items: the scope's top (home), each ancestor in scope, then the unit (no link)."""
    items = [{"text": "Home", "href": reverse("dashboards:home")}]
    items += [{"text": a.name, "href": reverse("dashboards:unit", args=[a.pk])} for a in ancestors]
    items.append({"text": unit.name})
    return items


@dataclass
class TopUnit:
    """A card on the home page: a unit the user oversees with its headline figures."""

    name: str
    kind: str
    href: str
    headline: list[str] = field(default_factory=list)


def top_unit(unit: OrgUnit, figures: UnitFigures) -> TopUnit:
    lines = [
        f"{percent_text(g.totals.workload_percent)} workload ({g.points_unit})" for g in figures.groups
    ] or ["No workloads measured yet"]
    lines.append(
        f"{plural(figures.headcount, 'person', 'people')}, {plural(figures.over_red, 'person', 'people')} over red, "
        f"{plural(figures.case_count, 'case held', 'cases held')}"
    )
    return TopUnit(unit.name, unit.get_kind_display(), reverse("dashboards:unit", args=[unit.pk]), lines)


# -- search ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonResult:
    name: str
    staff_code: str
    grade: str
    teams: list[tuple[str, str]]  # (team name, link to the practitioner page for that membership)


@dataclass(frozen=True)
class CaseResult:
    reference: str
    name: str
    team: str
    holder: str
    status: str
    href: str = ""  # the case page


@dataclass(frozen=True)
class SearchResults:
    query: str
    people: list[PersonResult]
    cases: list[CaseResult]
    people_page: Any
    cases_page: Any
    people_count: int
    cases_count: int
    searched: bool
    people_pagination: dict[str, Any] | None = None
    cases_pagination: dict[str, Any] | None = None


def search_results(query: str, people_page: Any, cases_page: Any, *, pseudonymised: bool) -> SearchResults:
    people = [
        PersonResult(
            p.full_name,
            p.staff_code,
            p.grade.name,
            [(m.team.name, reverse("organisations:practitioner", args=[m.pk])) for m in p.scoped_memberships],
        )
        for p in (people_page.object_list if people_page else [])
    ]
    cases = [
        CaseResult(
            c.reference,
            c.pseudonym if pseudonymised else c.name,
            c.team.name,
            "Unallocated"
            if c.practitioner is None
            else ("Allocated" if pseudonymised else c.practitioner.full_name),
            c.get_status_display(),
            reverse("cases:case", args=[c.pk]),
        )
        for c in (cases_page.object_list if cases_page else [])
    ]
    return SearchResults(
        query=query,
        people=people,
        cases=cases,
        people_page=people_page,
        cases_page=cases_page,
        people_count=people_page.paginator.count if people_page else 0,
        cases_count=cases_page.paginator.count if cases_page else 0,
        searched=bool(query),
        people_pagination=pagination(
            people_page, _page_query(query, "cases_page", cases_page), "people_page"
        ),
        cases_pagination=pagination(cases_page, _page_query(query, "people_page", people_page), "cases_page"),
    )


def _page_query(query: str, other: str, other_page: Any) -> dict[str, str]:
    """The search's query string, keeping the other list on its page."""
    params = {"q": query}
    if other_page is not None and other_page.number > 1:
        params[other] = str(other_page.number)
    return params
