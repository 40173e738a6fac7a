"""Exact rounding rules. Every figure the engine returns is a `Decimal`; no value passes through a float.

* per-case and per-item points: 2 dp, halves away from zero (ROUND_HALF_UP);
* a practitioner's total: the scheme's `rounding` (`integer_half_up`: halves toward +infinity, exactly as WMT's
  `Math.round` does, so -2.5 becomes -2; or `two_dp`);
* available time: 2 dp half-up (hours method) or truncated toward zero (nominal-target method, WMT §2.5);
* workload %: kept exact (28 significant digits) and shown to 1 dp half-up.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from caseload.domain.scheme import TotalRounding

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")
WHOLE = Decimal(1)
HALF = Decimal("0.5")


def two_dp(value: Decimal) -> Decimal:
    """Round to 2 decimal places, halves away from zero."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def one_dp(value: Decimal) -> Decimal:
    """Round to 1 decimal place, halves away from zero (display of percentages)."""
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def truncate(value: Decimal) -> Decimal:
    """Drop the fraction, toward zero (WMT `parseInt` on available points, §2.5)."""
    return value.quantize(WHOLE, rounding=ROUND_DOWN)


def fraction_two_dp(value: Fraction) -> Decimal:
    """An exact fraction (e.g. 45 min × 12/52 per week) rounded to 2 dp, halves away from zero, in integers."""
    scaled = abs(value) * 100
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    return Decimal(-whole if value < 0 else whole).scaleb(-2)


def round_total(value: Decimal, rounding: TotalRounding) -> Decimal:
    """A practitioner's total per the scheme: a whole number with halves toward +infinity (WMT §2.3, JavaScript
    `Math.round`: 2.5 -> 3, -2.5 -> -2; only totals pushed negative by support-contact debits differ from
    half-up) or 2 dp half-up."""
    if rounding is TotalRounding.INTEGER_HALF_UP:
        return (value + HALF).quantize(WHOLE, rounding=ROUND_FLOOR)  # floor(x + 0.5)
    return two_dp(value)
