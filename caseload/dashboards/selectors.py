"""Reads for the workload dashboards. Each function takes the scoped querysets it may read from (the view
passes `request.scope.units`, `.memberships`, `.practitioners`, `.cases`), so nothing here widens access.

Aggregates of a unit are read from the stored `Workload` rows of every current membership below it: the
view has already checked the unit is in `scope.units`, which is what lets a user see its aggregates. The
figures are summed by the points engine (`caseload.domain.unit_figures`), never here or in SQL.

Query counts do not grow with the number of units or people: see the tests.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from caseload.core.models import in_force_on
from caseload.domain.scheme import Scheme
from caseload.domain.unit_figures import MemberFigures, UnitFigures, unit_figures
from caseload.organisations.models import OrgUnit, OrgUnitKind
from caseload.schemes.models import SchemeVersion
from caseload.schemes.services import domain_scheme
from caseload.workloads.inputs import raw_rows
from caseload.workloads.models import UnitSnapshot, Workload
from caseload.workloads.selectors import collector_paused

TREND_DAYS = 90

# Sortable columns of the practitioners table: query-string key -> ORM ordering.
PRACTITIONER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("membership__practitioner__last_name", "membership__practitioner__first_name"),
    "team": ("membership__team__name",),
    "grade": ("membership__practitioner__grade__name",),
    "hours": ("contracted_hours",),
    "cases": ("case_count",),
    "points": ("total_points",),
    "available": ("available_points",),
    "workload": ("workload_percent",),
    "reductions": ("reduction_hours",),
}


@dataclass
class UnitData:
    """Everything the unit page shows about the unit and its child units, from one read of the workloads."""

    unit: OrgUnit
    figures: UnitFigures
    children: list[tuple[OrgUnit, UnitFigures]]
    schemes: dict[Hashable, Scheme]
    last_updated: dt.datetime | None
    children_updated: dict[int, dt.datetime | None] = field(default_factory=dict)  # child unit id -> latest


def _workloads_below(unit: OrgUnit, on: dt.date) -> QuerySet[Workload]:
    """Stored workloads of every current membership below the unit."""
    below = (
        Q(membership__team=unit)
        if unit.kind == OrgUnitKind.TEAM
        else Q(membership__team__path__startswith=unit.path)
    )
    return Workload.objects.filter(
        below, in_force_on(on, "membership__start_date", "membership__end_date")
    ).order_by()


def _workload_rows(unit: OrgUnit, on: dt.date) -> list[tuple[Any, ...]]:
    """(team path, practitioner id, scheme version id, total, available, rag, hours, reduction hours, cases,
    calculated at) of every current membership's stored workload below the unit.

    Read as the driver returns them (`raw_rows`): Django's per-value converters cost more than the rest of an
    organisation page. The decimals are converted here, each distinct stored value once, to the values the
    ORM gives; `calculated_at` comes as text (no date parsing per row) until `_latest` picks the latest."""
    rows = raw_rows(
        _workloads_below(unit, on)
        .annotate(calculated_text=Cast("calculated_at", TextField()))
        .values_list(
            "membership__team__path",
            "membership__practitioner_id",
            "scheme_version_id",
            *_DECIMAL_COLUMNS,
            "rag",
            "case_count",
            "calculated_text",
        )
    )
    total, available, hours, reduction = (_Decimals(name) for name in _DECIMAL_COLUMNS)
    return [
        (path, pid, version, total[t], available[a], rag, hours[h], reduction[r], cases, at)
        for path, pid, version, t, a, h, r, rag, cases, at in rows
    ]


_DECIMAL_COLUMNS = ("total_points", "available_points", "contracted_hours", "reduction_hours")


class _Decimals(dict[Any, Decimal]):
    """Stored values of a Workload decimal column -> the Decimal the ORM gives: SQLite returns floats or
    integers, rounded here as Django's SQLite backend does; PostgreSQL returns Decimals, kept as they are.
    Each distinct value is converted once; later ones are plain dictionary look-ups."""

    def __init__(self, name: str) -> None:
        super().__init__()
        places = Workload._meta.get_field(name).decimal_places  # type: ignore[union-attr]
        self.exponent = Decimal(1).scaleb(-places)  # type: ignore[arg-type]
        self.from_float = decimal.Context(prec=15).create_decimal_from_float

    def __missing__(self, value: Any) -> Decimal:
        converted = value if isinstance(value, Decimal) else self.from_float(value).quantize(self.exponent)
        self[value] = converted
        return converted


def _latest(values: Iterable[Any]) -> dt.datetime | None:
    """The latest of `calculated_at` values as text in UTC (ISO order is time order; both databases' UTC
    text has one format), or as datetimes (naive ones are UTC)."""
    latest = max((v for v in values if v is not None), default=None)
    if isinstance(latest, str):
        latest = parse_datetime(latest)
    if latest is None or timezone.is_aware(latest):
        return latest
    return timezone.make_aware(latest, dt.UTC)


def schemes_by_version(version_ids: set[int]) -> dict[Hashable, Scheme]:
    """The points engine's scheme for each scheme version id (one query; parsing is cached per process)."""
    return {
        v.pk: domain_scheme(v) for v in SchemeVersion.objects.filter(pk__in=version_ids).defer("definition")
    }


def current_children(units: QuerySet[OrgUnit], unit: OrgUnit, on: dt.date) -> list[OrgUnit]:
    """The unit's child units in effect today that the scope holds, in name order."""
    return list(units.current(on).filter(parent=unit).order_by("name", "code"))  # type: ignore[attr-defined]


def unit_data(unit: OrgUnit, children: list[OrgUnit], on: dt.date) -> UnitData:
    """The unit's figures and each child's, from one query of the stored workloads (plus one of schemes)."""
    with collector_paused(True):  # tens of thousands of acyclic values: reference counting frees them
        return _unit_data(unit, children, on)


