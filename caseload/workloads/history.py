"""The state of cases and hours on a past date, rebuilt from what the history records, so that a day's
snapshot can be recomputed (docs/live-updates.md, "Recomputing snapshots", lists what it cannot rebuild).

* open cases: received on or before the date and not closed by its end;
* who held a case, and in which team: the last allocation spell started by the end of the date, unless it
  had ended by then (a case with no allocation history at all counts with its current holder and team);
* a case's level, category and flags: undone through the level-, category- and flags-changed events dated
  after the date (their "from" values); an event without "from" (an older row, recorded before changes kept their old values) is passed
  over, so the value after it stands;
* contracted hours: undone through the audit entries of hours changes made after the date;
* reductions, reports and support contacts are dated records already and are read by their dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from caseload.cases.models import Case, CaseAllocation, CaseEvent, EventKind
from caseload.core.models import AuditEntry
from caseload.domain.values import CaseInput
from caseload.organisations.models import TeamMembership
from caseload.workloads.inputs import case_input

MEMBERSHIP_TYPE = TeamMembership._meta.label_lower


@dataclass
class PastState:
    on: dt.date
    #: open cases on the date with their level then, and who held them (practitioner id, team id)
    cases: dict[int, tuple[CaseInput, int, int]] = field(default_factory=dict)
    #: every case's last holder by the end of the date, held or since ended (support contacts use it)
    holders: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: contracted hours on the date of memberships whose hours changed since
    hours: dict[int, Decimal] = field(default_factory=dict)

    def cases_by_membership(self, memberships: Iterable[TeamMembership]) -> dict[int, list[CaseInput]]:
        pair_to_membership = {(m.practitioner_id, m.team_id): m.pk for m in memberships}
        by_membership: dict[int, list[CaseInput]] = defaultdict(list)
        for case, practitioner_id, team_id in sorted(self.cases.values(), key=lambda c: c[0].reference):
            membership_id = pair_to_membership.get((practitioner_id, team_id))
            if membership_id is not None:
                by_membership[membership_id].append(case)
        return by_membership

    def hours_of(self, membership: TeamMembership) -> Decimal:
        return self.hours.get(membership.pk, membership.contracted_hours)

    def cases_last_held_by(self, practitioner_ids: set[int]) -> list[int]:
        return [case_id for case_id, (pid, _) in self.holders.items() if pid in practitioner_ids]

    def last_holder(self, case_id: int, holder_now: int | None, team_now: int) -> tuple[int | None, int]:
        return self.holders.get(case_id, (holder_now, team_now)) if holder_now else (None, team_now)


def past_state(on: dt.date) -> PastState:
    """Everything `practitioner_inputs` needs to score as of the end of `on`."""
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone())
    state = PastState(on)
    last_spell: dict[int, tuple[int, int, dt.datetime | None]] = {}
    spells = CaseAllocation.objects.filter(started_at__lt=end).order_by("started_at", "id")
    for case_id, practitioner_id, team_id, ended_at in spells.values_list(
        "case_id", "practitioner_id", "team_id", "ended_at"
    ):
        last_spell[case_id] = (practitioner_id, team_id, ended_at)
        state.holders[case_id] = (practitioner_id, team_id)
    undone = _fields_undone_after(on)
    open_cases = Case.objects.filter(
        Q(closed_date__isnull=True) | Q(closed_date__gt=on), received_date__lte=on
    )
    with_history = set(CaseAllocation.objects.values_list("case_id", flat=True).distinct())
    for case in open_cases:
        for name, value in undone.get(case.pk, {}).items():
            setattr(case, name, value)
        if case.pk in last_spell:
            practitioner_id, team_id, ended_at = last_spell[case.pk]
            if ended_at is not None and ended_at < end:
                continue
        elif case.pk not in with_history and case.practitioner_id is not None:
            practitioner_id, team_id = case.practitioner_id, case.team_id
        else:
            continue
        state.cases[case.pk] = (case_input(case), practitioner_id, team_id)
    state.hours = _hours_undone_after(end)
    return state


#: The events that change a case's scored fields and record the values before ("from") in their details.
UNDOABLE = (EventKind.LEVEL_CHANGED, EventKind.CATEGORY_CHANGED, EventKind.FLAGS_CHANGED)
UNDOABLE_FIELDS = ("category", "level", "flags")


def _fields_undone_after(on: dt.date) -> dict[int, dict[str, Any]]:
    """Each changed case's category, level and flags on `on`: per field, the "from" of its first change
    dated after it that records one (a category change records the level too)."""
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    changes = CaseEvent.objects.filter(kind__in=UNDOABLE, occurred_on__gt=on).order_by("occurred_on", "id")
    for case_id, kind, details in changes.values_list("case_id", "kind", "details"):
        for name, value in _before(kind, details).items():
            values[case_id].setdefault(name, value)
    return values


def _before(kind: str, details: Any) -> dict[str, Any]:
    """The fields' values before a change, from its details: a level change's "from" is the level; a
    category or flags change's "from" maps each field it changed to its value. Empty without "from"."""
    if not isinstance(details, dict) or "from" not in details:
        return {}
    before = {"level": details["from"]} if kind == EventKind.LEVEL_CHANGED else details["from"]
    if not isinstance(before, dict):
        return {}
    return {name: before[name] for name in UNDOABLE_FIELDS if name in before}


def _hours_undone_after(end: dt.datetime) -> dict[int, Decimal]:
    """Each membership's hours at `end`: the "before" of its first hours change made after it."""
    hours: dict[int, Decimal] = {}
    entries = AuditEntry.objects.filter(
        object_type=MEMBERSHIP_TYPE, at__gte=end, before__has_key="contracted_hours"
    ).order_by("at", "id")
    for object_id, before in entries.values_list("object_id", "before"):
        hours.setdefault(int(object_id), Decimal(before["contracted_hours"]))
    return hours
