"""Case modifiers: flag uplifts (interpreter, court, travel, complexity…), status discounts, sibling groups.

Source: social-care §1.2 (Swindon factors: siblings, travel, court work), §7.2 (modifiers for risk, court,
travel, siblings and interpreters; inactive or dormant states discounted, not counted in full), WMT §2.2.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from caseload.domain.scheme import CaseStatus, FlagModifier, Scheme

FULL_SHARE = Decimal(100)


def applicable_modifiers(scheme: Scheme, category: str, flags: frozenset[str]) -> tuple[FlagModifier, ...]:
    """Modifiers whose flag the case carries and that apply to its category (no list = every category)."""
    return tuple(
        modifier
        for modifier in scheme.modifiers
        if modifier.flag in flags and (not modifier.categories or category in modifier.categories)
    )


def apply_flag_modifiers(base: Fraction, modifiers: tuple[FlagModifier, ...]) -> Fraction:
    """base × (1 + Σ percent ÷ 100) + Σ minutes: percentages add up on the base, they do not compound.

    Source: social-care §7.2 (modifiers for court, travel, siblings, interpreters on a case's load).
    """
    percent = sum((Fraction(m.percent) for m in modifiers), Fraction(0))
    minutes = sum((Fraction(m.minutes) for m in modifiers), Fraction(0))
    return base * (1 + percent / 100) + minutes


def apply_status(points: Fraction, status: CaseStatus) -> Fraction:
    """Points × the status keep-% ÷ 100 (e.g. dormant 25 %: discounted, not counted in full).

    Source: social-care §7.2 ("inactive or dormant states are discounted"), WMT §2.2 (keep-% semantics).
    """
    return points * Fraction(status.keep_percent) / 100


def sibling_shares(scheme: Scheme, members: list[tuple[Decimal, str]]) -> list[Decimal]:
    """Share (in %) each case of one sibling group on one practitioner keeps, in the order given.

    `members` are (points, case reference). Rule: the child whose case earns the most counts in full (ties:
    lowest reference); every further child in the same group counts at the scheme's
    `additional_child_percent`. Choosing by points and reference makes the result independent of the order
    cases arrive in. Source: social-care §1.2 (Swindon: number of siblings is a weighting factor), §7.2.
    """
    rule = scheme.sibling_group
    shares = [FULL_SHARE] * len(members)
    if rule is None or len(members) < 2:
        return shares
    first = min(range(len(members)), key=lambda index: (-members[index][0], members[index][1]))
    return [FULL_SHARE if index == first else rule.additional_child_percent for index in range(len(members))]
