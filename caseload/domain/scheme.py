"""The workload scheme: every weight, timing, threshold and reason as an immutable value.

A `Scheme` is built by `caseload.domain.scheme_parser.parse_scheme` from a documented YAML/JSON structure
(docs/scheme-format.md) and exported again by `dump_scheme`. Collections are tuples (ordered, immutable,
picklable); look-ups by code go through the cached indexes below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

FORMAT_VERSION = 1


class CapacityMethod(StrEnum):
    """How available time is derived (docs/scoring.md, "Available time")."""

    HOURS = "hours"
    NOMINAL_TARGET = "nominal_target"


class WeightingMethod(StrEnum):
    """How a case category earns points: activity timings or a direct weight table."""

    ACTIVITY = "activity"
    DIRECT = "direct"


class Frequency(StrEnum):
    """How often a mandatory activity happens; converted to minutes per week by `weighting.activity`."""

    PER_WEEK = "per_week"
    PER_FORTNIGHT = "per_fortnight"
    PER_MONTH = "per_month"
    PER_SIX_WEEKS = "per_six_weeks"
    PER_QUARTER = "per_quarter"
    PER_YEAR = "per_year"
    ONCE_AT_START = "once_at_start"
    BEFORE_RELEASE = "before_release"
    BEFORE_END = "before_end"


#: Frequencies spread over a number of weeks around a case date (they need `weeks`).
SPREAD_FREQUENCIES = frozenset({Frequency.ONCE_AT_START, Frequency.BEFORE_RELEASE, Frequency.BEFORE_END})


class TotalRounding(StrEnum):
    """How a practitioner's total points are rounded (per-case points are always 2 dp half-up)."""

    INTEGER_HALF_UP = "integer_half_up"
    TWO_DP = "two_dp"


class Calibration(StrEnum):
    """Where a section's values come from."""

    ILLUSTRATIVE = "illustrative"
    SOURCED = "sourced"
    CALIBRATED = "calibrated"


class EligibilityRuleKind(StrEnum):
    """What an allocation eligibility rule allows."""

    FORBIDDEN = "forbidden"
    JOINT_ONLY = "joint_only"


_ALIAS_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_ALIAS_SPACES = re.compile(r"\s+")


def normalise_grade_code(code: str) -> str:
    """Upper-case a grade code, drop spaces and turn en/em dashes into hyphens ("CRC – PQF" → "CRC-PQF")."""
    return _ALIAS_SPACES.sub("", _ALIAS_DASHES.sub("-", code)).upper()


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    default_hours: Decimal
    nominal_target: Decimal | None
    measured: bool = True
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReductionReason:
    code: str
    name: str
    category: str
    default_percent: Decimal | None = None
    max_percent: Decimal | None = None
    months_to_expiry: int | None = None
    enabled: bool = True


@dataclass(frozen=True)
class CaseStatus:
    code: str
    name: str
    keep_percent: Decimal


DEFAULT_CASE_STATUSES = (CaseStatus("active", "Active", Decimal(100)),)


@dataclass(frozen=True)
class Activity:
    name: str
    minutes: Decimal
    frequency: Frequency
    weeks: int | None = None


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    activities: tuple[Activity, ...] = ()
    weights: tuple[tuple[str, Decimal], ...] = ()

    def weight(self, row: str) -> Decimal | None:
        """The direct weight for a weight row (None when the row has no weight for this level)."""
        return dict(self.weights).get(row)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    method: WeightingMethod
    levels: tuple[Level, ...]
    responsive_percent: Decimal = Decimal(0)

    @cached_property
    def levels_by_code(self) -> dict[str, Level]:
        return {level.code: level for level in self.levels}


@dataclass(frozen=True)
class WeightRow:
    code: str
    name: str
    when_flag: str | None = None


@dataclass(frozen=True)
class DirectWeighting:
    rows: tuple[WeightRow, ...]
    keep_percent: tuple[tuple[str, Decimal], ...] = ()
    keep_applies_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagModifier:
    code: str
    name: str
    flag: str
    percent: Decimal = Decimal(0)
    minutes: Decimal = Decimal(0)
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiblingRule:
    additional_child_percent: Decimal


@dataclass(frozen=True)
class NonCaseItem:
    code: str
    name: str
    minutes: Decimal
    by_grade: tuple[tuple[str, Decimal], ...] = ()

    def minutes_for(self, grade: str) -> Decimal:
        """Minutes per week for a grade: its override when listed, else the default."""
        return dict(self.by_grade).get(grade, self.minutes)


@dataclass(frozen=True)
class ExtraResponsibility:
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class ReportType:
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class CourtReports:
    window_days: int = 30
    types: tuple[ReportType, ...] = ()


@dataclass(frozen=True)
class ContactType:
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class Cms:
    window_days: int = 7
    contact_types: tuple[ContactType, ...] = ()


@dataclass(frozen=True)
class RagBand:
    """A band applies when the exact workload % is `< below` or `<= up_to`; the last band has neither."""

    code: str
    name: str
    below: Decimal | None = None
    up_to: Decimal | None = None


@dataclass(frozen=True)
class Capacity:
    method: CapacityMethod = CapacityMethod.HOURS
    non_available_percent: Decimal = Decimal(14)
    unknown_grade: str | None = None


@dataclass(frozen=True)
class Staffing:
    reference_grade: str
    reference_hours: Decimal | None = None
    allowance_percent: Decimal = Decimal(2)


