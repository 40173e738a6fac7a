"""Allocation: who may take a case, the guardrails a choice triggers, and the recommended candidate.

Pure Python (no Django). The Django side (caseload.allocations.selectors) scores every candidate with the
engine, now and with the case added, and hands the figures here as `Candidate` values. Every rule is one
small function with its source; docs/allocation.md explains them to users.

The recommendation rule (documented in docs/allocation.md; the manager always decides):

1. Only eligible people are ranked (`eligibility`); ineligible people are listed with the reason.
2. People whose projected workload needs no manager's approval and no written justification, and does not
   breach an agreed supervision range, come first (`guardrail_band`).
3. Within that, someone who already knows the person or a sibling (continuity) comes first.
4. Then the lowest projected workload, counted in steps of `PROJECTION_STEP` percentage points, so that
   people within a few points of each other count as level ...
5. ... and among those, the fewest cases allocated in the last 7 days.
6. Ties are broken by the exact projected percentage, then the name and the id, so the ranking never depends
   on the order people were listed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from caseload.domain.scheme import Allocation, EligibilityRule, EligibilityRuleKind, Scheme

#: Projected workloads within one step of this many percentage points rank as level (rule 4).
PROJECTION_STEP = Decimal(5)


class Guardrail(StrEnum):
    """What a choice needs before it can be confirmed."""

    NONE = "none"
    JUSTIFICATION = "justification"  # projected above the scheme's red_justification_percent
    APPROVAL = "approval"  # projected above the scheme's hard_limit_percent: an area manager approves


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about the case being allocated."""

    category: str
    level: str | None


@dataclass(frozen=True)
class Absence:
    """A reduction of the candidate's hours (reason code and dates, `until` inclusive; None: open-ended)."""

    reason: str
    since: date
    until: date | None = None


@dataclass(frozen=True)
class Candidate:
    """One possible holder, with the engine's figures. `id` is unique (the membership id)."""

    id: str
    name: str
    grade: str
    current_percent: Decimal
    projected_percent: Decimal
    recent_allocations: int = 0
    continuity: bool = False
    absences: tuple[Absence, ...] = ()
    agreed_max_percent: Decimal | None = None
    no_sole_cp_or_court: bool = False


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    eligibility: Eligibility
    guardrail: Guardrail
    breaches_agreement: bool
    position: int | None  # 1 = best; None for ineligible people


@dataclass(frozen=True)
class Ranking:
    """Eligible people in order (best first), then the ineligible ones by name, and the recommendation."""

    ranked: tuple[Ranked, ...]
    recommended: Ranked | None
    reason: str
    ineligible: tuple[Ranked, ...] = field(default=())


# -- eligibility ---------------------------------------------------------------------------------------------


def rule_applies(rule: EligibilityRule, grade: str, case: CaseFacts) -> bool:
    """A scheme eligibility rule bites when the grade, the category and (if it lists levels) the level match."""
    if grade not in rule.grades or case.category not in rule.categories:
        return False
    return not rule.levels or (case.level is not None and case.level in rule.levels)


def scheme_rule_reasons(allocation: Allocation, grade: str, case: CaseFacts) -> list[str]:
    """Reasons from the scheme's eligibility rules. `forbidden`: may not hold the case; `joint_only`: may
    hold it only jointly, so not as its sole holder (Caseload allocates a case to one holder)."""
    reasons = []
    for rule in allocation.eligibility:
        if not rule_applies(rule, grade, case):
            continue
        what = (
            "cannot hold this case"
            if rule.kind is EligibilityRuleKind.FORBIDDEN
            else "may hold it only jointly"
        )
        reasons.append(f"{grade} {what}" + (f": {rule.reason}" if rule.reason else "."))
    return reasons


def absence_reason(allocation: Allocation, absences: Sequence[Absence], on: date) -> str | None:
    """A long absence excludes: a reduction for one of the scheme's long-absence reasons, in force on the
    day, that runs at least `min_days` days (an open-ended one counts)."""
    rule = allocation.long_absence
    for absence in absences:
        if absence.reason not in rule.reasons or absence.since > on:
            continue
        if absence.until is not None and absence.until < on:
            continue
        if absence.until is None or (absence.until - absence.since).days + 1 >= rule.min_days:
            until = f" until {absence.until:%-d %B %Y}" if absence.until else ""
            return f"On a long absence ({absence.reason}){until}."
    return None


def agreement_reason(allocation: Allocation, candidate: Candidate, case: CaseFacts) -> str | None:
    """A supervision agreement of "no sole child-protection or court cases" keeps those categories away."""
    if candidate.no_sole_cp_or_court and case.category in allocation.cp_or_court_categories:
        return "Their supervision agreement says no sole child-protection or court cases."
    return None


def eligibility(scheme: Scheme, candidate: Candidate, case: CaseFacts, on: date) -> Eligibility:
    """Every reason this person may not take the case as its sole holder (none: eligible)."""
    grade = scheme.resolve_grade(candidate.grade)
    code = grade.code if grade is not None else candidate.grade
    reasons = scheme_rule_reasons(scheme.allocation, code, case)
    for reason in (
        absence_reason(scheme.allocation, candidate.absences, on),
        agreement_reason(scheme.allocation, candidate, case),
    ):
        if reason is not None:
            reasons.append(reason)
    return Eligibility(not reasons, tuple(reasons))


# -- guardrails -----------------------------------------------------------------------------------------------


