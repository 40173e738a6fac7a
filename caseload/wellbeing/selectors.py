"""Reads for well-being: who may see individual records, the records a scope reaches, the managers to tell,
the scheme rules and readings of a membership, and the aggregated counts for senior leaders and analysts.

Who sees what (docs/wellbeing.md, "Who sees what"): individual well-being records (alerts, plans,
concerns, queries) are shown only to the practitioner concerned and to their line — team and area managers
whose scope contains the membership's team. Senior leaders, analysts and administrators see aggregated
counts per unit, without names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from caseload.core.models import Role, User
from caseload.core.scope import Scope
from caseload.domain.scheme import Wellbeing
from caseload.domain.wellbeing import Reading
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.wellbeing.models import (
    ActionPlan,
    AlertStatus,
    CaseloadConcern,
    ConcernStatus,
    ItemQuery,
    QueryStatus,
    WellbeingAlert,
)
from caseload.workloads.models import WorkloadSnapshot

#: Roles that form a membership's line when their scope contains its team.
LINE_ROLES = frozenset({Role.TEAM_MANAGER, Role.AREA_MANAGER})
#: Roles told at escalation steps above the team (users whose org units include the step's unit).
ESCALATION_ROLES = (Role.TEAM_MANAGER, Role.AREA_MANAGER, Role.SENIOR_LEADER)
#: Above this many ids, filter snapshots in Python rather than in an IN clause (SQLite's variable limit).
MAX_IDS_IN_QUERY = 500


def is_line(scope: Scope) -> bool:
    """Whether the user manages individual well-being records (a team or area manager)."""
    return scope.signed_in and scope.role in LINE_ROLES


def is_own(scope: Scope, membership: TeamMembership) -> bool:
    return (
        scope.signed_in
        and scope.practitioner_id is not None
        and (membership.practitioner_id == scope.practitioner_id)
    )


def sees_records(scope: Scope) -> bool:
    """Whether the user sees individual well-being records at all (their own, or their line's)."""
    return is_line(scope) or (scope.signed_in and scope.role == Role.PRACTITIONER)


def record_memberships(scope: Scope) -> Any:
    """The memberships whose individual well-being records the user may see: a practitioner's own, a line
    manager's scope; nobody else's (aggregates only)."""
    if is_line(scope) or scope.role == Role.PRACTITIONER:
        return scope.memberships
    return scope.memberships.none()


def may_see_membership(scope: Scope, membership: TeamMembership) -> bool:
    if is_own(scope, membership) and scope.role == Role.PRACTITIONER:
        return True
    return is_line(scope) and scope.contains_unit(membership.team)


def alerts_for(memberships: QuerySet[TeamMembership]) -> QuerySet[WellbeingAlert]:
    return WellbeingAlert.objects.filter(membership__in=memberships).select_related(
        "membership__practitioner", "membership__team"
    )


def concerns_for(memberships: QuerySet[TeamMembership]) -> QuerySet[CaseloadConcern]:
    return CaseloadConcern.objects.filter(membership__in=memberships).select_related(
        "membership__practitioner", "membership__team", "alert"
    )


def queries_for(memberships: QuerySet[TeamMembership]) -> QuerySet[ItemQuery]:
    return ItemQuery.objects.filter(membership__in=memberships).select_related(
        "membership__practitioner", "membership__team"
    )


# -- people to tell --------------------------------------------------------------------------------------


def team_managers(team: OrgUnit) -> list[User]:
    """Active users with the team manager role whose org units include the team."""
    return list(
        User.objects.filter(role=Role.TEAM_MANAGER, org_units=team, is_active=True).order_by("pk").distinct()
    )


def unit_managers(unit: OrgUnit) -> list[User]:
    """Active managers (team, area, senior leader) whose org units include exactly this unit."""
    return list(
        User.objects.filter(role__in=ESCALATION_ROLES, org_units=unit, is_active=True)
        .order_by("pk")
        .distinct()
    )


def escalation_unit(team: OrgUnit, level: int) -> OrgUnit:
    """The unit whose managers step `level` goes to: 0 the team, 1 its parent, 2 the grandparent… The
    top of the tree takes every step beyond it."""
    chain = [team, *reversed(team.ancestors())]
    return chain[min(level, len(chain) - 1)]


# -- rules and readings ----------------------------------------------------------------------------------


class RulesCache:
    """The scheme's well-being section for each team on one date (looked up once per team)."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        self._by_team: dict[int, Wellbeing | None] = {}

    def for_team(self, team: OrgUnit) -> Wellbeing | None:
        if team.pk not in self._by_team:
            version = version_for_unit(team, self.on)
            self._by_team[team.pk] = domain_scheme(version).wellbeing if version is not None else None
        return self._by_team[team.pk]


def readings_by_membership(
    since: dt.date, until: dt.date, membership_ids: Iterable[int] | None = None
) -> dict[int, list[Reading]]:
    """Daily workload % per membership between two dates (inclusive), from the snapshots: of every
    membership (one query by date, for the daily check) or of the ones named."""
    rows = WorkloadSnapshot.objects.filter(on__gte=since, on__lte=until)
    wanted = set(membership_ids) if membership_ids is not None else None
    if wanted is not None and len(wanted) <= MAX_IDS_IN_QUERY:
        rows = rows.filter(membership_id__in=wanted)
    readings: dict[int, list[Reading]] = {}
    values = rows.values_list("membership_id", "on", "workload_percent")
    for membership_id, on, percent in values.iterator(chunk_size=5000):
        if wanted is None or membership_id in wanted:
            readings.setdefault(membership_id, []).append(Reading(on, percent))
    return readings


def current_memberships(on: dt.date) -> QuerySet[TeamMembership]:
    """Memberships current on a date: the ones the daily check looks at."""
    return TeamMembership.objects.current(on).select_related("team", "practitioner")


# -- aggregated counts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCounts:
    unit: OrgUnit
    open_alerts: int
    escalated: int
    plans_overdue: int
    open_concerns: int
    open_queries: int


def unit_counts(units: QuerySet[OrgUnit], on: dt.date) -> list[UnitCounts]:
    """For each unit, counts of its subtree's active alerts (of which escalated, and with an action plan
    overdue), open concerns and open queries. No names: for senior leaders and analysts."""
    unit_list = list(units.order_by("path"))
    if not unit_list:
        return []
    within = Q()
    for unit in unit_list:
        within |= Q(membership__team__path__startswith=unit.path)
    alerts = list(
        WellbeingAlert.objects.active()
        .filter(within)
        .annotate(has_plan=Exists(ActionPlan.objects.filter(alert=OuterRef("pk"))))
        .values_list("membership__team__path", "status", "action_plan_due", "has_plan")
    )
    concerns = list(
        CaseloadConcern.objects.filter(within, status=ConcernStatus.OPEN).values_list(
            "membership__team__path", flat=True
        )
    )
    queries = list(
        ItemQuery.objects.filter(within, status=QueryStatus.OPEN).values_list(
            "membership__team__path", flat=True
        )
    )
    return [_counts(unit, alerts, concerns, queries, on) for unit in unit_list]


def _counts(
    unit: OrgUnit, alerts: list[tuple[Any, ...]], concerns: list[str], queries: list[str], on: dt.date
) -> UnitCounts:
    mine = [a for a in alerts if a[0].startswith(unit.path)]
    return UnitCounts(
        unit=unit,
        open_alerts=len(mine),
        escalated=sum(1 for a in mine if a[1] == AlertStatus.ESCALATED),
        plans_overdue=sum(1 for a in mine if not a[3] and a[2] is not None and a[2] < on),
        open_concerns=sum(1 for path in concerns if path.startswith(unit.path)),
        open_queries=sum(1 for path in queries if path.startswith(unit.path)),
    )


def plan_owners(membership: TeamMembership) -> QuerySet[User]:
    """Who may own an action plan: the membership's line (team and area managers over its team) and the
    practitioner themselves."""
    chain = [membership.team, *membership.team.ancestors()]
    return (
        User.objects.filter(
            Q(role__in=LINE_ROLES, org_units__in=chain) | Q(practitioner_id=membership.practitioner_id),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
