"""Activity-based weighting: frequencies → minutes per week, spread activities, responsive uplift."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from caseload.domain.case_points import explain_case
from caseload.domain.scheme import Activity, Frequency
from caseload.domain.tests.helpers import ON, case, children, probation_2022
from caseload.domain.weighting.activity import spread_bounds, spread_key, spread_window, weekly_minutes


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (Frequency.PER_WEEK, Fraction(60)),
        (Frequency.PER_FORTNIGHT, Fraction(30)),
        (Frequency.PER_MONTH, Fraction(60 * 12, 52)),
        (Frequency.PER_SIX_WEEKS, Fraction(10)),
        (Frequency.PER_QUARTER, Fraction(60 * 4, 52)),
        (Frequency.PER_YEAR, Fraction(60, 52)),
    ],
)
def test_regular_frequencies_convert_to_minutes_per_week(frequency: Frequency, expected: Fraction) -> None:
    assert weekly_minutes(Activity("visit", Decimal(60), frequency), case(), ON) == (expected, "")


def test_once_at_start_is_spread_over_its_weeks_from_the_start_date() -> None:
    induction = Activity("induction", Decimal(300), Frequency.ONCE_AT_START, weeks=12)
    start = date(2026, 9, 1)
    assert spread_window(induction, case(start_date=start)) == (start, start + timedelta(weeks=12))
    assert weekly_minutes(induction, case(start_date=start), start)[0] == 25
    assert weekly_minutes(induction, case(start_date=start), start + timedelta(weeks=12, days=-1))[0] == 25
    assert weekly_minutes(induction, case(start_date=start), start + timedelta(weeks=12)) == (
        Fraction(0),
        "counts 2026-09-01 to 2026-11-23",
    )
    assert weekly_minutes(induction, case(), start) == (Fraction(0), "no date on the case: not counted")


def test_before_release_counts_in_the_weeks_before_the_expected_release() -> None:
    planning = Activity("pre-release", Decimal(480), Frequency.BEFORE_RELEASE, weeks=12)
    release = date(2027, 1, 4)
    assert (
        weekly_minutes(planning, case(expected_release_date=release), release - timedelta(weeks=12))[0] == 40
    )
    assert weekly_minutes(planning, case(expected_release_date=release), release)[0] == 0
    assert (
        weekly_minutes(planning, case(expected_release_date=release), release - timedelta(weeks=12, days=1))[
            0
        ]
        == 0
    )


def test_the_fast_spread_key_agrees_with_the_spread_windows() -> None:
    level = probation_2022().categories_by_code["custody"].levels_by_code["A3"]
    spread = [
        a for a in level.activities if a.frequency in {Frequency.ONCE_AT_START, Frequency.BEFORE_RELEASE}
    ]
    bounds = spread_bounds(level, ON)
    for offset in range(-120, 120, 3):
        example = case(
            start_date=ON + timedelta(days=offset), expected_release_date=ON + timedelta(days=offset + 50)
        )
        expected = sum(1 << i for i, a in enumerate(spread) if weekly_minutes(a, example, ON)[0])
        assert spread_key(bounds, example) == expected


def test_explain_case_lists_every_activity_and_the_responsive_uplift() -> None:
    example = case(
        "S3", "child-in-need", "level-2", start_date=date(2026, 11, 9), expected_end_date=date(2027, 6, 1)
    )
    explanation = explain_case(children(), example, ON)
    assert [(line.label, line.weekly_minutes) for line in explanation.activities] == [
        ("Child and family assessment: 720 min once at start, spread over 6 weeks", Decimal("120.00")),
        ("Home visit (including travel): 90 min per fortnight", Decimal("45.00")),
        ("Child in need review meeting: 90 min per quarter", Decimal("6.92")),
        ("Multi-agency liaison: 30 min per month", Decimal("6.92")),
        ("Recording and case administration: 15 min per week", Decimal("15.00")),
        (
            "Closure summary: 120 min before end, spread over 4 weeks (counts 2027-05-04 to 2027-05-31)",
            Decimal("0.00"),
        ),
    ]
    # 120 + 45 + 360/52 + 360/52 + 15 = 2520/13 min; × 1.2 responsive = 3024/13 = 232.62
    assert [(step.label, step.value) for step in explanation.steps] == [
        ("Mandatory activities (6)", Decimal("193.85")),
        ("Responsive +20%", Decimal("232.62")),
    ]
    assert explanation.points == Decimal("232.62")
    assert explanation.rule == (
        "Child in need, Level 2 (complex): 6 activities = 193.85 min/week + 20% responsive = 232.62 (children-services v2026-01)"
    )


def test_rounding_happens_once_on_the_exact_case_total() -> None:
    # Community D0 under probation-2022: 45 min per month + 15 per fortnight + 120 per year; 25% responsive.
    # exact = (540/52 + 7.5 + 120/52) × 1.25 = (660/52 + 7.5) × 1.25 = 25.240384… → 25.24
    example = case("D", "community", "D0", start_date=date(2020, 1, 6))
    assert explain_case(probation_2022(), example, ON).points == Decimal("25.24")


def test_a_level_with_no_activities_earns_nothing() -> None:
    assert explain_case(probation_2022(), case(level="untiered"), ON).points == 0
