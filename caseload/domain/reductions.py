"""Reduction rules: which reductions count on a date, and the hours a reason pre-fills or allows."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from caseload.domain.rounding import two_dp
from caseload.domain.scheme import ReductionReason, Scheme
from caseload.domain.values import ReductionInput


def reduction_exclusion(scheme: Scheme, reduction: ReductionInput, on: date) -> str | None:
    """Why a reduction does not count on `on`, or None when it counts.

    Rule: a reduction counts when it is not deleted, its reason is known to the scheme and enabled, and
    effective_from <= on <= effective_to (no end date: open-ended). Source: WMT §4.3 (realtime engine
    checks dates and status; batch engine checks status and `reduction_reason.is_enabled`, WFP-951).
    """
    reason = scheme.reasons_by_code.get(reduction.reason)
    if reduction.deleted:
        return "deleted"
    if reason is None:
        return f"reason {reduction.reason!r} is not in the scheme"
    if not reason.enabled:
        return f"reason {reason.name!r} is disabled"
    if on < reduction.effective_from:
        return f"starts {reduction.effective_from.isoformat()}"
    if reduction.effective_to is not None and on > reduction.effective_to:
        return f"ended {reduction.effective_to.isoformat()}"
    return None


def default_reduction_hours(reason: ReductionReason, contracted_hours: Decimal) -> Decimal | None:
    """Hours a reason pre-fills: contracted hours × default % ÷ 100, 2 dp half-up, capped at contracted hours.

    None when the reason has no default %. Source: WMT §4.2 (allowance hours), social-care §1.1 (ASYE 10%
    protected development time = 3.7 h in a 37-hour week).
    """
    if reason.default_percent is None:
        return None
    return min(two_dp(contracted_hours * reason.default_percent / 100), contracted_hours)


def maximum_reduction_hours(reason: ReductionReason, contracted_hours: Decimal) -> Decimal:
    """Most hours a reason allows: contracted hours × max % ÷ 100 (2 dp half-up); all hours when no max %.

    Source: WMT §4.2 ("a missing percentage means up to full contracted hours").
    """
    if reason.max_percent is None:
        return contracted_hours
    return min(two_dp(contracted_hours * reason.max_percent / 100), contracted_hours)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 August + 6 months = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reduction_end_date(reason: ReductionReason, start: date) -> date | None:
    """The automatic last day (inclusive, as `effective_to` is): the day before start + months to expiry, so
    a reason of N months followed by the next stage from start + N months leaves no gap and no overlap.

    Source: WMT §4.2 ("if the reason has months-to-expiry, the end date is auto-set to start + N months");
    Caseload stores end dates inclusively, hence the day before.
    """
    if reason.months_to_expiry is None:
        return None
    return add_months(start, reason.months_to_expiry) - timedelta(days=1)
