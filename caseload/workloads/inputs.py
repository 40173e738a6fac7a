"""The edge between the database and the points engine: turn memberships, cases, reductions, reports and
contacts into the engine's plain values. No arithmetic on points happens here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q

from caseload.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caseload.domain.scheme import Scheme
from caseload.domain.values import (
    CaseInput,
    CmsContactInput,
    ExtraResponsibilityInput,
    PractitionerInput,
    ReductionInput,
    ReportInput,
)
from caseload.organisations.models import Reduction, Responsibility, TeamMembership

if TYPE_CHECKING:
    from caseload.workloads.history import PastState

# Case flags that set the engine's case status (the scheme decides how much such a case keeps).
STATUS_FLAGS = ("dormant", "inactive")


def case_input(case: Case) -> CaseInput:
    flags = frozenset(case.flags or ())
    status = next((flag for flag in STATUS_FLAGS if flag in flags), "active")
    return CaseInput(
        reference=case.reference,
        category=case.category,
        level=case.level or None,
        status=status,
        flags=flags,
        sibling_group=case.sibling_group or None,
        start_date=case.start_date,
        expected_end_date=case.expected_end_date,
        expected_release_date=case.expected_release_date,
    )


def reduction_input(reduction: Reduction) -> ReductionInput:
    return ReductionInput(
        reason=reduction.reason.code,
        hours=reduction.hours,
        effective_from=reduction.effective_from,
        effective_to=reduction.effective_to,
        deleted=reduction.is_deleted,  # whether the reason counts is the scheme's to say
    )


class MembershipIndex:
    """Which membership a practitioner's work in a team belongs to: the one in that team, else their
    first current one (a report written for a court team by someone based in a case team)."""

    def __init__(self, memberships: Iterable[TeamMembership]) -> None:
        self.by_pair: dict[tuple[int, int], int] = {}
        self.first: dict[int, int] = {}
        for m in sorted(memberships, key=lambda m: m.pk):
            self.by_pair[(m.practitioner_id, m.team_id)] = m.pk
            self.first.setdefault(m.practitioner_id, m.pk)

    def membership_id(self, practitioner_id: int, team_id: int) -> int | None:
        return self.by_pair.get((practitioner_id, team_id), self.first.get(practitioner_id))


def current_memberships(
    on: dt.date, team_ids: Iterable[int] | None = None, membership_ids: Iterable[int] | None = None
) -> list[TeamMembership]:
    """Current memberships (in the given teams, or with the given ids, or everywhere) with what scoring
    needs, in few queries."""
    memberships = TeamMembership.objects.current(on).select_related("practitioner__grade", "team")
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=list(team_ids))
    if membership_ids is not None:
        memberships = memberships.filter(pk__in=list(membership_ids))
    return list(
        memberships.prefetch_related(
            Prefetch(
                "reductions", queryset=Reduction.objects.filter(is_deleted=False).select_related("reason")
            ),
            Prefetch("responsibilities", queryset=Responsibility.objects.active_on(on)),
        ).order_by("team__path", "practitioner__last_name", "practitioner__first_name", "pk")
    )


def practitioner_inputs(
    scheme: Scheme, memberships: list[TeamMembership], on: dt.date, past: PastState | None = None
) -> tuple[list[PractitionerInput], list[CmsContactInput]]:
    """The engine's inputs for these memberships on a date, and the support contacts that touch them.
    With `past`, cases, their levels, who held them and contracted hours are as the history records them
    on that date (caseload.workloads.history); without it, as they are now."""
    index = _index_for({m.practitioner_id for m in memberships}, on)
    cases = past.cases_by_membership(memberships) if past else _open_cases_by_membership(memberships)
    reports = _reports_by_membership(memberships, index, on, scheme.court_reports.window_days)
    people = [
        PractitionerInput(
            id=str(m.pk),
            name=m.practitioner.full_name,
            grade=m.practitioner.grade.code,
            contracted_hours=past.hours_of(m) if past else m.contracted_hours,
            reductions=tuple(reduction_input(r) for r in m.reductions.all()),
            cases=tuple(cases.get(m.pk, ())),
            reports=tuple(reports.get(m.pk, ())),
            extra_responsibilities=tuple(
                ExtraResponsibilityInput(code=r.code, quantity=r.quantity) for r in m.responsibilities.all()
            ),
        )
        for m in memberships
    ]
    return people, _cms_contacts(memberships, on, scheme.cms.window_days, past)


def _index_for(practitioner_ids: set[int], on: dt.date) -> MembershipIndex:
    return MembershipIndex(TeamMembership.objects.current(on).filter(practitioner_id__in=practitioner_ids))


def _open_cases_by_membership(memberships: list[TeamMembership]) -> dict[int, list[CaseInput]]:
    pair_to_membership = {(m.practitioner_id, m.team_id): m.pk for m in memberships}
    held = Case.objects.filter(
        status=CaseStatus.ACTIVE,
        practitioner_id__in={m.practitioner_id for m in memberships},
        team_id__in={m.team_id for m in memberships},
    ).order_by("reference")
    by_membership: dict[int, list[CaseInput]] = defaultdict(list)
    for case in held:
        membership_id = pair_to_membership.get((case.practitioner_id, case.team_id))
        if membership_id is not None:
            by_membership[membership_id].append(case_input(case))
    return by_membership


def _reports_by_membership(
    memberships: list[TeamMembership], index: MembershipIndex, on: dt.date, window_days: int
) -> dict[int, list[ReportInput]]:
    wanted = {m.pk for m in memberships}
    events = CaseEvent.objects.filter(
        kind=EventKind.REPORT_COMPLETED,
        practitioner_id__in={m.practitioner_id for m in memberships},
        occurred_on__gt=on - dt.timedelta(days=window_days + 1),
        occurred_on__lte=on,
    ).values_list("practitioner_id", "case__team_id", "report_type", "occurred_on")
    by_membership: dict[int, list[ReportInput]] = defaultdict(list)
    for practitioner_id, team_id, report_type, occurred_on in events:
        membership_id = index.membership_id(practitioner_id, team_id)
        if membership_id in wanted:
            by_membership[membership_id].append(ReportInput(type=report_type, completed=occurred_on))
    return by_membership


def _cms_contacts(
    memberships: list[TeamMembership], on: dt.date, window_days: int, past: PastState | None = None
) -> list[CmsContactInput]:
    """Support contacts in the window done by, or on cases held by, these memberships. Ids are membership
    ids, so points move between the right two workloads."""
    practitioner_ids = {m.practitioner_id for m in memberships}
    held = (
        Q(case_id__in=past.cases_last_held_by(practitioner_ids))
        if past
        else Q(case__practitioner_id__in=practitioner_ids)
    )
    events = CaseEvent.objects.filter(
        Q(practitioner_id__in=practitioner_ids) | held,
        kind=EventKind.CMS_CONTACT,
        occurred_on__gt=on - dt.timedelta(days=window_days + 1),
        occurred_on__lte=on,
    ).values_list(
        "contact_type",
        "occurred_on",
        "case__reference",
        "practitioner_id",
        "case__practitioner_id",
        "case__team_id",
        "case_id",
    )
    rows = [(*row[:4], *past.last_holder(row[6], row[4], row[5])) if past else row[:6] for row in events]
    index = _index_for({row[3] for row in rows} | {row[4] for row in rows if row[4]}, on)
    contacts = []
    for contact_type, occurred_on, reference, doer_id, holder_id, team_id in rows:
        doer = index.membership_id(doer_id, team_id) if doer_id else None
        holder = index.membership_id(holder_id, team_id) if holder_id else None
        if doer is None or holder is None or doer == holder:
            continue
        contacts.append(
            CmsContactInput(
                contact_type=contact_type,
                contact_date=occurred_on,
                case_reference=reference,
                performed_by=str(doer),
                case_holder=str(holder),
            )
        )
    return contacts
