"""Rounding rules: exact, and WMT's whole-number rounding reproduced for negative halves too."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from caseload.domain.rounding import fraction_two_dp, one_dp, round_total, truncate, two_dp
from caseload.domain.scheme import TotalRounding


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.5", "3"), ("2.49", "2"), ("-2.5", "-2"), ("-2.51", "-3"), ("0.5", "1"), ("-0.5", "0")],
)
def test_integer_totals_round_halves_toward_plus_infinity_like_wmt(value: str, expected: str) -> None:
    assert round_total(Decimal(value), TotalRounding.INTEGER_HALF_UP) == Decimal(expected)


def test_two_dp_totals_and_display() -> None:
    assert round_total(Decimal("10.005"), TotalRounding.TWO_DP) == Decimal("10.01")
    assert two_dp(Decimal("-1.005")) == Decimal("-1.01")
    assert one_dp(Decimal("84.95")) == Decimal("85.0")
    assert truncate(Decimal("1958.9")) == Decimal(1958)
    assert truncate(Decimal("-3.7")) == Decimal(-3)


def test_fractions_round_exactly() -> None:
    # 45 minutes a month is 45 × 12 / 52 = 10.3846… minutes a week
    assert fraction_two_dp(Fraction(45 * 12, 52)) == Decimal("10.38")
    assert fraction_two_dp(Fraction(1, 200)) == Decimal("0.01")
    assert fraction_two_dp(Fraction(-1, 200)) == Decimal("-0.01")
