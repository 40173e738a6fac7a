"""Direct weighting (WMT tier table): tier weights, the young-adult row, keep-% for flagged cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caseload.domain.case_points import explain_case
from caseload.domain.scheme_parser import parse_scheme
from caseload.domain.tests.helpers import ON, case, legacy, preset_data


@pytest.mark.parametrize(
    ("category", "level", "flags", "points"),
    [
        ("community", "A3", (), "206"),
        ("licence", "A3", (), "219"),
        ("custody", "A3", (), "75"),
        ("community", "D0", (), "29"),
        ("licence", "B0", (), "0"),
        ("community", "B2S", (), "0"),
        ("community", "untiered", (), "0"),
        ("community", None, (), "0"),
        ("licence", "A3", ("young_adult",), "75"),
        ("community", "C3", ("young_adult",), "30"),
        ("community", "A3", ("warrant",), "0"),
        ("community", "A3", ("overdue_termination",), "0"),
        ("community", "A3", ("unpaid_work_only",), "206"),
        ("community", "A3", ("unpaid_work_only", "warrant"), "0"),
    ],
)
def test_legacy_case_points(category: str, level: str | None, flags: tuple[str, ...], points: str) -> None:
    assert explain_case(legacy(), case(category=category, level=level, flags=flags), ON).points == Decimal(
        points
    )


def test_rule_lines_name_the_tier_row_flag_and_scheme() -> None:
    scheme = legacy()
    assert explain_case(scheme, case(), ON).rule == "community A3: 206 points (probation-wmt-legacy v2024-04)"
    assert explain_case(scheme, case(category="licence", flags=("young_adult",)), ON).rule == (
        "licence A3 (Young adult (T2A)): 75 points (probation-wmt-legacy v2024-04)"
    )
    assert explain_case(scheme, case(flags=("warrant",)), ON).rule == (
        "community A3: 206 points × 0% kept (warrant) = 0.00 (probation-wmt-legacy v2024-04)"
    )
    assert (
        explain_case(scheme, case(level=None), ON).rule
        == "community untiered: earns no points (probation-wmt-legacy v2024-04)"
    )


def test_keep_percentages_apply_only_to_the_listed_rows() -> None:
    data = preset_data("probation-wmt-legacy")
    data["direct_weighting"]["keep_applies_to"] = ["young_adult"]  # WMT in practice: T2A only
    data["direct_weighting"]["keep_percent"]["warrant"] = 75
    scheme = parse_scheme(data)
    assert explain_case(scheme, case(flags=("warrant",)), ON).points == 206
    # 75 % of the T2A custody A3 weight 75 = 56.25 (unrounded cell values are allowed in WMT §2.2)
    assert explain_case(scheme, case(flags=("warrant", "young_adult")), ON).points == Decimal("56.25")


def test_unknown_category_level_or_status_earns_nothing_with_a_warning() -> None:
    scheme = legacy()
    for example, warning in [
        (case(category="parole"), "category 'parole' is not in the scheme"),
        (case(level="E"), "level 'E' is not in category 'community'"),
        (case(status="paused"), "case status 'paused' is not in the scheme"),
    ]:
        explanation = explain_case(scheme, example, ON)
        assert (explanation.points, explanation.warning) == (Decimal("0.00"), warning)
