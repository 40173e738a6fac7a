"""Available time: how many points a practitioner has room for, derived step by step.

Two methods, chosen by the scheme's `capacity.method` (docs/scoring.md, "Available time"):

* `hours` (WMT 2022 guidance: "2220 minus 14% NAT minus reductions"):
  contracted hours × 60 × (1 − non-available %) − active reduction hours × 60, 2 dp half-up;
* `nominal_target` (WMT rules §2.5): nominal target × (contracted − reduction hours) ÷ grade default hours,
  truncated toward zero; 0 for unmeasured grades, zero contracted hours or zero default hours.

Both never go below 0; the derivation says when it clamps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caseload.domain.reductions import reduction_exclusion
from caseload.domain.rounding import truncate, two_dp
from caseload.domain.scheme import CapacityMethod, Grade, Scheme
from caseload.domain.values import ReductionInput

MINUTES_PER_HOUR = 60
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class CapacityStep:
    """One line of the available-time derivation: what happened and the value it produced or changed."""

    label: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class AvailableTime:
    available: Decimal
    reduction_hours: Decimal
    steps: tuple[CapacityStep, ...]
    clamped: bool = False


@dataclass(frozen=True, slots=True)
class CountedReduction:
    reason: str
    name: str
    hours: Decimal


def counted_reductions(
    scheme: Scheme, reductions: Iterable[ReductionInput], on: date
) -> tuple[tuple[CountedReduction, ...], tuple[CapacityStep, ...]]:
    """Reductions that count on `on` (see `reduction_exclusion`), and a zero-valued line for each that does not."""
    counted: list[CountedReduction] = []
    ignored: list[CapacityStep] = []
    for reduction in reductions:
        why_not = reduction_exclusion(scheme, reduction, on)
        if why_not is None:
            name = scheme.reasons_by_code[reduction.reason].name
            counted.append(CountedReduction(reduction.reason, name, reduction.hours))
        else:
            ignored.append(
                CapacityStep(
                    f"Reduction {reduction.reason} ({reduction.hours} h) not counted: {why_not}", ZERO
                )
            )
    counted.sort(key=lambda item: (item.reason, item.hours))
    ignored.sort(key=lambda step: step.label)
    return tuple(counted), tuple(ignored)


def available_time(
    scheme: Scheme,
    grade: Grade | None,
    grade_code: str,
    contracted_hours: Decimal,
    reductions: tuple[CountedReduction, ...],
) -> AvailableTime:
    """Available points for a practitioner with these hours and counted reductions, with every step shown."""
    reduction_hours = sum((reduction.hours for reduction in reductions), ZERO)
    if grade is None:
        step = CapacityStep(f"Grade {grade_code!r} is not in scheme {scheme.label}: no available time", ZERO)
        return AvailableTime(ZERO, reduction_hours, (step,))
    if not grade.measured:
        step = CapacityStep(f"Grade {grade.code} ({grade.name}) is not measured: no available time", ZERO)
        return AvailableTime(ZERO, reduction_hours, (step,))
    if scheme.capacity.method is CapacityMethod.NOMINAL_TARGET:
        return nominal_target_available(grade, contracted_hours, reductions, reduction_hours)
    return hours_available(
        scheme.capacity.non_available_percent, contracted_hours, reductions, reduction_hours
    )


def hours_available(
    non_available_percent: Decimal,
    contracted_hours: Decimal,
    reductions: tuple[CountedReduction, ...],
    reduction_hours: Decimal,
) -> AvailableTime:
    """Minutes a week: hours × 60 × (1 − NAT %) − reduction hours × 60, 2 dp half-up, floored at 0.

    Source: seeds/003 (WMT 2022 refresh: "2220 minus 14% NAT minus reductions = time available").
    NAT applies to contracted time only; reductions come off afterwards in full.
    """
    minutes = contracted_hours * MINUTES_PER_HOUR
    non_available = minutes * non_available_percent / 100
    steps = [
        CapacityStep(f"Contracted hours {contracted_hours} × {MINUTES_PER_HOUR} minutes", minutes),
        CapacityStep(f"Non-available time {non_available_percent}% of {minutes}", -two_dp(non_available)),
    ]
    steps.extend(
        CapacityStep(
            f"Reduction {r.name} ({r.reason}): {r.hours} h × {MINUTES_PER_HOUR}",
            -two_dp(r.hours * MINUTES_PER_HOUR),
        )
        for r in reductions
    )
    available = two_dp(minutes - non_available - reduction_hours * MINUTES_PER_HOUR)
    return _finish(available, reduction_hours, steps)


def nominal_target_available(
    grade: Grade,
    contracted_hours: Decimal,
    reductions: tuple[CountedReduction, ...],
    reduction_hours: Decimal,
) -> AvailableTime:
    """Nominal target × (contracted − reduction hours) ÷ grade default hours, truncated toward zero, floored at 0.

    0 when contracted hours or the grade's default hours are 0. Source: WMT §2.5 (batch
    `calculate-available-points`: nominal × (base − reduction) ÷ bandDefault, `parseInt`).
    """
    target = grade.nominal_target or ZERO
    steps = [
        CapacityStep(f"Grade {grade.code} nominal target (full-time points)", target),
        CapacityStep(f"Grade {grade.code} default hours", grade.default_hours),
        CapacityStep("Contracted hours", contracted_hours),
    ]
    if contracted_hours == 0 or grade.default_hours == 0:
        zero_reason = "contracted hours are 0" if contracted_hours == 0 else "grade default hours are 0"
        steps.append(CapacityStep(f"No available time: {zero_reason}", ZERO))
        return AvailableTime(ZERO, reduction_hours, tuple(steps))
    steps.extend(CapacityStep(f"Reduction {r.name} ({r.reason}) hours", -r.hours) for r in reductions)
    net_hours = contracted_hours - reduction_hours
    steps.append(CapacityStep("Hours after reductions", net_hours))
    exact = target * net_hours / grade.default_hours
    steps.append(
        CapacityStep(f"{target} × {net_hours} ÷ {grade.default_hours} (shown to 2 dp)", two_dp(exact))
    )
    available = truncate(exact)
    steps.append(CapacityStep("Truncated toward zero", available))
    return _finish(available, reduction_hours, steps)


def _finish(available: Decimal, reduction_hours: Decimal, steps: list[CapacityStep]) -> AvailableTime:
    """Floor at 0 (reductions larger than hours), saying so in the derivation."""
    if available < 0:
        steps.append(CapacityStep(f"Below zero ({available}): available time clamped to 0", ZERO))
        return AvailableTime(ZERO, reduction_hours, tuple(steps), clamped=True)
    steps.append(CapacityStep("Available", available))
    return AvailableTime(available, reduction_hours, tuple(steps))


def reference_available(scheme: Scheme) -> Decimal:
    """Available points of one full-time reference practitioner with no reductions (target staffing figure)."""
    grade = scheme.grades_by_code[scheme.staffing.reference_grade]
    hours = scheme.staffing.reference_hours or grade.default_hours
    return available_time(scheme, grade, grade.code, hours, ()).available
