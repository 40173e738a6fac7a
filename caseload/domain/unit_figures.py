"""The figures of an org unit from its members' stored figures, for the dashboards.

Points are summed before dividing (`aggregate`), and only within one points unit: a scheme counting
minutes a week and one counting WMT points are never added together (docs/adr/0006). Everything else a
dashboard shows about a unit — headcount, FTE, hours, reductions, RAG distribution, people over red — is
summed or counted here too, so no caller does arithmetic on points or capacity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from caseload.domain.aggregate import Aggregate, aggregate
from caseload.domain.scheme import RagBand, Scheme
from caseload.domain.staffing import fte


@dataclass(frozen=True, slots=True)
class MemberFigures:
    """One membership's current figures, as stored (`scheme` keys the `schemes` mapping)."""

    practitioner_id: int
    scheme: Hashable
    total_points: Decimal
    available_points: Decimal
    rag: str
    contracted_hours: Decimal
    reduction_hours: Decimal
    case_count: int


@dataclass(frozen=True, slots=True)
class PointsUnitFigures:
    """Sum-then-divide figures of the members measured in one points unit. `rag` is None when those members
    are under schemes whose RAG bands differ."""

    points_unit: str
    totals: Aggregate
    rag: RagBand | None
    bands: tuple[RagBand, ...]


@dataclass(frozen=True, slots=True)
class UnitFigures:
    groups: tuple[PointsUnitFigures, ...]  # one per points unit, largest first; empty when nobody is measured
    memberships: int
    headcount: int
    fte: Decimal  # exact; round for display
    contracted_hours: Decimal
    reduction_hours: Decimal
    with_reductions: int
    rag_counts: tuple[tuple[RagBand, int], ...]  # every band of the schemes involved, in band order
    over_red: int
    case_count: int

    @property
    def single(self) -> PointsUnitFigures | None:
        """The figures when every member is measured in the same points unit."""
        return self.groups[0] if len(self.groups) == 1 else None


def unit_figures(label: str, members: Iterable[MemberFigures], schemes: Mapping[Any, Scheme]) -> UnitFigures:
    """Figures for a unit from its members; `schemes` maps each member's `scheme` key to its scheme.

    A person in two teams counts once in `headcount` and twice in `memberships`. `over_red` counts members in
    their own scheme's top band. FTE is Σ contracted hours ÷ each scheme's full-time week (`staffing.fte`).
    """
    by_unit: dict[str, list[MemberFigures]] = {}
    people: set[int] = set()
    rag_counts: Counter[tuple[Hashable, str]] = Counter()
    total_fte = contracted = reductions = Decimal(0)
    count = with_reductions = over_red = cases = 0
    ftes: dict[tuple[Hashable, Decimal], Decimal] = {}  # a few distinct weekly hours per scheme
    for member in members:
        scheme = schemes[member.scheme]
        by_unit.setdefault(scheme.points_unit, []).append(member)
        people.add(member.practitioner_id)
        count += 1
        key = (member.scheme, member.contracted_hours)
        if key not in ftes:
            ftes[key] = fte(scheme, member.contracted_hours)
        total_fte += ftes[key]
        contracted += member.contracted_hours
        reductions += member.reduction_hours
        with_reductions += member.reduction_hours > 0
        cases += member.case_count
        over_red += member.rag == scheme.rag[-1].code
        rag_counts[(member.scheme, member.rag)] += 1

    groups = []
    for points_unit, group in sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0])):
        keys = list(dict.fromkeys(m.scheme for m in group))
        band_sets = {schemes[k].rag for k in keys}
        first = schemes[keys[0]]
        totals = aggregate(first, f"{label} ({points_unit})", group)
        same_bands = len(band_sets) == 1
        groups.append(PointsUnitFigures(points_unit, totals, totals.rag if same_bands else None, first.rag))
    return UnitFigures(
        groups=tuple(groups),
        memberships=count,
        headcount=len(people),
        fte=total_fte,
        contracted_hours=contracted,
        reduction_hours=reductions,
        with_reductions=with_reductions,
        rag_counts=_band_counts(rag_counts, schemes),
        over_red=over_red,
        case_count=cases,
    )


def _band_counts(
    counts: Counter[tuple[Hashable, str]], schemes: Mapping[Any, Scheme]
) -> tuple[tuple[RagBand, int], ...]:
    """Members per band, merging bands with the same code across schemes, in the order of the bands."""
    order: dict[str, RagBand] = {}
    for key in dict.fromkeys(k for k, _ in counts):
        for band in schemes[key].rag:
            order.setdefault(band.code, band)
    by_code: Counter[str] = Counter()
    for (_, code), n in counts.items():
        by_code[code] += n
    return tuple((band, by_code[code]) for code, band in order.items())
