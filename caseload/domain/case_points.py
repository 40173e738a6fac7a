"""Points for one case, with the rule line and, on request, every activity and step behind them.

Order of rules (docs/scoring.md, "Case points"): base points (activity minutes + responsive %, or the direct
tier weight and flag keep-%) → flag modifiers → case-status keep-% → rounded to 2 dp half-up. The sibling-group
share is applied afterwards per practitioner (`scoring`), because it depends on the practitioner's other cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from caseload.domain.modifiers import applicable_modifiers, apply_flag_modifiers, apply_status
from caseload.domain.rounding import fraction_two_dp
from caseload.domain.scheme import Category, Level, Scheme, WeightingMethod
from caseload.domain.values import CaseInput
from caseload.domain.weighting.activity import (
    ActivityLine,
    SpreadBound,
    activity_lines,
    has_spread_activities,
    spread_bounds,
    spread_key,
    with_responsive,
)
from caseload.domain.weighting.direct import flag_keep, tier_weight, weight_row

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class CaseRule:
    """A case's points (2 dp) and the human-readable rule line that produced them; `warning` if unrecognised."""

    points: Decimal
    rule: str
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class ExplanationStep:
    """One step in a case's points: what was applied and the running points after it (2 dp)."""

    label: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class CaseExplanation:
    """Everything behind one case's points: activity lines (activity method) and the steps applied."""

    reference: str
    points: Decimal
    rule: str
    activities: tuple[ActivityLine, ...]
    steps: tuple[ExplanationStep, ...]
    warning: str | None = None


def explain_case(scheme: Scheme, case: CaseInput, on: date) -> CaseExplanation:
    """The activities, minutes and steps behind a case's points on `on` (before any sibling-group share)."""
    rule, activities, steps = _evaluate(scheme, case, on)
    return CaseExplanation(case.reference, rule.points, rule.rule, activities, steps, rule.warning)


def _unrecognised(
    scheme: Scheme, message: str
) -> tuple[CaseRule, tuple[ActivityLine, ...], tuple[ExplanationStep, ...]]:
    rule = CaseRule(ZERO, f"{message}: 0 points ({scheme.label})", warning=message)
    return rule, (), (ExplanationStep(message, ZERO),)


def _evaluate(
    scheme: Scheme, case: CaseInput, on: date
) -> tuple[CaseRule, tuple[ActivityLine, ...], tuple[ExplanationStep, ...]]:
    category = scheme.categories_by_code.get(case.category)
    if category is None:
        return _unrecognised(scheme, f"category {case.category!r} is not in the scheme")
    status = scheme.statuses_by_code.get(case.status)
    if status is None:
        return _unrecognised(scheme, f"case status {case.status!r} is not in the scheme")
    if case.level is None:
        text = f"{category.code} untiered: earns no points ({scheme.label})"
        return CaseRule(ZERO, text), (), (ExplanationStep("Untiered: earns no points", ZERO),)
    level = category.levels_by_code.get(case.level)
    if level is None:
        return _unrecognised(scheme, f"level {case.level!r} is not in category {category.code!r}")
    activities: tuple[ActivityLine, ...] = ()
    if category.method is WeightingMethod.ACTIVITY:
        activities, mandatory = activity_lines(level, case, on)
        points, parts, steps = _activity_base(category, level, mandatory)
    else:
        points, parts, steps = _direct_base(scheme, category, level, case.flags)
    modifiers = applicable_modifiers(scheme, category.code, case.flags)
    if modifiers:
        points = apply_flag_modifiers(points, modifiers)
        for modifier in modifiers:
            words = _modifier_words(modifier.percent, modifier.minutes)
            parts.append(f"{modifier.name} {words}")
        steps.append(
            ExplanationStep("Modifiers: " + ", ".join(parts[-len(modifiers) :]), fraction_two_dp(points))
        )
    if status.keep_percent != 100:
        points = apply_status(points, status)
        parts.append(f"{status.name} {status.keep_percent}% kept")
        steps.append(
            ExplanationStep(f"Status {status.name}: {status.keep_percent}% kept", fraction_two_dp(points))
        )
    final = fraction_two_dp(points)
    text = (
        f"{'; '.join(parts)} = {final} ({scheme.label})" if len(parts) > 1 else f"{parts[0]} ({scheme.label})"
    )
    return CaseRule(final, text), activities, tuple(steps)


