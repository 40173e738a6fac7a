"""Aggregates (sum then divide) and the target staffing figure."""

from __future__ import annotations

from decimal import Decimal

from caseload.domain.aggregate import aggregate
from caseload.domain.scoring import score_practitioners
from caseload.domain.staffing import target_staffing
from caseload.domain.tests.helpers import EXAMPLES, ON, case, legacy, practitioner, probation_2022
from caseload.domain.workload_file import load_workload_file


def test_team_percentage_is_sum_over_sum_not_an_average() -> None:
    team = [
        practitioner(
            identifier="full", cases=tuple(case(f"F{i}") for i in range(10))
        ),  # 2060 / 2176 = 94.7 %
        practitioner("PO", "18.5", identifier="half"),  # 0 / 1088 = 0 %
    ]
    results = score_practitioners(legacy(), team, (), ON)
    team_total = aggregate(legacy(), "Team 1", results)
    assert (team_total.total_points, team_total.available_points) == (Decimal(2060), Decimal(3264))
    assert team_total.workload_percent_display == Decimal("63.1")  # not (94.7 + 0) / 2 = 47.3
    assert team_total.remaining_points == 1204
    assert team_total.rag.code == "blue" and team_total.members == 2


def test_aggregates_nest() -> None:
    workload = load_workload_file(EXAMPLES / "probation-legacy-team.json")
    results = score_practitioners(legacy(), workload.practitioners, workload.cms_contacts, ON)
    flat = aggregate(legacy(), "Area", results)
    nested = aggregate(
        legacy(), "Area", [aggregate(legacy(), "T1", results[:1]), aggregate(legacy(), "T2", results[1:])]
    )
    assert nested == flat
    assert (flat.total_points, flat.available_points, flat.workload_percent_display) == (
        Decimal(1012),
        Decimal(3587),
        Decimal("28.2"),
    )


def test_empty_aggregate_is_zero() -> None:
    empty = aggregate(legacy(), "Nobody", [])
    assert (empty.total_points, empty.available_points, empty.workload_percent) == (
        Decimal(0),
        Decimal(0),
        Decimal(0),
    )
    assert empty.members == 0


def test_target_staffing_figure_adds_the_spoc_allowance() -> None:
    # 21,760 points ÷ 2176 = 10 FTE; + 2 % = 10.20 FTE
    figure = target_staffing(legacy(), Decimal(21760))
    assert (figure.fte_before_allowance, figure.required_fte, figure.reference_available) == (
        Decimal("10.00"),
        Decimal("10.20"),
        Decimal(2176),
    )
    assert figure.explanation == "21760 ÷ 2176 = 10.00 FTE; + 2% allowance = 10.20 FTE"
    # minutes scheme: 5000 ÷ 1909.20 = 2.6189 → 2.62; × 1.02 = 2.6713 → 2.67
    assert target_staffing(probation_2022(), Decimal(5000)).required_fte == Decimal("2.67")


def test_fte_is_hours_over_the_schemes_full_time_week() -> None:
    from caseload.domain.staffing import fte, full_time_hours

    assert full_time_hours(legacy()) == 37
    assert fte(legacy(), Decimal("18.5")) == Decimal("0.5")
    assert fte(legacy(), Decimal("22.5")).quantize(Decimal("0.01")) == Decimal("0.61")
