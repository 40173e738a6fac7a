"""Parsing of the threshold and policy sections of a scheme: rag, staffing, allocation, wellbeing."""

from __future__ import annotations

from decimal import Decimal

from caseload.domain.reader import Node
from caseload.domain.scheme import (
    Allocation,
    EligibilityRule,
    EligibilityRuleKind,
    EscalationStep,
    Grade,
    LongAbsence,
    OverloadRule,
    RagBand,
    Staffing,
    Wellbeing,
)

MAX_PERCENT = 1000

#: Default bands: under 85 %, 85–100 %, over 100 up to 110 %, over 110 % (boundaries decided in docs/scoring.md).
DEFAULT_RAG = (
    RagBand("blue", "Under 85%", below=Decimal(85)),
    RagBand("green", "85% to 100%", up_to=Decimal(100)),
    RagBand("amber", "Over 100% up to 110%", up_to=Decimal(110)),
    RagBand("red", "Over 110%"),
)


def parse_rag(node: Node) -> tuple[RagBand, ...]:
    """Bands in ascending order; each but the last has exactly one of `below` / `up_to`, strictly increasing."""
    if node.value is None:
        return DEFAULT_RAG
    if not node.is_mapping():
        return DEFAULT_RAG
    node.only("bands")
    elements = list(node.elements("bands", required=True))
    bands = []
    previous: Decimal | None = None
    for index, band in enumerate(elements):
        band.is_mapping()
        band.only("code", "name", "below", "up_to")
        below = band.optional_decimal("below", 0, MAX_PERCENT)
        up_to = band.optional_decimal("up_to", 0, MAX_PERCENT)
        last = index == len(elements) - 1
        bound = below if below is not None else up_to
        if last and bound is not None:
            band.problem("the last band is open-ended: give it no `below` or `up_to`")
        if not last and (below is None) == (up_to is None):
            band.problem("needs exactly one of `below` (exclusive) or `up_to` (inclusive)")
        if bound is not None and previous is not None and bound <= previous:
            band.problem("bands must be in ascending order of their bounds")
        previous = bound if bound is not None else previous
        bands.append(RagBand(band.text("code"), band.text("name"), below, up_to))
    if len(elements) < 2:
        node.problem("needs at least two bands", "bands")
    return tuple(bands)


def parse_staffing(node: Node, grades: tuple[Grade, ...]) -> Staffing:
    """The reference practitioner and allowance behind the target staffing figure."""
    if node.value is None:
        node.problem("is required (reference_grade, optional reference_hours and allowance_percent)")
        return Staffing(reference_grade="")
    if not node.is_mapping():
        return Staffing(reference_grade="")
    node.only("reference_grade", "reference_hours", "allowance_percent")
    reference = node.text("reference_grade")
    known = {grade.code: grade for grade in grades}
    if reference and reference not in known:
        node.problem("must be one of the scheme's grade codes", "reference_grade")
    elif reference and not known[reference].measured:
        node.problem("must be a measured grade", "reference_grade")
    return Staffing(
        reference_grade=reference,
        reference_hours=node.optional_decimal("reference_hours", Decimal("0.01"), 48),
        allowance_percent=node.decimal("allowance_percent", 0, 100, default=2),
    )


def parse_allocation(node: Node) -> Allocation:
    """Allocation policy (used by the allocation issue): justification and hard limits, eligibility rules."""
    if node.value is None or not node.is_mapping():
        return Allocation()
    node.only(
        "red_justification_percent",
        "hard_limit_percent",
        "eligibility",
        "waiting_threshold_days",
        "first_appointment_days",
        "long_absence",
        "cp_or_court_categories",
    )
    justification = node.optional_decimal("red_justification_percent", 0, MAX_PERCENT)
    hard_limit = node.optional_decimal("hard_limit_percent", 0, MAX_PERCENT)
    if justification is not None and hard_limit is not None and hard_limit < justification:
        node.problem("must not be below red_justification_percent", "hard_limit_percent")
    rules = []
    for rule in node.elements("eligibility"):
        rule.is_mapping()
        rule.only("grades", "categories", "levels", "rule", "reason")
        grades, categories = rule.texts("grades"), rule.texts("categories")
        for key, codes in (("grades", grades), ("categories", categories)):
            if not codes:
                rule.problem("must list at least one code", key)
        kind = EligibilityRuleKind(rule.choice("rule", tuple(EligibilityRuleKind)))
        rules.append(EligibilityRule(grades, categories, kind, rule.texts("levels"), rule.text("reason", "")))
    return Allocation(
        justification,
        hard_limit,
        tuple(rules),
        waiting_threshold_days=node.optional_integer("waiting_threshold_days", 1, 365),
        first_appointment_days=node.optional_integer("first_appointment_days", 0, 365),
        long_absence=_parse_long_absence(node.child("long_absence")),
        cp_or_court_categories=node.texts("cp_or_court_categories"),
    )


def _parse_long_absence(node: Node) -> LongAbsence:
    """Reduction reasons that mean a long absence, and how long a reduction must run to count."""
    if node.value is None or not node.is_mapping():
        return LongAbsence()
    node.only("reasons", "min_days")
    return LongAbsence(node.texts("reasons"), node.integer("min_days", 1, 3650, default=28))


def parse_wellbeing(node: Node) -> Wellbeing:
    """Sustained-overload rules, action-plan deadline and escalation steps (used by the wellbeing issue)."""
    if node.value is None or not node.is_mapping():
        return Wellbeing()
    node.only("sustained_overload", "action_plan_due_days", "escalation")
    overload = []
    for rule in node.elements("sustained_overload"):
        rule.is_mapping()
        rule.only("above_percent", "consecutive_weeks")
        overload.append(
            OverloadRule(
                rule.decimal("above_percent", 0, MAX_PERCENT), rule.integer("consecutive_weeks", 1, 52)
            )
        )
    steps: list[EscalationStep] = []
    for step in node.elements("escalation"):
        step.is_mapping()
        step.only("after_days", "to")
        after = step.integer("after_days", 0, 365)
        if steps and after < steps[-1].after_days:
            step.problem("escalation steps must be in ascending order of after_days", "after_days")
        steps.append(EscalationStep(after, step.text("to")))
    plan_due_days = node.optional_integer("action_plan_due_days", 1, 365)
    _check_plan_deadline(node, plan_due_days, steps)
    return Wellbeing(tuple(overload), plan_due_days, tuple(steps))


def _check_plan_deadline(node: Node, plan_due_days: int | None, steps: list[EscalationStep]) -> None:
    """A missed plan deadline brings the next escalation step forward (caseload.domain.wellbeing), so the
    deadline must come before the first step after the alert opens: otherwise the alert escalates for a
    missing plan before the plan is even due, and the deadline means nothing."""
    later = [step.after_days for step in steps if step.after_days > 0]
    if plan_due_days is not None and later and plan_due_days >= later[0]:
        node.problem(
            f"must be fewer days than the first escalation step after the alert opens (after_days "
            f"{later[0]}); otherwise the alert escalates for a missing plan before the plan is due",
            "action_plan_due_days",
        )
