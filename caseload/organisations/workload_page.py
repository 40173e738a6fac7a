"""Reads behind a practitioner's workload page ("My workload"): the stored figures and breakdown, the open
cases behind it with the engine's explanation of each, reductions, the trend and what is due soon.

Selectors take the caller's scoped case queryset, so a view never reaches cases outside the user's scope.
No arithmetic on points happens here: the stored breakdown (its case lines scored by the engine when they are
not stored: `with_case_lines`) and `explain_case` (caseload.domain) say it all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from caseload.cases.models import Case, CaseStatus
from caseload.domain.case_points import CaseExplanation, explain_case
from caseload.domain.scheme import RagBand
from caseload.organisations.models import Reduction, TeamMembership
from caseload.schemes.services import domain_scheme
from caseload.workloads.inputs import case_input
from caseload.workloads.models import Workload, WorkloadSnapshot
from caseload.workloads.services import shown_workload

DUE_SOON_DAYS = 28
TREND_DAYS = 182


@dataclass(frozen=True)
class WorkloadPageData:
    membership: TeamMembership
    on: dt.date
    workload: Workload | None
    cases: dict[str, Case]  # open cases held in this membership, by reference
    explanations: dict[str, CaseExplanation]
    reductions: list[Reduction]  # not deleted, newest first
    snapshots: list[WorkloadSnapshot]  # oldest first
    due_soon: list[Case]  # open cases ending or due for release in the next four weeks
    rag_bands: tuple[RagBand, ...]
    other_memberships: list[TeamMembership]
    points_unit: str = ""  # the scheme's unit of points ("WMT points per week"), when one applies


def workload_page_data(
    membership: TeamMembership, cases: Any, memberships: Any, on: dt.date
) -> WorkloadPageData:
    """Everything the page shows for one membership. `cases` and `memberships` are the request scope's
    querysets (the caller's view of case and membership records)."""
    workload = shown_workload(membership.pk)  # with its case lines, scored if not stored
    held = list(
        cases.filter(
            practitioner_id=membership.practitioner_id, team_id=membership.team_id, status=CaseStatus.ACTIVE
        ).order_by("reference")
    )
    by_reference = {case.reference: case for case in held}
    explanations: dict[str, CaseExplanation] = {}
    bands: tuple[RagBand, ...] = ()
    points_unit = ""
    if workload is not None:
        scheme = domain_scheme(workload.scheme_version)
        bands, points_unit = scheme.rag, scheme.points_unit
        explanations = {case.reference: explain_case(scheme, case_input(case), on) for case in held}
    soon = on + dt.timedelta(days=DUE_SOON_DAYS)
    due_soon = [
        case
        for case in held
        if (case.expected_end_date and on <= case.expected_end_date <= soon)
        or (case.expected_release_date and on <= case.expected_release_date <= soon)
    ]
    return WorkloadPageData(
        membership=membership,
        on=on,
        workload=workload,
        cases=by_reference,
        explanations=explanations,
        reductions=list(
            Reduction.objects.filter(membership=membership, is_deleted=False)
            .select_related("reason")
            .order_by("-effective_from", "-pk")
        ),
        snapshots=list(
            WorkloadSnapshot.objects.filter(
                membership=membership, on__gt=on - dt.timedelta(days=TREND_DAYS), on__lte=on
            ).order_by("on")
        ),
        due_soon=sorted(due_soon, key=_due_date),
        rag_bands=bands,
        other_memberships=list(
            memberships.current(on)
            .filter(practitioner_id=membership.practitioner_id)
            .exclude(pk=membership.pk)
            .select_related("team")
        ),
        points_unit=points_unit,
    )


def _due_date(case: Case) -> dt.date:
    dates = [d for d in (case.expected_end_date, case.expected_release_date) if d is not None]
    return min(dates)


def own_memberships(memberships: Any, on: dt.date) -> list[TeamMembership]:
    """The signed-in practitioner's current memberships (from their scope), the first being their main one."""
    return list(
        memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("practitioner__grade", "team")
        .order_by("start_date", "pk")
    )


def reductions_in(memberships: Any) -> Any:
    """Reductions (not deleted) of the given memberships (pass the request scope's)."""
    return Reduction.objects.filter(membership__in=memberships, is_deleted=False).select_related(
        "reason", "membership__practitioner", "membership__team"
    )


def membership_history(membership: TeamMembership) -> Any:
    """Audit entries for a membership's contracted hours and for each of its reductions, newest first."""
    from caseload.core.models import AuditEntry

    reduction_ids = [
        str(pk) for pk in Reduction.objects.filter(membership=membership).values_list("pk", flat=True)
    ]
    return (
        AuditEntry.objects.filter(
            Q(object_type="organisations.teammembership", object_id=str(membership.pk))
            | Q(object_type="organisations.reduction", object_id__in=reduction_ids)
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )
