"""Test helpers for well-being: daily workload snapshots with a chosen workload %."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from caseload.organisations.models import TeamMembership
from caseload.schemes.models import SchemeVersion
from caseload.schemes.selectors import version_for_unit
from caseload.workloads.models import WorkloadSnapshot


def snapshot(
    membership: TeamMembership,
    on: dt.date,
    percent: int | str | Decimal,
    version: SchemeVersion | None = None,
) -> WorkloadSnapshot:
    """A stored snapshot of `membership` on `on` at `percent` (points out of 100 available; the figures
    only need to carry the percentage the well-being rules read). The scheme version defaults to the one
    in force for the team."""
    version = version or version_for_unit(membership.team, on)
    assert version is not None, "the membership's team needs a scheme in force"
    value = Decimal(percent)
    snap, _ = WorkloadSnapshot.objects.update_or_create(
        membership=membership,
        on=on,
        defaults={
            "taken_at": timezone.now(),
            "scheme_version": version,
            "total_points": value,
            "available_points": Decimal(100),
            "workload_percent": value,
            "rag": "red" if value > 110 else "green",
            "rag_name": "Red" if value > 110 else "Green",
            "case_count": 0,
            "contracted_hours": Decimal(37),
            "reduction_hours": Decimal(0),
        },
    )
    return snap


def weekly(membership: TeamMembership, until: dt.date, *percents: int | str) -> None:
    """One snapshot a week ending on `until`, the first percent the most recent."""
    for k, percent in enumerate(percents):
        snapshot(membership, until - dt.timedelta(weeks=k), percent)
