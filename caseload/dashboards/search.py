"""The search page's two result lists as tables: each downloadable (CSV or XLSX) whole, every page of it,
from the same presented results the page shows (so pseudonyms stay pseudonyms)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator

from caseload.dashboards.pages import TableSource
from caseload.dashboards.presenters import PersonResult, SearchResults
from caseload.dashboards.tables import Cell, Column, Table

NO_TEAM = "No current team"


def _teams(person: PersonResult) -> str:
    return "; ".join(team for team, _ in person.teams) or NO_TEAM


PEOPLE_COLUMNS: list[Column[Any]] = [
    Column(None, "Name", lambda p: p.name, lambda p: Cell(p.name)),
    Column(None, "Staff code", lambda p: p.staff_code, lambda p: Cell(p.staff_code)),
    Column(None, "Grade", lambda p: p.grade, lambda p: Cell(p.grade)),
    Column(None, "Workload in", _teams, lambda p: Cell(_teams(p))),
]

CASE_COLUMNS: list[Column[Any]] = [
    Column(None, "Reference", lambda c: c.reference, lambda c: Cell(c.reference, href=c.href)),
    Column(None, "Name", lambda c: c.name, lambda c: Cell(c.name)),
    Column(None, "Team", lambda c: c.team, lambda c: Cell(c.team)),
    Column(None, "Held by", lambda c: c.holder, lambda c: Cell(c.holder)),
    Column(None, "Status", lambda c: c.status, lambda c: Cell(c.status)),
]


def whole(queryset: Any) -> Page[Any]:
    """Every result on one page (what a download holds), so the page's presenter can present them all."""
    return Paginator(queryset, max(queryset.count(), 1)).page(1)


def search_sources(results: SearchResults) -> dict[str, TableSource]:
    query = results.query
    return {
        "people": TableSource(
            "people", f"Practitioners matching “{query}”", PEOPLE_COLUMNS, list(results.people)
        ),
        "cases": TableSource("cases", f"Cases matching “{query}”", CASE_COLUMNS, list(results.cases)),
    }


def search_tables(results: SearchResults) -> dict[str, Table]:
    """The result tables of the page shown, for their captions and download links (which keep the query)."""
    return {name: source.table({"q": results.query}) for name, source in search_sources(results).items()}
