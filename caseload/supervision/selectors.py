"""Reads for agreed caseloads and supervision.

CONTRACT (used by the allocation app): `agreement_ranges(membership_ids, on)` gives, for each membership
with an agreement in force on `on`, an `AgreementRange`. Memberships without one are absent from the dict.
The allocation app compares a candidate's projected workload % with `min_percent`/`max_percent` and shows
`no_sole_cp_or_court`; it must not rely on any other field of the models.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from caseload.domain.supervision import Compliance, compliance, schedule_for
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.supervision.models import Agreement, SupervisionRecord


@dataclass(frozen=True)
class AgreementRange:
    """The agreed workload range in force for one membership."""

    membership_id: int
    min_percent: Decimal
    max_percent: Decimal
    no_sole_cp_or_court: bool
    review_date: dt.date
    confirmed: bool  # both the practitioner and the manager have confirmed it

    def breached_by(self, percent: Decimal) -> bool:
        """Whether a workload % lies above the agreed maximum (a workload below the range is not a breach
        an allocation could cause)."""
        return percent > self.max_percent


def agreement_ranges(membership_ids: Iterable[int], on: dt.date) -> dict[int, AgreementRange]:
    """The agreement in force on `on` for each of the memberships that has one (one query)."""
    ids = list(membership_ids)
    if not ids:
        return {}
    result: dict[int, AgreementRange] = {}
    rows = (
        Agreement.objects.in_force_on(on)
        .filter(membership_id__in=ids)
        .order_by("membership_id", "agreed_on", "id")
    )
    for agreement in rows:  # the latest start wins should two overlap
        result[agreement.membership_id] = AgreementRange(
            membership_id=agreement.membership_id,
            min_percent=agreement.expected_min_percent,
            max_percent=agreement.expected_max_percent,
            no_sole_cp_or_court=agreement.no_sole_cp_or_court,
            review_date=agreement.review_date,
            confirmed=agreement.confirmed,
        )
    return result


# -- reads for the supervision pages ---------------------------------------------------------------------


def agreements_of(membership: Any) -> list[Agreement]:
    """Every agreement of a membership, newest first (the history)."""
    return list(
        Agreement.objects.filter(membership=membership).select_related("recorded_by", "manager_confirmed_by")
    )


def agreements_in(memberships: Any) -> Any:
    """Agreements of the given memberships (pass the request scope's)."""
    return Agreement.objects.filter(membership__in=memberships).select_related(
        "membership__practitioner", "membership__team"
    )


def sessions_of(membership: Any) -> Any:
    """A membership's supervision records, newest first."""
    return SupervisionRecord.objects.filter(membership=membership).select_related("recorded_by")


def supervision_start(membership: Any) -> dt.date:
    """The day the supervision schedule counts from: when the practitioner started, else joined the team."""
    return membership.practitioner.start_date or membership.start_date


def membership_compliance(membership: Any, on: dt.date) -> Compliance:
    sessions = SupervisionRecord.objects.filter(membership=membership).values_list("held_on", flat=True)
    schedule = schedule_for(membership.practitioner.grade.newly_qualified)
    return compliance(schedule, supervision_start(membership), sessions, on)


@dataclass(frozen=True)
class PersonCompliance:
    membership: Any
    compliance: Compliance
    agreement: Agreement | None


def team_compliance(memberships: Any, on: dt.date) -> list[PersonCompliance]:
    """Compliance for each current membership given (pass the request scope's), in two queries plus one."""
    rows = list(
        memberships.current(on)
        .select_related("practitioner__grade", "team")
        .order_by("team__name", "practitioner__last_name", "practitioner__first_name", "pk")
    )
    sessions: dict[int, list[dt.date]] = defaultdict(list)
    for membership_id, held_on in SupervisionRecord.objects.filter(
        membership_id__in=[m.pk for m in rows], held_on__lte=on
    ).values_list("membership_id", "held_on"):
        sessions[membership_id].append(held_on)
    agreements = {
        a.membership_id: a
        for a in Agreement.objects.in_force_on(on).filter(membership_id__in=[m.pk for m in rows])
    }
    return [
        PersonCompliance(
            m,
            compliance(
                schedule_for(m.practitioner.grade.newly_qualified), supervision_start(m), sessions[m.pk], on
            ),
            agreements.get(m.pk),
        )
        for m in rows
    ]


@dataclass(frozen=True)
class UnitCompliance:
    unit: OrgUnit
    people: int
    compliant: int
    reviews_due: int
    extra_hours: Decimal  # self-reported extra hours in sessions over the last 3 months


def unit_compliance(units: Any, on: dt.date) -> list[UnitCompliance]:
    """Counts per team among `units` (pass the scope's units). Only counts leave this function, no names,
    so it serves people who may see aggregates but not individuals."""
    teams = list(units.filter(kind="team").current(on).order_by("path"))
    people = team_compliance(TeamMembership.objects.filter(team__in=teams), on)
    extra = dict(
        SupervisionRecord.objects.filter(
            membership__team__in=teams, held_on__gt=on - dt.timedelta(days=91), held_on__lte=on
        )
        .values("membership__team_id")
        .annotate(total=Sum("extra_hours"))
        .values_list("membership__team_id", "total")
    )
    soon = on + dt.timedelta(days=14)
    result = []
    for team in teams:
        mine = [p for p in people if p.membership.team_id == team.pk]
        result.append(
            UnitCompliance(
                unit=team,
                people=len(mine),
                compliant=sum(1 for p in mine if p.compliance.compliant),
                reviews_due=sum(1 for p in mine if p.agreement and p.agreement.review_date <= soon),
                extra_hours=extra.get(team.pk) or Decimal(0),
            )
        )
    return result


@dataclass(frozen=True)
class SessionTotals:
    sessions: int
    extra_hours: Decimal  # self-reported extra hours given in those sessions


def sessions_between(units: Any, first: dt.date, last: dt.date) -> SessionTotals:
    """Supervision sessions held from `first` to `last` (inclusive) with people in teams among `units` (pass
    the scope's units), and the extra hours reported in them. Counts only, no names (1 query)."""
    totals = SupervisionRecord.objects.filter(
        membership__team__in=units, held_on__gte=first, held_on__lte=last
    ).aggregate(sessions=Count("pk"), extra=Sum("extra_hours"))
    return SessionTotals(sessions=totals["sessions"], extra_hours=totals["extra"] or Decimal(0))
