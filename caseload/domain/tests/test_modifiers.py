"""Modifiers: flag uplifts, status discounts and sibling groups (social-care schemes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from caseload.domain.case_points import explain_case
from caseload.domain.modifiers import sibling_shares
from caseload.domain.scoring import score_practitioner
from caseload.domain.tests.helpers import ON, case, children, practitioner
from caseload.domain.values import CaseInput

OLD = date(2024, 1, 1)


def lac(reference: str = "L", **fields: Any) -> CaseInput:
    return case(reference, "looked-after-child", "level-1", start_date=OLD, **fields)


def test_base_looked_after_child_level_1() -> None:
    # 150/qtr + 480/year + 30/month + 10/week = (600 + 480 + 360 + 520)/52 = 490/13 min; × 1.2 = 588/13 = 45.23
    assert explain_case(children(), lac(), ON).points == Decimal("45.23")


def test_percent_modifiers_add_up_on_the_base_rather_than_compound() -> None:
    # interpreter 20 % + travel 15 % = +35 %: 588/13 × 1.35 = 61.06 (compounding would give 62.42)
    explanation = explain_case(children(), lac(flags=("interpreter", "travel")), ON)
    assert explanation.points == Decimal("61.06")
    assert (
        explanation.steps[-1].label
        == "Modifiers: Interpreter needed +20%, Long travel (placement or family out of area) +15%"
    )


def test_a_modifier_limited_to_categories_ignores_others() -> None:
    # court modifier applies to child-in-need, child-protection, looked-after-child only
    leaver = case("C", "care-leaver", "level-1", flags=("court",))
    assert explain_case(children(), leaver, ON).steps[-1].label == "Responsive +15%"
    assert explain_case(children(), lac(flags=("court",)), ON).points == Decimal("54.28")  # 588/13 × 1.2


def test_dormant_and_inactive_cases_are_discounted() -> None:
    assert explain_case(children(), lac(status="dormant"), ON).points == Decimal("11.31")  # 147/13
    assert explain_case(children(), lac(status="inactive"), ON).points == Decimal("22.62")  # 294/13


def test_first_sibling_counts_in_full_and_the_others_at_the_share() -> None:
    cases = (
        lac("L2", sibling_group="G"),
        case("P1", "child-protection", "level-1", sibling_group="G", start_date=OLD),
        lac("L1", sibling_group="G"),
        lac("L9", sibling_group="H"),
    )
    result = score_practitioner(children(), practitioner("SW", cases=cases), ON)
    points = {item.reference: item.points for item in result.items if item.kind == "case"}
    # The CP case earns most (1310/13 × 1.25 = 125.96), so it is the one in full; both LAC cases at 50 %
    # (45.23 × 50 % = 22.62); group H alone in full.
    assert points == {
        "L1": Decimal("22.62"),
        "L2": Decimal("22.62"),
        "L9": Decimal("45.23"),
        "P1": Decimal("125.96"),
    }
    rule = next(item.rule for item in result.items if item.reference == "L1")
    assert rule.endswith("; further child in sibling group G: 50% = 22.62")


def test_sibling_ties_go_to_the_lowest_reference() -> None:
    assert sibling_shares(children(), [(Decimal(10), "B"), (Decimal(10), "A")]) == [Decimal(50), Decimal(100)]
