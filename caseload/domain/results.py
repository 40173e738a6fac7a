"""What the engine returns: per-practitioner results with an itemised breakdown (HOUSE_STYLE convention 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from caseload.domain.capacity import CapacityStep
from caseload.domain.rounding import one_dp
from caseload.domain.scheme import RagBand

KIND_CASE = "case"
KIND_REPORT = "report"
KIND_CMS = "cms"
KIND_NON_CASE_TIME = "non_case_time"
KIND_EXTRA = "extra_responsibility"
#: One line standing for every open case, when their points were added up outside the engine (a
#: `CaseTotal`): used to compare figures, never stored or shown.
KIND_CASE_TOTAL = "case_total"
#: How a warning about one case begins ("case REF: why it earns nothing"); no other warning begins so. Its
#: words come from the case line's rule, which says the same.
CASE_WARNING_PREFIX = "case "


class BreakdownItem(NamedTuple):
    """One case or work item: its points (2 dp) and the rule line, which names the scheme and version.

    `kind` is one of case, report, cms, non_case_time, extra_responsibility; `reference` is the case reference
    or the item's code. (A NamedTuple rather than a dataclass: a quarter of a million are built per run.)
    """

    kind: str
    reference: str
    points: Decimal
    rule: str


@dataclass(frozen=True, slots=True)
class WorkloadResult:
    """A practitioner's workload on a date under one scheme version, and exactly why."""

    practitioner_id: str
    name: str
    grade: str
    scheme_name: str
    scheme_version: str
    on: date
    total_points: Decimal
    unrounded_points: Decimal
    available_points: Decimal
    workload_percent: Decimal
    remaining_points: Decimal
    rag: RagBand
    contracted_hours: Decimal
    reduction_hours: Decimal
    case_count: int
    items: tuple[BreakdownItem, ...]
    capacity_steps: tuple[CapacityStep, ...]
    warnings: tuple[str, ...] = ()

    @property
    def workload_percent_display(self) -> Decimal:
        """Workload % to 1 dp, halves away from zero (the exact value stays in `workload_percent`)."""
        return one_dp(self.workload_percent)
