"""Input values for the points engine.

The Django side builds these from its models (hours, reductions, cases, reports, contacts) and hands them to
`caseload.domain.scoring`. They are plain frozen dataclasses: no database, no framework.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: Flags the built-in rules understand. Schemes may define more (modifiers keyed on any flag string).
FLAG_WARRANT = "warrant"
FLAG_UNPAID_WORK_ONLY = "unpaid_work_only"
FLAG_OVERDUE_TERMINATION = "overdue_termination"
FLAG_YOUNG_ADULT = "young_adult"

MIN_HOURS = Decimal(0)
MAX_HOURS = Decimal(48)


@dataclass(frozen=True, slots=True)
class CaseInput:
    """One case held by a practitioner.

    `level` is the tier or complexity level code; None means untiered/unlevelled (earns no points).
    `status` is one of the scheme's case statuses (e.g. active, inactive, dormant).
    `flags` are free strings the scheme's rules look for (warrant, young_adult, interpreter, ...).
    """

    reference: str
    category: str
    level: str | None
    status: str = "active"
    flags: frozenset[str] = frozenset()
    sibling_group: str | None = None
    start_date: date | None = None
    expected_end_date: date | None = None
    expected_release_date: date | None = None


@dataclass(frozen=True, slots=True)
class ReductionInput:
    """A reduction of weekly hours for a reason, active from `effective_from` to `effective_to` inclusive."""

    reason: str
    hours: Decimal
    effective_from: date
    effective_to: date | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ReportInput:
    """A court/parole report completed on `completed` (a type code of the scheme's `court_reports`)."""

    type: str
    completed: date


@dataclass(frozen=True, slots=True)
class ExtraResponsibilityInput:
    """An extra responsibility assigned to a practitioner (e.g. duty rota, practice educator for 2 students)."""

    code: str
    quantity: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class CmsContactInput:
    """A case-management-support contact: `performed_by` did work on a case held by `case_holder`."""

    contact_type: str
    contact_date: date
    case_reference: str
    performed_by: str
    case_holder: str


@dataclass(frozen=True, slots=True)
class CaseTotal:
    """Open cases counted outside the engine (the database adds up each case's points from the engine's own
    rules; caseload.workloads.bulk): how many, and their points added up (2 dp each, so exact)."""

    count: int
    points: Decimal
    warnings: tuple[str, ...] = ()  # "case <reference>: <why it earns nothing>", by reference


@dataclass(frozen=True, slots=True)
class PractitionerInput:
    """A practitioner's hours, grade and work. `contracted_hours` are weekly hours (0–48)."""

    id: str
    name: str
    grade: str
    contracted_hours: Decimal
    reductions: tuple[ReductionInput, ...] = ()
    cases: tuple[CaseInput, ...] = ()
    reports: tuple[ReportInput, ...] = ()
    extra_responsibilities: tuple[ExtraResponsibilityInput, ...] = ()
    #: Instead of `cases`: their count and points, already added up. The result then carries one
    #: `case_total` line in place of a line per case (figures only; see `Scorer.score`).
    case_total: CaseTotal | None = None

    def __post_init__(self) -> None:
        if not MIN_HOURS <= self.contracted_hours <= MAX_HOURS:
            raise ValueError(f"practitioner {self.id}: contracted hours must be between 0 and 48")
        if self.case_total is not None and self.cases:
            raise ValueError(f"practitioner {self.id}: give either cases or a case total, not both")
