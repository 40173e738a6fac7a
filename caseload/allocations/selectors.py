"""Reads for allocation: the register of unallocated cases (and its count for the navigation badge), the
case summary, and the candidates with the engine's figures now, with the case added and in 4 weeks.

Callers pass querysets already cut to the user's scope (`request.scope.cases`, `scope.memberships`).
Every percentage comes from the points engine; the rules that judge and rank candidates are in
`caseload.domain.allocation`."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from caseload.allocations.models import AllocationDecision, ApprovalRequest, ApprovalStatus
from caseload.cases.models import Case, CaseAllocation, CaseFlag, CaseQuerySet
from caseload.domain import allocation as rules
from caseload.domain.results import WorkloadResult
from caseload.domain.scheme import Allocation, Scheme
from caseload.domain.scoring import score_practitioners
from caseload.domain.values import CaseInput, PractitionerInput
from caseload.organisations.models import OrgUnit, Reduction, TeamMembership
from caseload.schemes.models import SchemeVersion
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.inputs import case_input, practitioner_inputs

#: Flags that make a waiting case high priority.
RISK_FLAGS = ("high_risk", "priority")
RECENT_DAYS = 7
FORECAST_DAYS = 28


def unallocated_count(scope: Any) -> int:
    """How many open, unallocated cases the user may allocate (`scope.cases`); 0 for users who cannot."""
    if not scope.signed_in or not scope.can_edit:
        return 0
    return scope.cases.unallocated().count()


# -- schemes --------------------------------------------------------------------------------------------------


class SchemeCache:
    """The scheme in force for each team, looked up once per team."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        self._by_team: dict[int, tuple[SchemeVersion, Scheme] | None] = {}

    def for_team(self, team: OrgUnit) -> tuple[SchemeVersion, Scheme] | None:
        if team.pk not in self._by_team:
            version = version_for_unit(team, self.on)
            self._by_team[team.pk] = (version, domain_scheme(version)) if version else None
        return self._by_team[team.pk]

    def allocation(self, team: OrgUnit) -> Allocation:
        found = self.for_team(team)
        return found[1].allocation if found else Allocation()


# -- the register ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    case: Case
    days_waiting: int
    overdue: bool
    first_appointment_due: dt.date | None
    priority: rules.Priority
    risk_flags: tuple[str, ...]
    threshold_days: int | None


PRIORITY_ORDER = {rules.Priority.HIGH: 0, rules.Priority.MEDIUM: 1, rules.Priority.LOW: 2}
SORTS = {
    "waiting": lambda r: (-r.days_waiting, r.case.reference),
    "priority": lambda r: (PRIORITY_ORDER[r.priority], -r.days_waiting, r.case.reference),
    "reference": lambda r: (r.case.reference,),
    "team": lambda r: (r.case.team.name, -r.days_waiting, r.case.reference),
    "due": lambda r: (r.first_appointment_due or dt.date.max, r.case.reference),
    "received": lambda r: (r.case.received_date, r.case.reference),
}


@dataclass(frozen=True)
class RegisterFilters:
    unit: int | None = None  # a team or an area
    priority: str = ""
    category: str = ""
    q: str = ""
    sort: str = "priority"


def register(
    cases: CaseQuerySet, on: dt.date, filters: RegisterFilters = RegisterFilters()
) -> list[RegisterRow]:
    """The open, unallocated cases among `cases`, with days waiting, key dates and priority, filtered and
    sorted (default: highest priority, then longest waiting)."""
    found = cases.unallocated().select_related("team")
    if filters.unit:
        found = found.filter(team__path__startswith=_path_of(filters.unit))
    if filters.category:
        found = found.filter(category=filters.category)
    if filters.q:
        found = found.filter(Q(reference__icontains=filters.q) | Q(name__icontains=filters.q))
    schemes = SchemeCache(on)
    rows = [_register_row(case, schemes.allocation(case.team), on) for case in found]
    if filters.priority:
        rows = [r for r in rows if r.priority == filters.priority]
    return sorted(rows, key=SORTS.get(filters.sort, SORTS["priority"]))


def _path_of(unit_id: int) -> str:
    """The path of a team or area (cases below it match); an unknown id matches nothing."""
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return path or "/no-such-unit/"


def _register_row(case: Case, allocation: Allocation, on: dt.date) -> RegisterRow:
    waiting = rules.days_waiting(case.received_date, on)
    due = rules.first_appointment_due(allocation, case.received_date, case.start_date)
    risk = tuple(flag for flag in case.flags or () if flag in RISK_FLAGS)
    return RegisterRow(
        case=case,
        days_waiting=waiting,
        overdue=rules.is_overdue(allocation, waiting),
        first_appointment_due=due,
        priority=rules.priority(allocation, waiting, due, bool(risk), on),
        risk_flags=risk,
        threshold_days=allocation.waiting_threshold_days,
    )


