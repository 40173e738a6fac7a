"""Unit figures for the dashboards: sum then divide, within one points unit only."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from caseload.domain.presets import load_preset
from caseload.domain.unit_figures import MemberFigures, PointsUnitFigures, UnitFigures, unit_figures

P2022 = load_preset("probation-2022")  # minutes per week
LEGACY = load_preset("probation-wmt-legacy")  # WMT points per week
SCHEMES = {"p22": P2022, "legacy": LEGACY}


def member(
    pid: int,
    scheme: str = "legacy",
    total: str = "100",
    available: str = "200",
    rag: str = "blue",
    hours: str = "37",
    red: str = "0",
    cases: int = 3,
) -> MemberFigures:
    return MemberFigures(pid, scheme, D(total), D(available), rag, D(hours), D(red), cases)


def single(figures: UnitFigures) -> PointsUnitFigures:
    group = figures.single
    assert group is not None
    return group


def test_sums_points_before_dividing() -> None:
    figures = unit_figures(
        "Team", [member(1, total="90", available="100"), member(2, total="10", available="100")], SCHEMES
    )
    [group] = figures.groups
    assert figures.single is group
    assert group.points_unit == "WMT points per week"
    assert (group.totals.total_points, group.totals.available_points) == (D(100), D(200))
    assert group.totals.workload_percent == D(50)  # not the mean of 90 % and 10 % (which is also 50) …
    lopsided = unit_figures(
        "Team", [member(1, total="90", available="100"), member(2, total="10", available="300")], SCHEMES
    )
    assert single(lopsided).totals.workload_percent == D(25)  # … as this one shows: 100 ÷ 400, not 50
    assert single(lopsided).totals.remaining_points == D(300)
    assert single(lopsided).totals.rag.code == "blue"


def test_never_adds_minutes_to_wmt_points() -> None:
    figures = unit_figures(
        "Org",
        [member(1, "p22", total="2000", available="1000"), member(2), member(3)],
        SCHEMES,
    )
    assert figures.single is None
    legacy, minutes = figures.groups  # the larger group first
    assert (legacy.points_unit, legacy.totals.total_points, legacy.totals.members) == (
        "WMT points per week",
        D(200),
        2,
    )
    assert minutes.rag is not None
    assert (minutes.points_unit, minutes.totals.workload_percent, minutes.rag.code) == (
        "minutes per week",
        D(200),
        "red",
    )


def test_people_hours_fte_reductions_and_cases() -> None:
    figures = unit_figures(
        "Area",
        [
            member(1, hours="37", red="3.7", cases=4),
            member(1, hours="0", cases=1),  # the same person in a second team
            member(2, hours="18.5", red="0", cases=2),
        ],
        SCHEMES,
    )
    assert (figures.memberships, figures.headcount) == (3, 2)
    assert figures.fte == D("1.5")  # 55.5 h ÷ 37 h
    assert (figures.contracted_hours, figures.reduction_hours, figures.with_reductions) == (
        D("55.5"),
        D("3.7"),
        1,
    )
    assert figures.case_count == 7


def test_rag_distribution_in_band_order_and_over_red() -> None:
    members = [
        member(1, rag="red"),
        member(2, rag="blue"),
        member(3, "p22", rag="red"),
        member(4, rag="amber"),
    ]
    figures = unit_figures("Area", members, SCHEMES)
    assert [(band.code, n) for band, n in figures.rag_counts] == [
        ("blue", 1),
        ("green", 0),
        ("amber", 1),
        ("red", 2),
    ]
    assert figures.over_red == 2


def test_rag_left_out_when_the_schemes_of_one_points_unit_band_differently() -> None:
    stricter = replace(P2022, rag=(replace(P2022.rag[0], below=D(50)), *P2022.rag[1:]))
    figures = unit_figures(
        "Org",
        [member(1, "p22", total="60", available="100"), member(2, "strict", total="60", available="100")],
        {"p22": P2022, "strict": stricter},
    )
    assert single(figures).rag is None
    assert single(figures).totals.workload_percent == D(60)


def test_nobody_measured() -> None:
    figures = unit_figures("Empty", [], SCHEMES)
    assert (figures.groups, figures.single, figures.memberships, figures.fte) == ((), None, 0, D(0))
    assert figures.rag_counts == ()
