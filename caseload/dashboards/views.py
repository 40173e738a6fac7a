"""Workload dashboards: the user's top units (home), each unit's figures and tables, and search."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caseload.dashboards import downloads, pages, presenters, selectors
from caseload.dashboards.search import search_sources, search_tables, whole

SEARCH_PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The units the user oversees with their headline figures; practitioners go to their own workload."""
    scope = request.scope  # type: ignore[attr-defined]
    if not scope.sees_units:
        return redirect("organisations:my-workload")
    today = timezone.localdate()
    units = selectors.top_units(scope.units, scope.unit_paths, today)
    cards = [presenters.top_unit(u, selectors.unit_data(u, [], today).figures) for u in units]
    return render(request, "dashboards/home.html", {"page_title": "Workload", "cards": cards})


@login_required
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One unit's workload: figures, trend, child units and (for managers) practitioners; `?export=` downloads
    one of its tables as CSV or XLSX."""
    scope = request.scope  # type: ignore[attr-defined]
    org_unit = get_object_or_404(scope.units, pk=unit_id)
    params = request.GET.dict()
    data, sources = pages.unit_sources(scope, org_unit, timezone.localdate(), params)
    if downloads.wants_download(params):
        return downloads.table_response(sources, params, org_unit.code)
    page = pages.unit_page(scope, data, sources, params)
    crumbs = presenters.breadcrumbs(selectors.breadcrumb_units(scope.units, org_unit), org_unit)
    context = {"page_title": org_unit.name, "page": page, "crumbs": crumbs, "query": ""}
    return render(request, "dashboards/unit.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Practitioners by name or staff code and cases by reference, within the scope;
    `?export=csv|xlsx&table=people|cases` downloads every result of one list (once something is searched)."""
    scope = request.scope  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:100]
    people = cases = None
    if query:
        people = selectors.search_practitioners(scope.practitioners, scope.memberships, query)
        cases = selectors.search_cases(scope.cases, query)
    params = request.GET.dict()
    if downloads.wants_download(params):
        if not query:
            raise Http404("Search for something to download its results.")
        table = params.get("table")
        everything = presenters.search_results(
            query,
            whole(people) if table == "people" else None,
            whole(cases) if table == "cases" else None,
            pseudonymised=scope.pseudonymised,
        )
        return downloads.table_response(search_sources(everything), params, "search")
    results = presenters.search_results(
        query,
        _page(people, params.get("people_page")),
        _page(cases, params.get("cases_page")),
        pseudonymised=scope.pseudonymised,
    )
    context = {"page_title": "Search", "results": results, "query": query, "tables": search_tables(results)}
    return render(request, "dashboards/search.html", context)


def _page(results: Any, number: str | None) -> Any:
    return None if results is None else Paginator(results, SEARCH_PAGE_SIZE).get_page(number)