def flag_labels(flags: Iterable[str]) -> list[str]:
    labels = dict(CaseFlag.choices)
    return [labels.get(flag, flag) for flag in flags]


# -- the case summary -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedCase:
    case: Case
    holder: str  # name of who holds it, or "Unallocated"


@dataclass(frozen=True)
class CaseSummary:
    case: Case
    row: RegisterRow
    previous_practitioner: str | None
    linked: list[LinkedCase]
    last_decision: AllocationDecision | None


def case_summary(case: Case, on: dt.date) -> CaseSummary:
    """What a manager needs to know about a case before choosing: key dates, flags, who held it before and
    linked cases (the same sibling group in the organisation) with their workers."""
    schemes = SchemeCache(on)
    previous = (
        CaseAllocation.objects.filter(case=case, ended_at__isnull=False)
        .select_related("practitioner")
        .order_by("-ended_at")
        .first()
    )
    linked: list[LinkedCase] = []
    if case.sibling_group:
        siblings = (
            Case.objects.filter(organisation_id=case.organisation_id, sibling_group=case.sibling_group)
            .exclude(pk=case.pk)
            .select_related("practitioner")
        )
        linked = [
            LinkedCase(s, s.practitioner.full_name if s.practitioner else "Unallocated") for s in siblings
        ]
    return CaseSummary(
        case=case,
        row=_register_row(case, schemes.allocation(case.team), on),
        previous_practitioner=previous.practitioner.full_name if previous else None,
        linked=linked,
        last_decision=AllocationDecision.objects.filter(case=case).select_related("decided_by").first(),
    )


# -- candidates -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReductionLine:
    reason: str
    hours: Any
    until: dt.date | None


@dataclass
class CandidateFigures:
    """Everything shown about one candidate; `ranked` carries the domain's verdict."""

    membership: TeamMembership
    scheme: Scheme
    current: WorkloadResult
    projected: WorkloadResult
    forecast: WorkloadResult
    recent_allocations: int = 0
    tier_mix: dict[str, int] = field(default_factory=dict)
    reductions: list[ReductionLine] = field(default_factory=list)
    next_reduction_change: dt.date | None = None
    ending_soon: int = 0
    releases_soon: int = 0
    continuity: str = ""
    agreement: Any = None
    absences: tuple[rules.Absence, ...] = ()
    ranked: rules.Ranked | None = None


@dataclass
class Candidates:
    case: Case
    on: dt.date
    figures: list[CandidateFigures]  # eligible in rank order, then ineligible by name
    ranking: rules.Ranking
    no_scheme: list[TeamMembership] = field(default_factory=list)

    @property
    def recommended(self) -> CandidateFigures | None:
        best = self.ranking.recommended
        return self.by_membership(int(best.candidate.id)) if best else None

    def by_membership(self, membership_id: int) -> CandidateFigures | None:
        return next((f for f in self.figures if f.membership.pk == membership_id), None)

    def snapshot(self) -> list[dict[str, Any]]:
        """The list as shown, for the decision record."""
        return [
            {
                "membership": f.membership.pk,
                "name": f.membership.practitioner.full_name,
                "grade": f.current.grade,
                "position": f.ranked.position if f.ranked else None,
                "eligible": bool(f.ranked and f.ranked.eligibility.eligible),
                "reasons": list(f.ranked.eligibility.reasons) if f.ranked else [],
                "current_percent": str(f.current.workload_percent_display),
                "projected_percent": str(f.projected.workload_percent_display),
                "guardrail": str(f.ranked.guardrail) if f.ranked else "",
                "continuity": f.continuity,
                "recent_allocations": f.recent_allocations,
            }
            for f in self.figures
        ]


def candidate_memberships(
    case: Case, memberships: QuerySet[TeamMembership], on: dt.date, *, wider: bool = False
) -> QuerySet[TeamMembership]:
    """Current memberships (from the caller's scoped queryset) in the case's team or, with `wider`, in any
    team of the same area; never the case's current holder in its current team."""
    found = memberships.filter(
        Q(team__parent_id=case.team.parent_id) if wider and case.team.parent_id else Q(team_id=case.team_id)
    )
    found = TeamMembership.objects.current(on).filter(pk__in=found.values("pk"))
    if case.practitioner_id:
        found = found.exclude(practitioner_id=case.practitioner_id, team_id=case.team_id)
    return found.select_related("practitioner__grade", "team").order_by(
        "team__path", "practitioner__last_name", "practitioner__first_name", "pk"
    )


