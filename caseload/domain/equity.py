"""Equity across practitioners and teams: how evenly the work is spread (docs/equity-and-performance.md).

Every metric is computed on the workload % (points ÷ available points × 100), never on raw case counts, so
part-time staff and people with reductions compare fairly (social-care §4.2, "capacity-normalised
fairness"). Each membership counts once: the distribution is of people's loads, not weighted by hours.

Arithmetic is exact: values are turned into `Fraction`s, every sum, mean, median, quartile and Gini
coefficient is computed exactly and converted to `Decimal` once at the end (28 significant digits, the
default context, as `scoring.workload_percent`). Only the standard deviation (and so the coefficient of
variation) needs a square root: `Decimal.sqrt` of the exact variance worked to 60 digits, then rounded
once to 28 significant digits. Display rounding (1 dp) happens in presenters.

Choices, stated once:

* **Population, not sample.** A team's practitioners are the whole population being described, not a sample
  from a larger one, so the variance divides by n (not n − 1).
* **Quartiles** use linear interpolation between order statistics at position (n − 1) × p (the "inclusive"
  method: Excel `QUARTILE.INC`, NumPy's default), so an analyst can reproduce them in a spreadsheet.
* **Gini coefficient** is the relative mean absolute difference, G = Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² μ), computed
  in the equivalent sorted form G = Σᵢ (2i − n − 1) x₍ᵢ₎ ÷ (n Σx) with x₍₁₎ ≤ … ≤ x₍ₙ₎. It is 0 when
  everyone carries the same load and at most (n − 1) ÷ n. It is not defined (None) for an empty list, when
  every load is 0, or when a load is negative (possible when support-contact debits exceed a tiny caseload).
* **Max/min ratio** is not defined (None) when the list is empty or the lowest load is 0 or less.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Protocol

from caseload.domain.rounding import two_dp
from caseload.domain.scheme import Scheme
from caseload.domain.staffing import fte, target_staffing

HUNDRED = Fraction(100)


def to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal, to 28 significant digits (the default context)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def _sqrt(value: Fraction) -> Decimal:
    """√value to 28 significant digits: worked at 60 digits, then rounded once to the default context."""
    with localcontext() as wide:
        wide.prec = 60
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    return +root


def _fractions(values: Iterable[Decimal]) -> list[Fraction]:
    return [Fraction(value) for value in values]


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """μ = Σx ÷ n; None for no values."""
    if not values:
        return None
    return to_decimal(sum(_fractions(values), Fraction(0)) / len(values))


def _quantile(ordered: Sequence[Fraction], p: Fraction) -> Fraction:
    """Linear interpolation at position h = (n − 1) × p between the order statistics around it."""
    position = (len(ordered) - 1) * p
    below = int(position)  # floor: position is never negative
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (position - below) * (ordered[below + 1] - ordered[below])


def median(values: Sequence[Decimal]) -> Decimal | None:
    """The middle value of the sorted list, or the mean of the two middle values; None for no values."""
    if not values:
        return None
    return to_decimal(_quantile(sorted(_fractions(values)), Fraction(1, 2)))


def population_variance(values: Sequence[Decimal]) -> Fraction | None:
    """σ² = Σ (x − μ)² ÷ n (population variance; see the module docstring)."""
    if not values:
        return None
    xs = _fractions(values)
    mu = sum(xs, Fraction(0)) / len(xs)
    return sum(((x - mu) ** 2 for x in xs), Fraction(0)) / len(xs)


def standard_deviation(values: Sequence[Decimal]) -> Decimal | None:
    """σ = √σ² (population), correctly rounded to 28 significant digits; None for no values."""
    variance = population_variance(values)
    return None if variance is None else _sqrt(variance)


def coefficient_of_variation(values: Sequence[Decimal]) -> Decimal | None:
    """CV = σ ÷ μ × 100, as a percentage; None for no values or when the mean is 0 or less."""
    variance = population_variance(values)
    if variance is None:
        return None
    mu = sum(_fractions(values), Fraction(0)) / len(values)
    if mu <= 0:
        return None
    # σ ÷ μ × 100 = √(σ² ÷ μ²) × 100: one square root of an exact ratio.
    return _sqrt(variance / (mu * mu) * HUNDRED * HUNDRED)


def gini(values: Sequence[Decimal]) -> Decimal | None:
    """Gini coefficient (relative mean absolute difference), G = Σᵢ (2i − n − 1) x₍ᵢ₎ ÷ (n Σx).

    0 = perfectly even; (n − 1) ÷ n = one person carries everything. None when undefined (no values, a
    negative value, or every value 0)."""
    xs = sorted(_fractions(values))
    if not xs or xs[0] < 0:
        return None
    total = sum(xs, Fraction(0))
    if total == 0:
        return None
    n = len(xs)
    weighted = sum(((2 * i - n - 1) * x for i, x in enumerate(xs, start=1)), Fraction(0))
    return to_decimal(weighted / (n * total))


def max_min_ratio(values: Sequence[Decimal]) -> Decimal | None:
    """Highest load ÷ lowest load; None for no values or when the lowest is 0 or less."""
    if not values:
        return None
    low, high = min(values), max(values)
    if low <= 0:
        return None
    return to_decimal(Fraction(high) / Fraction(low))


def share(count: int, of: int) -> Decimal | None:
    """count ÷ of × 100, as a percentage; None when `of` is 0."""
    return to_decimal(Fraction(count, of) * HUNDRED) if of else None


@dataclass(frozen=True, slots=True)
class FiveNumbers:
    """The box plot: minimum, lower quartile, median, upper quartile, maximum."""

    minimum: Decimal
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal
    maximum: Decimal


def five_number_summary(values: Sequence[Decimal]) -> FiveNumbers | None:
    """Minimum, Q1, median, Q3 and maximum (inclusive linear quartiles); None for no values."""
    if not values:
        return None
    ordered = sorted(_fractions(values))
    q1, q2, q3 = (to_decimal(_quantile(ordered, Fraction(k, 4))) for k in (1, 2, 3))
    return FiveNumbers(to_decimal(ordered[0]), q1, q2, q3, to_decimal(ordered[-1]))


@dataclass(frozen=True, slots=True)
class Bin:
    """A histogram bar: loads from `low` (inclusive) up to `high` (exclusive)."""

    low: Decimal
    high: Decimal
    count: int


def histogram(values: Sequence[Decimal], width: Decimal = Decimal(10)) -> tuple[Bin, ...]:
    """Counts in bins of `width` percentage points, [k × width, (k + 1) × width), from the bin holding the
    lowest value to the bin holding the highest (empty bins in between included, so the axis is even)."""
    if not values:
        return ()
    if width <= 0:
        raise ValueError("bin width must be positive")
    step = Fraction(width)
    index = [math.floor(Fraction(v) / step) for v in values]
    first, last = min(index), max(index)
    counts = [0] * (last - first + 1)
    for k in index:
        counts[k - first] += 1
    return tuple(
        Bin(to_decimal((first + i) * step), to_decimal((first + i + 1) * step), count)
        for i, count in enumerate(counts)
    )


@dataclass(frozen=True, slots=True)
class Load:
    """One membership's workload % and whether it lies in its scheme's top (red) band."""

    percent: Decimal
    red: bool = False


@dataclass(frozen=True, slots=True)
class Equity:
    """The spread of a set of loads (a team, an area, a whole organisation)."""

    count: int
    mean: Decimal | None
    median: Decimal | None
    standard_deviation: Decimal | None
    coefficient_of_variation: Decimal | None
    gini: Decimal | None
    max_min_ratio: Decimal | None
    over_red: int
    share_over_red: Decimal | None
    box: FiveNumbers | None


def equity(loads: Sequence[Load]) -> Equity:
    """Every spread metric of the loads (see each function for its formula)."""
    values = [load.percent for load in loads]
    over_red = sum(1 for load in loads if load.red)
    return Equity(
        count=len(values),
        mean=mean(values),
        median=median(values),
        standard_deviation=standard_deviation(values),
        coefficient_of_variation=coefficient_of_variation(values),
        gini=gini(values),
        max_min_ratio=max_min_ratio(values),
        over_red=over_red,
        share_over_red=share(over_red, len(values)),
        box=five_number_summary(values),
    )


@dataclass(frozen=True, slots=True)
class TeamCapacity:
    """A team's capacity in full-time equivalents (FTE) of the scheme's reference practitioner.

    `headroom_fte`: spare points ÷ reference available points (0 when the team is at or over 100 %).
    `fte_to_100`: points over capacity ÷ reference available points: the FTE the team needs to come down to
    100 % (0 when at or under). `fte_to_100_with_allowance` adds the scheme's staffing allowance.
    `target_fte`: the target staffing figure (all the team's points at 100 %, with the allowance);
    `actual_fte`: contracted hours ÷ the full-time week. All from `staffing.py`, each 2 dp half-up."""

    label: str
    total_points: Decimal
    available_points: Decimal
    headroom_fte: Decimal
    fte_to_100: Decimal
    fte_to_100_with_allowance: Decimal
    target_fte: Decimal
    actual_fte: Decimal


def team_capacity(
    scheme: Scheme, label: str, total_points: Decimal, available_points: Decimal, actual_fte: Decimal
) -> TeamCapacity:
    """Headroom, FTE to reach 100 % and target staffing of one team, via `staffing.target_staffing`."""
    spare = available_points - total_points
    headroom = target_staffing(scheme, max(spare, Decimal(0)))
    shortfall = target_staffing(scheme, max(-spare, Decimal(0)))
    return TeamCapacity(
        label=label,
        total_points=total_points,
        available_points=available_points,
        headroom_fte=headroom.fte_before_allowance,
        fte_to_100=shortfall.fte_before_allowance,
        fte_to_100_with_allowance=shortfall.required_fte,
        target_fte=target_staffing(scheme, total_points).required_fte,
        actual_fte=actual_fte,
    )


class Measured(Protocol):
    """One membership's stored figures: anything with these attributes."""

    @property
    def total_points(self) -> Decimal: ...

    @property
    def available_points(self) -> Decimal: ...

    @property
    def contracted_hours(self) -> Decimal: ...


def team_capacity_of(scheme: Scheme, label: str, members: Sequence[Measured]) -> TeamCapacity:
    """`team_capacity` of a team's members: Σ points, Σ available points and Σ FTE (hours ÷ the scheme's
    full-time week, `staffing.fte`), the FTE sum rounded once to 2 dp."""
    total = sum((m.total_points for m in members), Decimal(0))
    available = sum((m.available_points for m in members), Decimal(0))
    actual = two_dp(sum((fte(scheme, m.contracted_hours) for m in members), Decimal(0)))
    return team_capacity(scheme, label, total, available, actual)


@dataclass(frozen=True, slots=True)
class CapacitySummary:
    """Teams' capacity added up. Headroom and shortfall are summed separately, never netted: spare time in
    one team does not carry another team's cases, so the FTE needed to bring *every* team to 100 % is the sum
    of the shortfalls alone."""

    teams: int
    headroom_fte: Decimal
    fte_to_100: Decimal
    fte_to_100_with_allowance: Decimal
    target_fte: Decimal
    actual_fte: Decimal
    teams_over_100: int


def capacity_summary(teams: Sequence[TeamCapacity]) -> CapacitySummary:
    """Σ of each team's (already rounded) figures, so the total equals the sum of the rows shown."""
    zero = Decimal("0.00")
    return CapacitySummary(
        teams=len(teams),
        headroom_fte=sum((t.headroom_fte for t in teams), zero),
        fte_to_100=sum((t.fte_to_100 for t in teams), zero),
        fte_to_100_with_allowance=sum((t.fte_to_100_with_allowance for t in teams), zero),
        target_fte=sum((t.target_fte for t in teams), zero),
        actual_fte=sum((t.actual_fte for t in teams), zero),
        teams_over_100=sum(1 for t in teams if t.total_points > t.available_points),
    )