def guardrail(allocation: Allocation, projected_percent: Decimal) -> Guardrail:
    """Above the hard limit an area manager must approve; above the red threshold the manager writes a
    justification (both strictly above, both scheme data; no threshold set: no guardrail)."""
    if allocation.hard_limit_percent is not None and projected_percent > allocation.hard_limit_percent:
        return Guardrail.APPROVAL
    if (
        allocation.red_justification_percent is not None
        and projected_percent > allocation.red_justification_percent
    ):
        return Guardrail.JUSTIFICATION
    return Guardrail.NONE


def breaches_agreement(candidate: Candidate) -> bool:
    """The projection is above the top of the range agreed in supervision."""
    return (
        candidate.agreed_max_percent is not None
        and candidate.projected_percent > candidate.agreed_max_percent
    )


# -- ranking --------------------------------------------------------------------------------------------------

_BANDS = {Guardrail.NONE: 0, Guardrail.JUSTIFICATION: 2, Guardrail.APPROVAL: 3}


def guardrail_band(rail: Guardrail, breach: bool) -> int:
    """Rule 2: no guardrail first, then an agreed-range breach only, then justification, then approval."""
    return _BANDS[rail] + (1 if breach and rail is Guardrail.NONE else 0)


def projection_step(percent: Decimal) -> int:
    """Rule 4: which step of PROJECTION_STEP points the projected workload falls in."""
    return int(percent // PROJECTION_STEP)


def rank_key(item: Ranked) -> tuple[int, int, int, int, Decimal, str, str]:
    c = item.candidate
    return (
        guardrail_band(item.guardrail, item.breaches_agreement),
        0 if c.continuity else 1,
        projection_step(c.projected_percent),
        c.recent_allocations,
        c.projected_percent,
        c.name,
        c.id,
    )


def rank(scheme: Scheme, candidates: Sequence[Candidate], case: CaseFacts, on: date) -> Ranking:
    """Judge every candidate, rank the eligible ones and recommend the first (if anyone is eligible)."""
    judged = [
        Ranked(
            candidate=c,
            eligibility=eligibility(scheme, c, case, on),
            guardrail=guardrail(scheme.allocation, c.projected_percent),
            breaches_agreement=breaches_agreement(c),
            position=None,
        )
        for c in candidates
    ]
    eligible = sorted((r for r in judged if r.eligibility.eligible), key=rank_key)
    ranked = tuple(
        Ranked(r.candidate, r.eligibility, r.guardrail, r.breaches_agreement, position)
        for position, r in enumerate(eligible, start=1)
    )
    ineligible = tuple(
        sorted(
            (r for r in judged if not r.eligibility.eligible),
            key=lambda r: (r.candidate.name, r.candidate.id),
        )
    )
    recommended = ranked[0] if ranked else None
    return Ranking(ranked, recommended, recommendation_reason(recommended, len(ranked)), ineligible)


def recommendation_reason(best: Ranked | None, eligible_count: int) -> str:
    """The recommendation in plain words, naming the rules that decided it."""
    if best is None:
        return "Nobody in the list can take this case; see the reasons given for each person."
    c = best.candidate
    parts = [f"{c.name} would be at {c.projected_percent:.1f}% after this case"]
    if c.continuity:
        parts.append("already knows the person or a sibling")
    elif eligible_count > 1:
        parts.append("ranks first on projected workload (within 5 points counts as level)")
    recent = "case" if c.recent_allocations == 1 else "cases"
    parts.append(f"was allocated {c.recent_allocations} {recent} in the last 7 days")
    text = "; ".join(parts) + "."
    if best.guardrail is Guardrail.APPROVAL:
        text += " Everyone eligible would pass the hard limit, so an area manager must approve."
    elif best.guardrail is Guardrail.JUSTIFICATION:
        text += " Everyone eligible would pass the red threshold, so a written justification is needed."
    elif best.breaches_agreement:
        text += " This would go above the range agreed in supervision."
    return text + " The manager decides."


# -- the register ---------------------------------------------------------------------------------------------


def days_waiting(received: date, on: date) -> int:
    """Whole days since the case was received (0 on the day it came in)."""
    return max((on - received).days, 0)


def is_overdue(allocation: Allocation, waiting: int) -> bool:
    """Waiting longer than the scheme's threshold (no threshold: never)."""
    return allocation.waiting_threshold_days is not None and waiting > allocation.waiting_threshold_days


def first_appointment_due(allocation: Allocation, received: date, start: date | None) -> date | None:
    """The first appointment is due `first_appointment_days` after the sentence (start) date, else after
    the case was received (no setting in the scheme: not shown)."""
    if allocation.first_appointment_days is None:
        return None
    return (start or received) + timedelta(days=allocation.first_appointment_days)


def priority(allocation: Allocation, waiting: int, due: date | None, high_risk: bool, on: date) -> Priority:
    """High: a risk flag, waiting past the threshold, or the first appointment due within 2 days (or
    missed). Medium: waiting at least half the threshold, or the first appointment within a week. Else low."""
    threshold = allocation.waiting_threshold_days
    days_to_due = (due - on).days if due is not None else None
    if high_risk or is_overdue(allocation, waiting) or (days_to_due is not None and days_to_due <= 2):
        return Priority.HIGH
    if (threshold is not None and waiting * 2 >= threshold) or (days_to_due is not None and days_to_due <= 7):
        return Priority.MEDIUM
    return Priority.LOW
