"""Reads for the equity, performance and monthly reports. Every function takes the scope's units (already
narrowed to one unit's subtree by the caller, e.g. `request.scope.units.within(unit)`) and returns plain
rows in a fixed, small number of queries, whatever the size of the subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from caseload.cases.models import Case, CaseEvent
from caseload.domain.performance import CaseFacts, Event
from caseload.domain.scheme import Scheme
from caseload.organisations.models import OrgUnit
from caseload.schemes.models import SchemeVersion
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.models import UnitSnapshot, Workload, WorkloadSnapshot


@dataclass(frozen=True)
class MemberFigures:
    """One membership's stored figures (current or from a snapshot). `name` is blank unless asked for."""

    membership_id: int
    practitioner_id: int
    team_id: int
    team_path: str
    version_id: int
    total_points: Decimal
    available_points: Decimal
    workload_percent: Decimal
    rag: str
    contracted_hours: Decimal
    name: str = ""


FIELDS = (
    "membership_id",
    "membership__practitioner_id",
    "membership__team_id",
    "membership__team__path",
    "scheme_version_id",
    "total_points",
    "available_points",
    "workload_percent",
    "rag",
    "contracted_hours",
)


def _member(row: dict[str, Any], name: str = "") -> MemberFigures:
    return MemberFigures(*(row[f] for f in FIELDS), name=name)  # type: ignore[arg-type]


def current_members(units: QuerySet[OrgUnit], on: dt.date, *, names: bool = False) -> list[MemberFigures]:
    """The stored current workload of every membership in force on `on` in a team among `units` (1 query)."""
    rows = (
        Workload.objects.filter(membership__team__in=units)
        .filter(Q(membership__start_date__lte=on))
        .filter(Q(membership__end_date__isnull=True) | Q(membership__end_date__gte=on))
        .order_by("membership__team__path", "membership_id")
    )
    extra = ("membership__practitioner__first_name", "membership__practitioner__last_name") if names else ()
    return [
        _member(row, f"{row[extra[0]]} {row[extra[1]]}" if names else "")
        for row in rows.values(*FIELDS, *extra)
    ]


def snapshot_members(units: QuerySet[OrgUnit], days: list[dt.date]) -> dict[dt.date, list[MemberFigures]]:
    """Each membership's daily snapshot on each of `days`, by day (1 query)."""
    found: dict[dt.date, list[MemberFigures]] = {day: [] for day in days}
    rows = (
        WorkloadSnapshot.objects.filter(membership__team__in=units, on__in=days)
        .order_by("on", "membership__team__path", "membership_id")
        .values(*FIELDS, "on")
    )
    for row in rows:
        found[row["on"]].append(_member(row))
    return found


def snapshot_days(unit: OrgUnit, first: dt.date, last: dt.date) -> list[dt.date]:
    """The dates between `first` and `last` on which the unit has a snapshot, oldest first (1 query)."""
    return list(
        UnitSnapshot.objects.filter(unit=unit, on__gte=first, on__lte=last)
        .order_by("on")
        .values_list("on", flat=True)
    )


def last_workload_of_each_month(
    unit: OrgUnit, first: dt.date, last: dt.date
) -> dict[tuple[int, int], tuple[dt.date, Decimal]]:
    """The unit's workload % from its last snapshot in each month between `first` and `last`, keyed by
    (year, month), with the snapshot date (1 query)."""
    found: dict[tuple[int, int], tuple[dt.date, Decimal]] = {}
    rows = (
        UnitSnapshot.objects.filter(unit=unit, on__gte=first, on__lte=last)
        .order_by("on")
        .values_list("on", "workload_percent")
    )
    for on, percent in rows:
        found[(on.year, on.month)] = (on, percent)
    return found


def unit_snapshots(units: QuerySet[OrgUnit], days: list[dt.date]) -> list[UnitSnapshot]:
    """The units' snapshots on the given days (1 query)."""
    return list(UnitSnapshot.objects.filter(unit__in=units, on__in=days).order_by("unit__path", "on"))


def schemes_of(version_ids: set[int]) -> dict[int, Scheme]:
    """The points engine's scheme for each scheme version id (1 query; parsing is cached per process)."""
    return {pk: domain_scheme(v) for pk, v in SchemeVersion.objects.in_bulk(list(version_ids)).items()}


def unit_scheme(unit: OrgUnit, on: dt.date) -> Scheme | None:
    """The scheme in force for the unit (its own assignment or its nearest ancestor's), if any."""
    version = version_for_unit(unit, on)
    return domain_scheme(version) if version is not None else None


def child_units(units: QuerySet[OrgUnit], unit: OrgUnit, on: dt.date) -> list[OrgUnit]:
    """The unit's current children (1 query)."""
    return list(units.filter(parent=unit).current(on).order_by("name"))


def teams_within(units: QuerySet[OrgUnit], on: dt.date) -> list[OrgUnit]:
    """Current teams among `units` (1 query)."""
    return list(units.teams().current(on).order_by("path"))


def case_facts(
    units: QuerySet[OrgUnit], since: dt.date, kinds: set[str]
) -> tuple[list[CaseFacts], dict[int, str]]:
    """Cases in teams among `units` that were open on or after `since`, with their events of `kinds`, as the
    performance engine's plain values (2 queries), and the names of their holders by practitioner id."""
    cases = (
        Case.objects.filter(team__in=units)
        .filter(Q(closed_date__isnull=True) | Q(closed_date__gte=since))
        .select_related("practitioner")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(kind__in=kinds).only(
                    "case_id", "kind", "occurred_on", "contact_type"
                ),
                to_attr="timeliness_events",
            )
        )
        .only(
            "category",
            "received_date",
            "start_date",
            "closed_date",
            "team_id",
            "practitioner__first_name",
            "practitioner__last_name",
        )
    )
    facts, names = [], {}
    for case in cases:
        if case.practitioner is not None:
            names[case.practitioner.pk] = case.practitioner.full_name
        facts.append(facts_of(case, case.timeliness_events))
    return facts, names


def facts_of(case: Case, events: Iterable[CaseEvent]) -> CaseFacts:
    """One case and its events (of the kinds the indicators name) as the performance engine's plain value.
    Also used for a single case's clocks on the case page (caseload.cases.selectors)."""
    return CaseFacts(
        category=case.category,
        received=case.received_date,
        start=case.start_date,
        events=tuple(Event(e.kind, e.occurred_on, e.contact_type) for e in events),
        holder=case.practitioner_id,
        team=case.team_id,
        closed=case.closed_date,
    )


@dataclass(frozen=True)
class Volume:
    open_at_end: int
    new: int
    closed: int


def case_volume(units: QuerySet[OrgUnit], first: dt.date, last: dt.date) -> Volume:
    """Cases open at the end of the period, received in it and closed in it (1 query)."""
    open_at_end = Q(received_date__lte=last) & (Q(closed_date__isnull=True) | Q(closed_date__gt=last))
    counts = Case.objects.filter(team__in=units).aggregate(
        open_at_end=Count("pk", filter=open_at_end),
        new=Count("pk", filter=Q(received_date__gte=first, received_date__lte=last)),
        closed=Count("pk", filter=Q(closed_date__gte=first, closed_date__lte=last)),
    )
    return Volume(**counts)
