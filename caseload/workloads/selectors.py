"""Workload figures read from the database: each membership scored under the scheme version in force
for its team, with the full breakdown; the stored figures; and the look-ups the live-updates API needs
(until the request scope exists, they live here rather than in the API module)."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models import QuerySet

from caseload.cases.models import Case
from caseload.core.sql import AnyOf
from caseload.domain.aggregate import Aggregate, aggregate
from caseload.domain.results import WorkloadResult
from caseload.domain.scoring import score_practitioners
from caseload.organisations.models import (
    OrgUnit,
    OrgUnitKind,
    Practitioner,
    Reduction,
    ReductionReason,
    TeamMembership,
)
from caseload.schemes.models import SchemeAssignment, SchemeVersion
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.history import PastState
from caseload.workloads.inputs import current_memberships, practitioner_inputs
from caseload.workloads.models import Workload

# From this many memberships at once (a whole region or the country), scoring pauses the cyclic collector.
BULK_SCORING = 500


@dataclass(frozen=True)
class MembershipWorkload:
    membership: TeamMembership
    version: SchemeVersion
    result: WorkloadResult
    case_ids: dict[str, int] | None = None  # the held cases' ids by reference (not for past dates)


@dataclass(frozen=True)
class UnitWorkload:
    unit: OrgUnit
    version: SchemeVersion
    members: list[MembershipWorkload]
    total: Aggregate


def score_memberships(
    memberships: list[TeamMembership], on: dt.date, past: PastState | None = None
) -> list[MembershipWorkload]:
    """Score memberships on a date, each under its team's scheme version. Memberships whose team has no
    scheme in force are left out (the unit pages say so). `past`: score cases and hours as the history
    records them on that date (for recomputing snapshots) instead of as they are now."""
    by_version: dict[int, tuple[SchemeVersion, list[TeamMembership]]] = {}
    versions = versions_by_team({m.team_id: m.team.path for m in memberships}, on)
    for m in memberships:
        version = versions[m.team_id]
        if version is not None:
            by_version.setdefault(version.pk, (version, []))[1].append(m)
    scored: dict[int, MembershipWorkload] = {}
    with collector_paused(len(memberships) >= BULK_SCORING):
        for version, group in by_version.values():
            scheme = domain_scheme(version)
            case_ids: dict[int, dict[str, int]] | None = None if past else {}
            people, contacts = practitioner_inputs(scheme, group, on, past, case_ids)
            for m, result in zip(group, score_practitioners(scheme, people, contacts, on), strict=True):
                ids = None if case_ids is None else case_ids.get(m.pk, {})
                scored[m.pk] = MembershipWorkload(m, version, result, ids)
    return [scored[m.pk] for m in memberships if m.pk in scored]


@contextmanager
def collector_paused(paused: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many memberships' inputs and results are built. They
    are hundreds of thousands of small immutable values with no reference cycles, which reference counting
    frees; the collector would only walk them again and again as the heap grows (about 2 of 5 seconds for
    the 12,000 memberships of benchmarks/bench_recalculation.py). Restored afterwards, errors included."""
    pause = paused and gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()


def versions_by_team(paths: dict[int, str], on: dt.date) -> dict[int, SchemeVersion | None]:
    """`version_for_unit` of many teams at once, from their ids and paths: the same rule (the team's own
    assignment, else its nearest ancestor's; that scheme's version in force) with one query for all their
    assignments and one per scheme, instead of two per team."""
    chains = {pk: [int(part) for part in path.strip("/").split("/") if part] for pk, path in paths.items()}
    assignments = {
        a.org_unit_id: a
        for a in SchemeAssignment.objects.current(on)
        .filter(AnyOf("org_unit_id", (unit_id for chain in chains.values() for unit_id in chain)))
        .select_related("scheme")
    }
    in_force: dict[int, SchemeVersion | None] = {}
    versions: dict[int, SchemeVersion | None] = {}
    for pk, chain in chains.items():
        assignment = next((assignments[u] for u in reversed(chain) if u in assignments), None)
        if assignment is not None and assignment.scheme_id not in in_force:
            in_force[assignment.scheme_id] = assignment.scheme.version_in_force(on)
        versions[pk] = in_force[assignment.scheme_id] if assignment is not None else None
    return versions


def team_workload(team: OrgUnit, on: dt.date) -> UnitWorkload | None:
    """Every current member of a team scored, and the team's totals (sum then divide)."""
    version = version_for_unit(team, on)
    if version is None:
        return None
    members = score_memberships(current_memberships(on, [team.pk]), on)
    total = aggregate(domain_scheme(version), team.name, [m.result for m in members])
    return UnitWorkload(team, version, members, total)


def cases_with_reference(cases: QuerySet[Case], reference: str) -> list[Case]:
    """The cases of a scoped queryset with this reference (references are unique within an organisation,
    not across them), at most two."""
    return list(cases.filter(reference=reference).select_related("team", "practitioner")[:2])


def practitioner_with_staff_code(
    practitioners: QuerySet[Practitioner], staff_code: str
) -> Practitioner | None:
    return practitioners.filter(staff_code=staff_code).first()


def team_with_code(units: QuerySet[OrgUnit], code: str) -> OrgUnit | None:
    return units.filter(code=code, kind=OrgUnitKind.TEAM).first()


def membership_with_id(memberships: QuerySet[TeamMembership], pk: int) -> TeamMembership | None:
    return memberships.select_related("practitioner", "team").filter(pk=pk).first()


def reduction_reason_with_code(code: str) -> ReductionReason | None:
    return ReductionReason.objects.filter(code=code).first()


def reduction_of(membership: TeamMembership, pk: int) -> Reduction | None:
    """The membership's reduction with this id, unless it was deleted (another membership's: None)."""
    return (
        Reduction.objects.filter(membership=membership, pk=pk, is_deleted=False)
        .select_related("reason", "membership")
        .first()
    )


def stored_workloads(membership_ids: list[int]) -> list[Workload]:
    """The stored figures of these memberships, in membership order."""
    return list(
        Workload.objects.filter(membership_id__in=membership_ids)
        .select_related("membership__practitioner", "membership__team", "scheme_version__scheme")
        .order_by("membership_id")
    )
