"""Equity, performance and monthly reports for the org units in the user's scope (aggregates; names only
for people who may see individuals, and only on the performance page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from caseload.core.exports import EXPORT_FORMATS
from caseload.organisations.models import OrgUnit
from caseload.reports import exports
from caseload.reports.figures import equity_report, performance_report
from caseload.reports.monthly import monthly_report, neighbours, recent_months, valid_month
from caseload.reports.monthly_presenters import present_monthly
from caseload.reports.performance_presenters import (
    performance_export_rows,
    performance_table,
    period_text,
    present_trend,
    trend_note,
)
from caseload.reports.presenters import Table, present_equity, present_units

PEOPLE_PER_PAGE = 50
TREND_MONTHS = 12


def _unit(request: HttpRequest, unit_id: int) -> OrgUnit:
    """A unit in the user's scope (404 otherwise); 403 for people who never see unit figures."""
    request.scope.require(request.scope.sees_units)  # type: ignore[attr-defined]
    return get_object_or_404(request.scope.units, pk=unit_id)  # type: ignore[attr-defined]


def _download(request: HttpRequest, stem: str, tables: dict[str, Table]) -> HttpResponse | None:
    """The table named by `?download=` in `?format=` (csv or xlsx), when asked for; 404 when unknown."""
    key = request.GET.get("download")
    if key is None:
        return None
    fmt = request.GET.get("format", "csv")
    if key not in tables or fmt not in EXPORT_FORMATS:
        raise Http404("No such download.")
    return exports.download_table(stem, tables[key], fmt)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The units whose reports the user may open."""
    request.scope.require(request.scope.sees_units)  # type: ignore[attr-defined]
    today = timezone.localdate()
    units = request.scope.units.current(today).order_by("path")  # type: ignore[attr-defined]
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    context = {"page_title": "Reports", "page": page, "rows": present_units(page.object_list, today)}
    return render(request, "reports/home.html", context)


@login_required
def equity(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Workload spread across the unit's practitioners, side by side for its child units and over time."""
    unit = _unit(request, unit_id)
    report = equity_report(unit, request.scope.units.within(unit), timezone.localdate())  # type: ignore[attr-defined]
    page = present_equity(report)
    download = _download(request, f"equity-{unit.code}", page.tables)
    if download is not None:
        return download
    return render(
        request, "reports/equity.html", {"page_title": f"Equity: {unit.name}", "unit": unit, "page": page}
    )


@login_required
def performance(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Timeliness of work due this month and the two before it, next to workload, and month by month over
    the last 12 months."""
    unit = _unit(request, unit_id)
    today = timezone.localdate()
    first, last = recent_months(today)
    people = request.scope.sees_individuals  # type: ignore[attr-defined]
    units = request.scope.units.within(unit)  # type: ignore[attr-defined]
    report = performance_report(unit, units, first, last, today, people=people, trend_months=TREND_MONTHS)
    by_unit = performance_table(
        "units", f"Timeliness in {unit.name}", "Unit", report, [report.overall, *report.children]
    )
    person_page = Paginator(report.people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    persons = performance_table(
        "people",
        f"Timeliness by practitioner in {unit.name}",
        "Practitioner",
        report,
        person_page.object_list,
    )
    trend = present_trend(report)
    tables = {
        "units": by_unit,
        "performance": performance_export_rows(report, [report.overall, *report.children]),
        **trend.tables,
    }
    if people:
        tables["people"] = performance_export_rows(report, report.people)
    download = _download(request, f"performance-{unit.code}", tables)
    if download is not None:
        return download
    context = {
        "page_title": f"Performance: {unit.name}",
        "unit": unit,
        "report": report,
        "units_table": by_unit,
        "people_table": persons if people else None,
        "person_page": person_page,
        "period": period_text(first, last),
        "trend": trend,
        "trend_note": trend_note(report),
    }
    return render(request, "reports/performance.html", context)


@login_required
def monthly(request: HttpRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    """The monthly report as a page, or (`?format=xlsx`) a workbook with a sheet per section."""
    unit = _unit(request, unit_id)
    today = timezone.localdate()
    if not valid_month(year, month, today):
        raise Http404("No report for that month.")
    page = present_monthly(monthly_report(unit, request.scope.units.within(unit), year, month, today))  # type: ignore[attr-defined]
    if request.GET.get("format") == "xlsx":
        return exports.workbook(f"monthly-{unit.code}-{year}-{month:02d}", page.title, page.sections)
    previous, following = neighbours(year, month, today)
    context = {
        "page_title": page.title,
        "unit": unit,
        "page": page,
        "previous": previous,
        "following": following,
    }
    return render(request, "reports/monthly.html", context)
