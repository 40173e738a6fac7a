"""Aggregates for a team, area, division or organisation: sum points and available points, then divide."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from caseload.domain.rag import rag_band
from caseload.domain.rounding import one_dp
from caseload.domain.scheme import RagBand, Scheme
from caseload.domain.scoring import workload_percent


class Scored(Protocol):
    """Anything with points and available points: a `WorkloadResult` or an `Aggregate` (for nesting)."""

    @property
    def total_points(self) -> Decimal: ...

    @property
    def available_points(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class Aggregate:
    label: str
    total_points: Decimal
    available_points: Decimal
    workload_percent: Decimal
    remaining_points: Decimal
    rag: RagBand
    members: int

    @property
    def workload_percent_display(self) -> Decimal:
        return one_dp(self.workload_percent)


def aggregate(scheme: Scheme, label: str, parts: Iterable[Scored]) -> Aggregate:
    """Σ total points ÷ Σ available points × 100 over the parts; never an average of percentages.

    Parts may be practitioner results or lower-level aggregates (team → area → division → organisation), as
    sums nest. Source: WMT §2.6 (totals row = Σtotal ÷ Σavailable).
    """
    total = Decimal(0)
    available = Decimal(0)
    members = 0
    for part in parts:
        total += part.total_points
        available += part.available_points
        members += part.members if isinstance(part, Aggregate) else 1
    percent = workload_percent(total, available)
    return Aggregate(
        label, total, available, percent, available - total, rag_band(scheme.rag, percent), members
    )
