"""Target staffing figure: the FTE a team needs to carry its workload at 100 %, plus an allowance."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from caseload.domain.capacity import reference_available
from caseload.domain.rounding import two_dp
from caseload.domain.scheme import Scheme


@dataclass(frozen=True, slots=True)
class StaffingFigure:
    required_fte: Decimal
    fte_before_allowance: Decimal
    reference_available: Decimal
    allowance_percent: Decimal
    explanation: str


def target_staffing(scheme: Scheme, total_points: Decimal) -> StaffingFigure:
    """Required FTE = total points ÷ reference available points × (1 + allowance % ÷ 100), each 2 dp half-up.

    Reference available points: one practitioner of the scheme's `staffing.reference_grade` working
    `reference_hours` (default: the grade's default hours) with no reductions, under the scheme's capacity
    method. The allowance (default 2 %) covers SPOC roles. Source: seeds/003 ("Reductions for SPOC roles is now
    included within Target Staffing Figure calculations (2% of target)"); social-care §7.6 (FTE required to
    bring every team to 100 %). 0 when the reference has no available time.
    """
    reference = reference_available(scheme)
    allowance = scheme.staffing.allowance_percent
    if reference == 0:
        return StaffingFigure(
            Decimal("0.00"), Decimal("0.00"), reference, allowance, "reference has no available time"
        )
    before = two_dp(total_points / reference)
    required = two_dp(total_points / reference * (1 + allowance / 100))
    explanation = f"{total_points} ÷ {reference} = {before} FTE; + {allowance}% allowance = {required} FTE"
    return StaffingFigure(required, before, reference, allowance, explanation)


DEFAULT_FULL_TIME_HOURS = Decimal(37)


def full_time_hours(scheme: Scheme) -> Decimal:
    """A full-time week: the scheme's staffing reference hours, else its reference grade's default hours,
    else 37 hours (the probation and council standard week)."""
    grade = scheme.grades_by_code.get(scheme.staffing.reference_grade)
    return (
        scheme.staffing.reference_hours or (grade.default_hours if grade else None) or DEFAULT_FULL_TIME_HOURS
    )


def fte(scheme: Scheme, contracted_hours: Decimal) -> Decimal:
    """Full-time equivalent of weekly contracted hours: hours ÷ the scheme's full-time week (unrounded, so
    sums stay exact; round for display)."""
    return contracted_hours / full_time_hours(scheme)