def candidates_for(
    case: Case, memberships: Iterable[TeamMembership], on: dt.date | None = None
) -> Candidates:
    """Score every candidate now, with the case added, and in 4 weeks (cases ending by then removed,
    reductions as they will be, this case added); then judge and rank them with the domain rules."""
    on = on or timezone.localdate()
    memberships = list(memberships)
    schemes = SchemeCache(on)
    figures: list[CandidateFigures] = []
    no_scheme: list[TeamMembership] = []
    by_team: dict[int, list[TeamMembership]] = defaultdict(list)
    for m in memberships:
        by_team[m.team_id].append(m)
    new_case = case_input(case)
    for group in by_team.values():
        found = schemes.for_team(group[0].team)
        if found is None:
            no_scheme.extend(group)
            continue
        figures.extend(_scored(found[1], group, new_case, on))
    _add_facts(case, figures, on)
    case_scheme = schemes.for_team(case.team)
    ranking = _rank(case, figures, case_scheme[1] if case_scheme else None, on)
    by_id = {f.membership.pk: f for f in figures}
    ordered = [by_id[int(r.candidate.id)] for r in (*ranking.ranked, *ranking.ineligible)]
    for ranked in (*ranking.ranked, *ranking.ineligible):
        by_id[int(ranked.candidate.id)].ranked = ranked
    return Candidates(case, on, ordered, ranking, no_scheme)


def _with_case(
    person: PractitionerInput, case: CaseInput, horizon: dt.date | None = None
) -> PractitionerInput:
    """The practitioner's inputs with the case added (and, for a forecast, cases ending by `horizon` gone)."""
    kept = tuple(
        c
        for c in person.cases
        if c.reference != case.reference
        and (horizon is None or c.expected_end_date is None or c.expected_end_date > horizon)
    )
    return replace(person, cases=(*kept, case))


def _scored(
    scheme: Scheme, group: list[TeamMembership], new_case: CaseInput, on: dt.date
) -> list[CandidateFigures]:
    people, contacts = practitioner_inputs(scheme, group, on)
    now = score_practitioners(scheme, people, contacts, on)
    projected = score_practitioners(scheme, [_with_case(p, new_case) for p in people], contacts, on)
    horizon = on + dt.timedelta(days=FORECAST_DAYS)
    later, later_contacts = practitioner_inputs(scheme, group, horizon)
    forecast = score_practitioners(
        scheme, [_with_case(p, new_case, horizon) for p in later], later_contacts, horizon
    )
    return [
        CandidateFigures(membership=m, scheme=scheme, current=a, projected=b, forecast=c)
        for m, a, b, c in zip(group, now, projected, forecast, strict=True)
    ]


def _add_facts(case: Case, figures: list[CandidateFigures], on: dt.date) -> None:
    """Recent allocations, case mix, reductions, cases ending and releases due, continuity, agreements."""
    if not figures:
        return
    practitioner_ids = {f.membership.practitioner_id for f in figures}
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    recent = dict(
        CaseAllocation.objects.filter(practitioner_id__in=practitioner_ids, started_at__gte=since)
        .values("practitioner_id")
        .annotate(n=Count("pk"))
        .values_list("practitioner_id", "n")
    )
    horizon = on + dt.timedelta(days=FORECAST_DAYS)
    held = Case.objects.open().filter(practitioner_id__in=practitioner_ids).exclude(pk=case.pk)
    mix: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    ending: Counter[tuple[int, int]] = Counter()
    releases: Counter[tuple[int, int]] = Counter()
    for pid, team_id, level, end, release in held.values_list(
        "practitioner_id", "team_id", "level", "expected_end_date", "expected_release_date"
    ):
        key = (pid, team_id)
        mix[key][level or "Untiered"] += 1
        if end is not None and on < end <= horizon:
            ending[key] += 1
        if release is not None and on < release <= horizon:
            releases[key] += 1
    reductions = _reductions(figures)
    continuity = _continuity(case, practitioner_ids)
    agreements = _agreements([f.membership.pk for f in figures], on)
    for f in figures:
        m = f.membership
        key = (m.practitioner_id, m.team_id)
        f.recent_allocations = recent.get(m.practitioner_id, 0)
        f.tier_mix = dict(sorted(mix[key].items()))
        f.ending_soon, f.releases_soon = ending[key], releases[key]
        lines = [
            r for r in reductions.get(m.pk, []) if r.effective_from <= on and (r.effective_to or on) >= on
        ]
        f.reductions = [ReductionLine(r.reason.name, r.hours, r.effective_to) for r in lines]
        f.next_reduction_change = _next_change(reductions.get(m.pk, []), on)
        f.absences = tuple(
            rules.Absence(r.reason.code, r.effective_from, r.effective_to) for r in reductions.get(m.pk, [])
        )
        f.continuity = continuity.get(m.practitioner_id, "")
        f.agreement = agreements.get(m.pk)


def _reductions(figures: list[CandidateFigures]) -> dict[int, list[Reduction]]:
    found: dict[int, list[Reduction]] = defaultdict(list)
    for r in Reduction.objects.filter(
        membership_id__in=[f.membership.pk for f in figures], is_deleted=False
    ).select_related("reason"):
        found[r.membership_id].append(r)
    return found


