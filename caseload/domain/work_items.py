"""Work that is not a case: fixed non-case time, extra responsibilities and court/parole reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from caseload.domain.results import KIND_EXTRA, KIND_NON_CASE_TIME, KIND_REPORT, BreakdownItem
from caseload.domain.rounding import two_dp
from caseload.domain.scheme import Scheme
from caseload.domain.values import ExtraResponsibilityInput, ReportInput

ZERO_POINTS = Decimal("0.00")


def non_case_items(scheme: Scheme, grade: str) -> tuple[BreakdownItem, ...]:
    """Fixed non-case time (supervision, training, team duty…) counted as work: minutes a week, per grade.

    Source: social-care §1.2 (Wirral: 15 of 100 points are a "stable" non-case element), §7.2 (fixed
    non-case time: supervision, training, team duties).
    """
    items = []
    for item in scheme.non_case_time:
        minutes = two_dp(item.minutes_for(grade))
        rule = f"{item.name}: {minutes} min/week for grade {grade} ({scheme.label})"
        items.append(BreakdownItem(KIND_NON_CASE_TIME, item.code, minutes, rule))
    return tuple(items)


def extra_items(
    scheme: Scheme, extras: Iterable[ExtraResponsibilityInput]
) -> tuple[list[BreakdownItem], list[str]]:
    """Extra responsibilities (duty rota, practice educator, champion roles): points × quantity each.

    Source: social-care §1.2 (Wirral, Oxfordshire/Knowsley: "extra responsibilities" element), §7.2.
    Unknown codes earn 0 and raise a warning.
    """
    items, warnings = [], []
    for extra in sorted(extras, key=lambda e: (e.code, e.quantity)):
        known = scheme.extra_responsibilities_by_code.get(extra.code)
        if known is None:
            message = f"extra responsibility {extra.code!r} is not in the scheme"
            warnings.append(message)
            items.append(
                BreakdownItem(KIND_EXTRA, extra.code, ZERO_POINTS, f"{message}: 0 points ({scheme.label})")
            )
            continue
        points = two_dp(known.points * extra.quantity)
        rule = f"{known.name}: {extra.quantity} × {known.points} = {points} ({scheme.label})"
        items.append(BreakdownItem(KIND_EXTRA, extra.code, points, rule))
    return items, warnings


def report_in_window(scheme: Scheme, report: ReportInput, on: date) -> bool:
    """A report counts when completed in the last `court_reports.window_days` days: on − N < completed <= on.

    Source: WMT §2.3 (SDRs and FDRs completed in the last 30 days × their weights).
    """
    return on - timedelta(days=scheme.court_reports.window_days) < report.completed <= on


def report_items(
    scheme: Scheme, reports: Iterable[ReportInput], on: date
) -> tuple[list[BreakdownItem], list[str]]:
    """Court/parole reports in the window, each worth its type's points; unknown types earn 0 with a warning."""
    items, warnings = [], []
    window = scheme.court_reports.window_days
    for report in sorted(reports, key=lambda r: (r.completed, r.type)):
        if not report_in_window(scheme, report, on):
            continue
        when = report.completed.isoformat()
        known = scheme.report_types_by_code.get(report.type)
        if known is None:
            message = f"report type {report.type!r} is not in the scheme"
            warnings.append(message)
            items.append(
                BreakdownItem(KIND_REPORT, report.type, ZERO_POINTS, f"{message}: 0 points ({scheme.label})")
            )
            continue
        rule = f"{known.name} completed {when} (last {window} days): {known.points} points ({scheme.label})"
        items.append(BreakdownItem(KIND_REPORT, known.code, two_dp(known.points), rule))
    return items, warnings