@dataclass(frozen=True)
class EligibilityRule:
    grades: tuple[str, ...]
    categories: tuple[str, ...]
    kind: EligibilityRuleKind
    levels: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class LongAbsence:
    """Practitioners with a reduction for one of `reasons`, in force on the day and lasting at least
    `min_days` (open-ended counts), are not offered cases (docs/allocation.md)."""

    reasons: tuple[str, ...] = ()
    min_days: int = 28


@dataclass(frozen=True)
class Allocation:
    red_justification_percent: Decimal | None = None
    hard_limit_percent: Decimal | None = None
    eligibility: tuple[EligibilityRule, ...] = ()
    # Unallocated cases waiting longer than this are highlighted and escalated to the area manager.
    waiting_threshold_days: int | None = None
    # First appointment due this many days after the sentence (start) date, else the received date.
    first_appointment_days: int | None = None
    long_absence: LongAbsence = LongAbsence()
    # Categories a "no sole child-protection or court cases" supervision agreement keeps from a person.
    cp_or_court_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class OverloadRule:
    above_percent: Decimal
    consecutive_weeks: int


@dataclass(frozen=True)
class EscalationStep:
    after_days: int
    to: str


@dataclass(frozen=True)
class Wellbeing:
    sustained_overload: tuple[OverloadRule, ...] = ()
    action_plan_due_days: int | None = None
    escalation: tuple[EscalationStep, ...] = ()


class DayBasis(StrEnum):
    """How a performance timescale counts days."""

    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True)
class Indicator:
    """A timeliness indicator: the clock starts at `starts` (`case_start`, `case_received` or an event kind)
    and stops at the first event of a `completed_by` kind on or after it; on time when that is within
    `days` (calendar or working days). Empty `categories` means every category (docs/scheme-format.md).

    With `then_every`, the indicator recurs: each completion starts the next clock, due `then_every` days
    later, counted on `then_day_basis` (None: the same basis as `day_basis`)."""

    code: str
    name: str
    starts: str
    completed_by: tuple[str, ...]
    days: int
    day_basis: DayBasis = DayBasis.CALENDAR
    categories: tuple[str, ...] = ()
    contact_types: tuple[str, ...] = ()
    then_every: int | None = None
    then_day_basis: DayBasis | None = None

    @property
    def recurs(self) -> bool:
        return self.then_every is not None

    @property
    def repeat_basis(self) -> DayBasis:
        """How the follow-on clocks count days."""
        return self.then_day_basis or self.day_basis


@dataclass(frozen=True)
class Performance:
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Scheme:
    name: str
    version: str
    effective_from: date
    grades: tuple[Grade, ...]
    categories: tuple[Category, ...]
    rag: tuple[RagBand, ...]
    staffing: Staffing
    format_version: int = FORMAT_VERSION
    description: str = ""
    sources: tuple[str, ...] = ()
    calibration: tuple[tuple[str, Calibration], ...] = ()
    points_unit: str = "minutes per week"
    rounding: TotalRounding = TotalRounding.TWO_DP
    capacity: Capacity = Capacity()
    reduction_reasons: tuple[ReductionReason, ...] = ()
    case_statuses: tuple[CaseStatus, ...] = DEFAULT_CASE_STATUSES
    direct_weighting: DirectWeighting | None = None
    modifiers: tuple[FlagModifier, ...] = ()
    sibling_group: SiblingRule | None = None
    non_case_time: tuple[NonCaseItem, ...] = ()
    extra_responsibilities: tuple[ExtraResponsibility, ...] = ()
    court_reports: CourtReports = CourtReports()
    cms: Cms = Cms()
    allocation: Allocation = Allocation()
    wellbeing: Wellbeing = Wellbeing()
    performance: Performance = Performance()

    @property
    def label(self) -> str:
        """How rule lines cite the scheme: "probation-wmt-legacy v2024-04"."""
        return f"{self.name} v{self.version}"

    @cached_property
    def categories_by_code(self) -> dict[str, Category]:
        return {category.code: category for category in self.categories}

    @cached_property
    def grades_by_code(self) -> dict[str, Grade]:
        return {grade.code: grade for grade in self.grades}

    @cached_property
    def _grades_by_alias(self) -> dict[str, Grade]:
        index: dict[str, Grade] = {}
        for grade in self.grades:
            for alias in grade.aliases:
                index[normalise_grade_code(alias)] = grade
        for grade in self.grades:
            index[normalise_grade_code(grade.code)] = grade
        return index

    @cached_property
    def reasons_by_code(self) -> dict[str, ReductionReason]:
        return {reason.code: reason for reason in self.reduction_reasons}

    @cached_property
    def statuses_by_code(self) -> dict[str, CaseStatus]:
        return {status.code: status for status in self.case_statuses}

    @cached_property
    def report_types_by_code(self) -> dict[str, ReportType]:
        return {report.code: report for report in self.court_reports.types}

    @cached_property
    def contact_types_by_code(self) -> dict[str, ContactType]:
        return {contact.code: contact for contact in self.cms.contact_types}

    @cached_property
    def extra_responsibilities_by_code(self) -> dict[str, ExtraResponsibility]:
        return {extra.code: extra for extra in self.extra_responsibilities}

    def resolve_grade(self, code: str) -> Grade | None:
        """The grade for a code or alias (case, space and dash insensitive); else the scheme's unknown grade."""
        grade = self._grades_by_alias.get(normalise_grade_code(code))
        if grade is None and self.capacity.unknown_grade is not None:
            grade = self.grades_by_code[self.capacity.unknown_grade]
        return grade