def _modifier_words(percent: Decimal, minutes: Decimal) -> str:
    words = [f"+{percent}%"] if percent else []
    if minutes:
        words.append(f"+{minutes} min")
    return " ".join(words)


def _activity_base(
    category: Category, level: Level, mandatory: Fraction
) -> tuple[Fraction, list[str], list[ExplanationStep]]:
    """Mandatory minutes per week plus the category's responsive uplift."""
    points = with_responsive(category, mandatory)
    count = len(level.activities)
    head = f"{category.name}, {level.name}: {count} activities = {fraction_two_dp(mandatory)} min/week"
    steps = [ExplanationStep(f"Mandatory activities ({count})", fraction_two_dp(mandatory))]
    if category.responsive_percent:
        head += f" + {category.responsive_percent}% responsive = {fraction_two_dp(points)}"
        steps.append(ExplanationStep(f"Responsive +{category.responsive_percent}%", fraction_two_dp(points)))
    return points, [head], steps


def _direct_base(
    scheme: Scheme, category: Category, level: Level, flags: frozenset[str]
) -> tuple[Fraction, list[str], list[ExplanationStep]]:
    """Tier weight from the case's row, times the keep-% of its flag where the scheme applies one."""
    assert scheme.direct_weighting is not None  # guaranteed by scheme validation for direct categories
    row = weight_row(scheme.direct_weighting, flags)
    weight = tier_weight(level, row)
    row_words = "" if row.when_flag is None else f" ({row.name})"
    head = f"{category.code} {level.code}{row_words}: {weight} points"
    steps = [ExplanationStep(f"{category.name} {level.name}, {row.name} row", weight)]
    points = Fraction(weight)
    keep = flag_keep(scheme.direct_weighting, row, flags)
    if keep is not None and keep[1] != 100:
        flag, percent = keep
        points = points * Fraction(percent) / 100
        head += f" × {percent}% kept ({flag}) = {fraction_two_dp(points)}"
        steps.append(ExplanationStep(f"Flag {flag}: {percent}% kept", fraction_two_dp(points)))
    return points, [head], steps


def read_flags(scheme: Scheme) -> frozenset[str]:
    """Every flag a rule of the scheme reads: modifiers' flags, direct-weighting rows' and keep-% flags."""
    flags = {modifier.flag for modifier in scheme.modifiers}
    if scheme.direct_weighting is not None:
        flags |= {row.when_flag for row in scheme.direct_weighting.rows if row.when_flag is not None}
        flags |= {flag for flag, _ in scheme.direct_weighting.keep_percent}
    return frozenset(flags)


class CaseRules:
    """Case points for one scheme and date, memoised by everything that can change them.

    The key is (category, level, status, the flags the scheme looks at); for levels with spread activities a
    second key says which of them count on the date. Cases sharing keys share one `CaseRule`, so 250,000
    cases need a few hundred rules. Flags no rule of the scheme reads (no modifier, direct-weighting row or
    keep-%) change neither the points nor the rule line, so they are left out of the key.
    """

    def __init__(self, scheme: Scheme, on: date) -> None:
        self.scheme = scheme
        self.on = on
        self._memo: dict[tuple[object, ...], CaseRule | _SpreadRules] = {}
        self._read_flags = read_flags(scheme)
        self.warned = False
        self._spread_levels: dict[tuple[str, str | None], tuple[SpreadBound, ...]] = {
            (category.code, level.code): spread_bounds(level, on)
            for category in scheme.categories
            if category.method is WeightingMethod.ACTIVITY
            for level in category.levels
            if has_spread_activities(level)
        }

    def rule_for(self, case: CaseInput) -> CaseRule:
        key = (case.category, case.level, case.status, case.flags & self._read_flags)
        entry = self._memo.get(key)
        if entry is None:
            entry = self._memo[key] = self._entry(case)
        if isinstance(entry, CaseRule):
            return entry
        bounds, by_state = entry
        state = spread_key(bounds, case)
        rule = by_state.get(state)
        if rule is None:
            rule = by_state[state] = self._evaluate(case)
        return rule

    def _entry(self, case: CaseInput) -> CaseRule | _SpreadRules:
        bounds = self._spread_levels.get((case.category, case.level))
        return self._evaluate(case) if bounds is None else (bounds, {})

    def _evaluate(self, case: CaseInput) -> CaseRule:
        rule = _evaluate(self.scheme, case, self.on)[0]
        if rule.warning is not None:
            self.warned = True
        return rule


_SpreadRules = tuple[tuple[SpreadBound, ...], dict[int, CaseRule]]