def _next_change(reductions: list[Reduction], on: dt.date) -> dt.date | None:
    """The next day a reduction starts or stops counting."""
    days = [r.effective_from for r in reductions if r.effective_from > on]
    days += [
        r.effective_to + dt.timedelta(days=1) for r in reductions if r.effective_to and r.effective_to >= on
    ]
    return min(days) if days else None


def _continuity(case: Case, practitioner_ids: set[int]) -> dict[int, str]:
    """Who already knows the person (held this case before) or a sibling (holds or held one)."""
    found: dict[int, str] = {}
    if case.sibling_group:
        siblings = Case.objects.filter(
            organisation_id=case.organisation_id, sibling_group=case.sibling_group
        ).exclude(pk=case.pk)
        for pid, reference in CaseAllocation.objects.filter(
            case__in=siblings, practitioner_id__in=practitioner_ids
        ).values_list("practitioner_id", "case__reference"):
            found[pid] = f"Works or worked with a sibling ({reference})"
    for pid in CaseAllocation.objects.filter(case=case, practitioner_id__in=practitioner_ids).values_list(
        "practitioner_id", flat=True
    ):
        found[pid] = "Held this case before"
    return found


def _agreements(membership_ids: list[int], on: dt.date) -> dict[int, Any]:
    """Agreed workload ranges from supervision (issue 7), when that app provides them."""
    try:
        from caseload.supervision.selectors import agreement_ranges
    except ImportError:
        return {}
    return dict(agreement_ranges(membership_ids, on))


def _rank(case: Case, figures: list[CandidateFigures], scheme: Scheme | None, on: dt.date) -> rules.Ranking:
    """Judge and rank under the scheme of the case's team (its eligibility rules and thresholds)."""
    facts = rules.CaseFacts(case.category, case.level or None)
    candidates = []
    for f in figures:
        agreement = f.agreement
        candidates.append(
            rules.Candidate(
                id=str(f.membership.pk),
                name=f.membership.practitioner.full_name,
                grade=f.membership.practitioner.grade.code,
                current_percent=f.current.workload_percent,
                projected_percent=f.projected.workload_percent,
                recent_allocations=f.recent_allocations,
                continuity=bool(f.continuity),
                absences=f.absences,
                agreed_max_percent=agreement.max_percent if agreement else None,
                no_sole_cp_or_court=bool(agreement and agreement.no_sole_cp_or_court),
            )
        )
    if scheme is None:
        return rules.Ranking((), None, rules.recommendation_reason(None, 0), ())
    return rules.rank(scheme, candidates, facts, on)


# -- history and approvals ------------------------------------------------------------------------------------


def decisions_for(cases: CaseQuerySet, q: str = "") -> QuerySet[AllocationDecision]:
    """Allocation decisions on the given cases, newest first; `q` matches the case reference or name, the
    practitioner, who decided, or the justification."""
    found = AllocationDecision.objects.filter(case__in=cases).select_related(
        "case", "practitioner", "previous_practitioner", "decided_by", "approved_by"
    )
    if q:
        found = found.filter(
            Q(case__reference__icontains=q)
            | Q(case__name__icontains=q)
            | Q(practitioner__first_name__icontains=q)
            | Q(practitioner__last_name__icontains=q)
            | Q(practitioner__staff_code__icontains=q)
            | Q(decided_by__first_name__icontains=q)
            | Q(decided_by__last_name__icontains=q)
            | Q(justification__icontains=q)
        )
    return found


def decision_in(cases: CaseQuerySet, pk: int) -> AllocationDecision | None:
    return decisions_for(cases).filter(pk=pk).first()


def approvals_for(cases: CaseQuerySet, status: str = ApprovalStatus.PENDING) -> QuerySet[ApprovalRequest]:
    found = ApprovalRequest.objects.filter(case__in=cases).select_related(
        "case__practitioner",
        "membership__practitioner",
        "membership__team",
        "requested_by",
        "approver",
        "withdrawn_by",
    )
    return found.filter(status=status) if status else found


def approval_in(cases: CaseQuerySet, pk: int) -> ApprovalRequest | None:
    return approvals_for(cases, status="").filter(pk=pk).first()


def deliveries(decision: AllocationDecision) -> list[tuple[str, str, str]]:
    """The emails about a decision: (recipient, subject, delivery status), for the confirmation page."""
    from django.contrib.contenttypes.models import ContentType

    from caseload.notifications.models import Notification

    rows = Notification.objects.filter(
        related_type=ContentType.objects.get_for_model(AllocationDecision), related_id=str(decision.pk)
    ).order_by("pk")
    return [(n.email or str(n.user or "–"), n.subject, n.get_status_display()) for n in rows]
