"""Score practitioners: total points, available points, workload %, remaining points, RAG and the breakdown.

`score_practitioners` is the batch entry point (CMS contacts are applied across the batch so that points move
from case holder to doer); `score_practitioner` scores one person. Formulas: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from operator import attrgetter

from caseload.domain.capacity import AvailableTime, CapacityStep, available_time, counted_reductions
from caseload.domain.case_points import CaseRules
from caseload.domain.cms import cms_items
from caseload.domain.modifiers import FULL_SHARE, sibling_shares
from caseload.domain.rag import rag_band
from caseload.domain.results import (
    CASE_WARNING_PREFIX,
    KIND_CASE,
    KIND_CASE_TOTAL,
    BreakdownItem,
    WorkloadResult,
)
from caseload.domain.rounding import round_total, two_dp
from caseload.domain.scheme import Scheme
from caseload.domain.values import CaseInput, CmsContactInput, PractitionerInput
from caseload.domain.work_items import extra_items, non_case_items, report_items

ZERO = Decimal(0)
NOTHING: tuple[tuple[BreakdownItem, ...], tuple[str, ...]] = ((), ())  # no lines, no warnings
HUNDRED = Decimal(100)
_by_reference = attrgetter("reference")


def score_practitioners(
    scheme: Scheme,
    practitioners: Sequence[PractitionerInput],
    cms_contacts: Iterable[CmsContactInput],
    on: date,
) -> list[WorkloadResult]:
    """Score a batch (a team, an area, everyone) on `on`; results come back in the practitioners' order."""
    scorer = _scorer(scheme, on)
    cms = cms_items(scheme, cms_contacts, on, {practitioner.id for practitioner in practitioners})
    return [scorer.score(practitioner, cms.get(practitioner.id, ())) for practitioner in practitioners]


#: Scorers kept between calls, by scheme object and date: their memos (case rules, available time, non-case
#: items) depend on nothing else, so one event after another rescoring the same team reuses them. A scorer
#: holds its scheme, so an id in a key cannot be reused by another scheme while the entry lives.
_SCORERS: dict[tuple[int, date], Scorer] = {}
_SCORERS_LIMIT = 16


def _scorer(scheme: Scheme, on: date) -> Scorer:
    key = (id(scheme), on)
    scorer = _SCORERS.get(key)
    if scorer is None or scorer.scheme is not scheme:
        if len(_SCORERS) >= _SCORERS_LIMIT:
            _SCORERS.pop(next(iter(_SCORERS)), None)
        scorer = _SCORERS[key] = Scorer(scheme, on)
    return scorer


def score_practitioner(
    scheme: Scheme, practitioner: PractitionerInput, on: date, cms_contacts: Iterable[CmsContactInput] = ()
) -> WorkloadResult:
    """Score one practitioner; CMS contacts between them and people outside this call only count on their side."""
    return score_practitioners(scheme, [practitioner], cms_contacts, on)[0]


def workload_percent(total: Decimal, available: Decimal) -> Decimal:
    """total ÷ available × 100, exact to 28 significant digits; 0 when there is no available time.

    Source: WMT §2.6 (`capacity % = total_points / available_points × 100`; 0 when available points is 0).
    """
    return total / available * HUNDRED if available else ZERO


