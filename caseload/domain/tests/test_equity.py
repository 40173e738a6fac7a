"""Equity metrics against hand-computed values, and their properties (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.domain.equity import (
    Bin,
    FiveNumbers,
    Load,
    TeamCapacity,
    capacity_summary,
    coefficient_of_variation,
    equity,
    five_number_summary,
    gini,
    histogram,
    max_min_ratio,
    mean,
    median,
    population_variance,
    share,
    standard_deviation,
    team_capacity,
)
from caseload.domain.tests.helpers import legacy

D = Decimal
THREE = [D(80), D(100), D(120)]
FOUR = [D(140), D(60), D(110), D(90)]  # deliberately unsorted


def test_mean_and_median_by_hand() -> None:
    assert mean(THREE) == 100 and median(THREE) == 100
    # (60 + 90 + 110 + 140) ÷ 4 = 100; median (90 + 110) ÷ 2 = 100
    assert mean(FOUR) == 100 and median(FOUR) == 100
    assert mean([D("0.1"), D("0.2")]) == D("0.15")  # exact, no float drift
    assert median([D(1), D(2), D(10)]) == 2


def test_population_variance_divides_by_n_not_n_minus_one() -> None:
    # (20² + 0² + 20²) ÷ 3 = 800/3 (a sample variance would be 800/2 = 400)
    variance = population_variance(THREE)
    assert variance is not None and (variance.numerator, variance.denominator) == (800, 3)
    assert standard_deviation(THREE) == D("16.32993161855452065464856050")
    # (40² + 10² + 10² + 40²) ÷ 4 = 850; √850 = 29.154759…
    assert str(standard_deviation(FOUR))[:10] == "29.1547594"


def test_coefficient_of_variation_is_sd_over_mean_as_a_percentage() -> None:
    cv = coefficient_of_variation(THREE)
    assert cv is not None and cv.quantize(D("0.0001")) == D("16.3299")
    assert coefficient_of_variation([D(50), D(50)]) == 0
    assert coefficient_of_variation([D(0), D(0)]) is None  # mean 0: undefined
    assert coefficient_of_variation([]) is None


def test_gini_by_hand() -> None:
    # sorted 80, 100, 120: Σ (2i − n − 1) x = −2·80 + 0·100 + 2·120 = 80; n Σx = 900; G = 80/900
    assert gini(THREE) == D(80) / D(900)
    # pairwise: Σᵢ Σⱼ |xᵢ − xⱼ| = 2 (20 + 40 + 20) = 160; 2 n² μ = 1800; 160/1800 = 4/45, the same
    assert gini(THREE) == D(4) / D(45)
    # 60, 90, 110, 140: −3·60 − 1·90 + 1·110 + 3·140 = 260; n Σx = 1600; G = 0.1625
    assert gini(FOUR) == D("0.1625")
    assert gini([D(0), D(0), D(0), D(100)]) == D("0.75")  # one person carries it all: (n − 1) ÷ n
    assert gini([D(90)] * 5) == 0


def test_gini_is_undefined_for_nothing_all_zero_or_negative_loads() -> None:
    assert gini([]) is None
    assert gini([D(0), D(0)]) is None
    assert gini([D(-5), D(100)]) is None


def test_max_min_ratio_handles_empty_and_zero() -> None:
    assert max_min_ratio(THREE) == D("1.5")
    assert max_min_ratio(FOUR) == D(140) / D(60)
    assert max_min_ratio([]) is None
    assert max_min_ratio([D(0), D(90)]) is None  # a zero load: the ratio is unbounded
    assert max_min_ratio([D(-3), D(90)]) is None


def test_share_over_red() -> None:
    assert share(1, 4) == 25
    assert share(0, 0) is None
    figures = equity([Load(D(120), red=True), Load(D(80)), Load(D(100)), Load(D(115), red=True)])
    assert (figures.over_red, figures.share_over_red, figures.count) == (2, D(50), 4)


def test_five_number_summary_uses_inclusive_linear_quartiles() -> None:
    # n = 3: Q1 at position 0.5 → 80 + 0.5 × 20 = 90; Q3 at 1.5 → 110
    assert five_number_summary(THREE) == FiveNumbers(D(80), D(90), D(100), D(110), D(120))
    # n = 4: Q1 at 0.75 → 60 + 0.75 × 30 = 82.5; Q3 at 2.25 → 110 + 0.25 × 30 = 117.5
    assert five_number_summary(FOUR) == FiveNumbers(D(60), D("82.5"), D(100), D("117.5"), D(140))
    assert five_number_summary([D(42)]) == FiveNumbers(*[D(42)] * 5)
    assert five_number_summary([]) is None


def test_histogram_bins_are_half_open_and_contiguous() -> None:
    bins = histogram([D(85), D("89.9"), D(90), D(112), D(130)], width=D(10))
    assert bins == (
        Bin(D(80), D(90), 2),
        Bin(D(90), D(100), 1),
        Bin(D(100), D(110), 0),
        Bin(D(110), D(120), 1),
        Bin(D(120), D(130), 0),
        Bin(D(130), D(140), 1),
    )
    assert histogram([]) == ()
    assert histogram([D(-2), D(3)], width=D(5)) == (Bin(D(-5), D(0), 1), Bin(D(0), D(5), 1))
    with pytest.raises(ValueError, match="positive"):
        histogram([D(1)], width=D(0))


def test_team_capacity_by_hand_with_the_legacy_reference_of_2176_points() -> None:
    # 2720 points on 2176 available: 544 over = 544 ÷ 2176 = 0.25 FTE; with 2 % allowance 0.255 → 0.26
    over = team_capacity(legacy(), "Over", D(2720), D(2176), D("1.00"))
    assert (over.headroom_fte, over.fte_to_100, over.fte_to_100_with_allowance) == (
        D("0.00"),
        D("0.25"),
        D("0.26"),
    )
    # target staffing: 2720 ÷ 2176 = 1.25 × 1.02 = 1.275 → 1.28
    assert over.target_fte == D("1.28")
    # 1088 points on 2176 available: 1088 spare = 0.50 FTE of headroom
    under = team_capacity(legacy(), "Under", D(1088), D(2176), D("1.00"))
    assert (under.headroom_fte, under.fte_to_100) == (D("0.50"), D("0.00"))
    summary = capacity_summary([over, under])
    assert (summary.headroom_fte, summary.fte_to_100, summary.teams_over_100) == (D("0.50"), D("0.25"), 1)
    assert (summary.target_fte, summary.actual_fte, summary.teams) == (D("1.28") + D("0.51"), D(2), 2)


def test_headroom_and_shortfall_are_never_netted() -> None:
    teams = [
        TeamCapacity("A", D(0), D(0), D("1.00"), D(0), D(0), D(0), D(0)),
        TeamCapacity("B", D(1), D(0), D(0), D("1.00"), D("1.02"), D(0), D(0)),
    ]
    summary = capacity_summary(teams)
    assert (summary.headroom_fte, summary.fte_to_100) == (D("1.00"), D("1.00"))


# -- properties ---------------------------------------------------------------------------------------------

loads = st.lists(
    st.decimals(min_value=0, max_value=400, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
)


@given(loads)
def test_gini_lies_in_zero_to_one(values: list[Decimal]) -> None:
    g = gini(values)
    if sum(values) == 0:
        assert g is None
    else:
        assert g is not None and 0 <= g < 1
        assert g <= D(len(values) - 1) / D(len(values))


@given(loads, st.randoms(use_true_random=False))
def test_metrics_are_invariant_under_permutation(values: list[Decimal], random) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(values)
    random.shuffle(shuffled)
    assert equity([Load(v) for v in shuffled]) == equity([Load(v) for v in values])


@given(loads, st.decimals(min_value="0.01", max_value=100, places=2))
def test_gini_and_cv_are_invariant_under_scaling(values: list[Decimal], factor: Decimal) -> None:
    scaled = [v * factor for v in values]
    assert gini(scaled) == gini(values)
    cv, scaled_cv = coefficient_of_variation(values), coefficient_of_variation(scaled)
    if cv is None:
        assert scaled_cv is None
    else:
        assert scaled_cv is not None and abs(scaled_cv - cv) < D("1e-20")


@given(loads)
def test_summary_is_ordered_and_histogram_counts_everyone(values: list[Decimal]) -> None:
    box = five_number_summary(values)
    assert box is not None
    assert box.minimum <= box.lower_quartile <= box.median <= box.upper_quartile <= box.maximum
    average = mean(values)
    assert average is not None and box.minimum <= average <= box.maximum
    bins = histogram(values)
    assert sum(b.count for b in bins) == len(values)
    assert all(sum(1 for b in bins if b.low <= v < b.high) == 1 for v in values)
    assert all(b.high - b.low == 10 for b in bins)
    assert bins[0].low <= min(values) and max(values) < bins[-1].high


def test_team_capacity_of_members_sums_points_and_fte() -> None:
    from dataclasses import dataclass

    from caseload.domain.equity import team_capacity_of

    @dataclass
    class Member:
        total_points: Decimal
        available_points: Decimal
        contracted_hours: Decimal

    # 2060 + 660 = 2720 points on 2176 available (the 18.5-hour member has no available time here):
    # 544 over ÷ 2176 = 0.25 FTE; 37 h + 18.5 h = 1.5 FTE in post
    team = team_capacity_of(legacy(), "A", [Member(D(2060), D(2176), D(37)), Member(D(660), D(0), D("18.5"))])
    assert (team.total_points, team.available_points, team.fte_to_100, team.actual_fte) == (
        D(2720),
        D(2176),
        D("0.25"),
        D("1.50"),
    )