def _unit_data(unit: OrgUnit, children: list[OrgUnit], on: dt.date) -> UnitData:
    rows = _workload_rows(unit, on)
    schemes = schemes_by_version({row[2] for row in rows})
    child_by_path = {child.path: child for child in children}
    # "/1/4/".split("/") is ["", "1", "4", ""]: a child's path keeps one more segment than the unit's.
    segments = unit.path.count("/")
    child_of: dict[str, OrgUnit | None] = {}
    members: list[MemberFigures] = []
    below: dict[int, list[MemberFigures]] = defaultdict(list)
    times: dict[int, list[Any]] = defaultdict(list)
    for path, pid, version, total, available, rag, hours, reduction, cases, at in rows:
        member = MemberFigures(pid, version, total, available, rag, hours, reduction, cases)
        members.append(member)
        if path not in child_of:
            child_of[path] = child_by_path.get("/".join(path.split("/")[: segments + 1]) + "/")
        child = child_of[path]
        if child is not None:
            below[child.pk].append(member)
            times[child.pk].append(at)
    return UnitData(
        unit=unit,
        figures=unit_figures(unit.name, members, schemes),
        children=[(child, unit_figures(child.name, below[child.pk], schemes)) for child in children],
        schemes=schemes,
        last_updated=_latest(row[-1] for row in rows),
        children_updated={child.pk: _latest(times[child.pk]) for child in children},
    )


def top_units(units: QuerySet[OrgUnit], unit_paths: tuple[str, ...] | None, on: dt.date) -> list[OrgUnit]:
    """The highest units of a scope: the organisation roots for a whole-organisation scope, else the units
    on the user's record (already collapsed so none lies below another)."""
    current = units.current(on)  # type: ignore[attr-defined]
    if unit_paths is None:
        return list(current.filter(parent__isnull=True).order_by("name", "code"))
    return list(current.filter(path__in=unit_paths).order_by("name", "code"))


def breadcrumb_units(units: QuerySet[OrgUnit], unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors that lie in the scope, from the top down (not the unit itself)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    found = units.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def case_counts(unit: OrgUnit) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Open cases below the unit by category code and by tier/level code ("" = none), most first. One
    GROUP BY over (category, level); the two lists are counted from its rows."""
    by_category: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    for category, level, n in (
        _open_cases_below(unit)
        .values_list("category", "level")
        .annotate(n=Count("*"))  # COUNT(*): answered from the index alone
    ):
        by_category[category] += n
        by_level[level] += n
    return _most_first(by_category), _most_first(by_level)


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _open_cases_below(unit: OrgUnit) -> QuerySet[Any]:
    """Open cases of the unit's teams, filtered the way the indexes serve best: the team itself; the
    organisation a case carries; else the list of teams below (the (team, status) index)."""
    from caseload.cases.models import Case, CaseStatus

    cases = Case.objects.filter(status=CaseStatus.ACTIVE).order_by()
    if unit.kind == OrgUnitKind.TEAM:
        return cases.filter(team=unit)
    if unit.parent_id is None:
        return cases.filter(organisation=unit)
    teams = list(
        OrgUnit.objects.filter(path__startswith=unit.path, kind=OrgUnitKind.TEAM).values_list("pk", flat=True)
    )
    return cases.filter(team_id__in=teams)


def unit_trend(unit: OrgUnit, on: dt.date, days: int = TREND_DAYS) -> list[UnitSnapshot]:
    """The unit's daily snapshots over the last `days` days, oldest first."""
    since = on - dt.timedelta(days=days)
    return list(
        UnitSnapshot.objects.filter(unit=unit, on__gt=since, on__lte=on)
        .order_by("on")
        .only("on", "workload_percent", "scheme_version_id", "unit_id")
    )


def practitioner_workloads(
    memberships: QuerySet[Any], unit: OrgUnit, on: dt.date, sort: str
) -> QuerySet[Workload]:
    """Stored workloads of the scope's current memberships below the unit, sorted by a PRACTITIONER_SORTS
    key (prefix "-" for descending), then by name."""
    descending = sort.startswith("-")
    fields = PRACTITIONER_SORTS.get(sort.lstrip("-"), PRACTITIONER_SORTS["name"])
    ordering = [f"-{f}" if descending else f for f in fields]
    ordering += ["membership__practitioner__last_name", "membership__practitioner__first_name", "pk"]
    below = Q(team=unit) if unit.kind == OrgUnitKind.TEAM else Q(team__path__startswith=unit.path)
    scoped = memberships.current(on).filter(below)
    return (
        Workload.objects.filter(membership__in=scoped)
        .select_related("membership__practitioner__grade", "membership__team")
        .defer("breakdown")
        .order_by(*ordering)
    )


def search_practitioners(
    practitioners: QuerySet[Any], memberships: QuerySet[Any], query: str
) -> QuerySet[Any]:
    """Practitioners in the scope whose staff code, first, last or full name contains the query, each with
    their memberships in the scope (`scoped_memberships`)."""
    q = Q(staff_code__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
    first, _, last = query.partition(" ")
    if last:
        q |= Q(first_name__icontains=first.strip(), last_name__icontains=last.strip())
    return (
        practitioners.filter(q)
        .select_related("grade")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships.select_related("team").order_by("team__name"),
                to_attr="scoped_memberships",
            )
        )
        .order_by("last_name", "first_name", "staff_code")
    )


def search_cases(cases: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Cases in the scope whose reference contains the query."""
    return (
        cases.filter(reference__icontains=query)
        .select_related("team", "practitioner")
        .order_by("reference", "pk")
    )