class Scorer:
    """Scores practitioners under one scheme on one date, sharing memoised case rules and capacity."""

    def __init__(self, scheme: Scheme, on: date) -> None:
        self.scheme = scheme
        self.on = on
        self.case_rules = CaseRules(scheme, on)
        self._capacity: dict[tuple[object, ...], AvailableTime] = {}
        self._non_case: dict[str, tuple[BreakdownItem, ...]] = {}

    def score(self, practitioner: PractitionerInput, cms: Iterable[BreakdownItem] = ()) -> WorkloadResult:
        scheme = self.scheme
        grade = scheme.resolve_grade(practitioner.grade)
        grade_code = grade.code if grade is not None else practitioner.grade
        warnings: list[str] = []
        if grade is None:
            warnings.append(f"grade {practitioner.grade!r} is not in the scheme: no available time")
        capacity, capacity_steps = self._available(practitioner, grade_code)
        items = list(self._non_case_items(grade_code))
        # (Most people have no extra responsibilities and no reports: nothing to look at then.)
        extras, extra_warnings = (
            extra_items(scheme, practitioner.extra_responsibilities)
            if practitioner.extra_responsibilities
            else NOTHING
        )
        items.extend(extras)
        case_total = practitioner.case_total
        if case_total is None:
            items.extend(self._case_items(practitioner.cases, warnings))
            case_count = len(practitioner.cases)
        else:
            if case_total.count:  # as with no case lines: nothing to add
                rule = f"{case_total.count} open cases, points added up ({scheme.label})"
                items.append(BreakdownItem(KIND_CASE_TOTAL, "", case_total.points, rule))
            warnings.extend(case_total.warnings)
            case_count = case_total.count
        reports, report_warnings = (
            report_items(scheme, practitioner.reports, self.on) if practitioner.reports else NOTHING
        )
        items.extend(reports)
        items.extend(cms)
        warnings.extend(extra_warnings)
        warnings.extend(report_warnings)
        unrounded = sum([item.points for item in items], ZERO)
        total = round_total(unrounded, scheme.rounding)
        available = capacity.available
        percent = workload_percent(total, available)
        return WorkloadResult(
            practitioner_id=practitioner.id,
            name=practitioner.name,
            grade=grade_code,
            scheme_name=scheme.name,
            scheme_version=scheme.version,
            on=self.on,
            total_points=total,
            unrounded_points=unrounded,
            available_points=available,
            workload_percent=percent,
            remaining_points=available - total,
            rag=rag_band(scheme.rag, percent),
            contracted_hours=practitioner.contracted_hours,
            reduction_hours=capacity.reduction_hours,
            case_count=case_count,
            items=tuple(items),
            capacity_steps=capacity_steps,
            warnings=tuple(warnings),
        )

    def _available(
        self, practitioner: PractitionerInput, grade_code: str
    ) -> tuple[AvailableTime, tuple[CapacityStep, ...]]:
        """Available time, memoised on (grade, hours, counted reductions); ignored reductions listed after."""
        counted, ignored = counted_reductions(self.scheme, practitioner.reductions, self.on)
        key = (grade_code, practitioner.contracted_hours, counted)
        capacity = self._capacity.get(key)
        if capacity is None:
            grade = self.scheme.grades_by_code.get(grade_code)
            capacity = available_time(self.scheme, grade, grade_code, practitioner.contracted_hours, counted)
            self._capacity[key] = capacity
        return capacity, capacity.steps + ignored if ignored else capacity.steps

    def _non_case_items(self, grade_code: str) -> tuple[BreakdownItem, ...]:
        items = self._non_case.get(grade_code)
        if items is None:
            items = self._non_case[grade_code] = non_case_items(self.scheme, grade_code)
        return items

    def _case_items(self, cases: tuple[CaseInput, ...], warnings: list[str]) -> list[BreakdownItem]:
        """One line per case, ordered by reference, with the sibling-group share applied where it bites."""
        rule_for = self.case_rules.rule_for
        ordered = sorted(cases, key=_by_reference)
        rules = [rule_for(case) for case in ordered]
        items = [
            BreakdownItem(KIND_CASE, case.reference, r.points, r.rule)
            for case, r in zip(ordered, rules, strict=True)
        ]
        if self.case_rules.warned:
            warnings.extend(
                f"{CASE_WARNING_PREFIX}{c.reference}: {r.warning}"
                for c, r in zip(ordered, rules, strict=True)
                if r.warning
            )
        if self.scheme.sibling_group is not None:
            groups: dict[str, list[int]] = {}
            for index, case in enumerate(ordered):
                if case.sibling_group is not None:
                    groups.setdefault(case.sibling_group, []).append(index)
            for group, indexes in groups.items():
                self._apply_sibling_shares(group, indexes, items)
        return items

    def _apply_sibling_shares(self, group: str, indexes: list[int], items: list[BreakdownItem]) -> None:
        shares = sibling_shares(self.scheme, [(items[i].points, items[i].reference) for i in indexes])
        for index, share in zip(indexes, shares, strict=True):
            if share != FULL_SHARE:
                item = items[index]
                points = two_dp(item.points * share / HUNDRED)
                rule = f"{item.rule}; further child in sibling group {group}: {share}% = {points}"
                items[index] = item._replace(points=points, rule=rule)
