"""What an applied import changed that workloads are scored from, and so which memberships it affects. The
writer (applying.py) fills an Outcome as it writes; `apply_import` recalculates its memberships inside the
import's transaction. The rules are those of caseload.workloads.affected, for many records at once:

* a membership added or changed (hours, dates): that membership, and every current membership of its
  practitioner when its dates changed (their reports and support contacts count in the membership in the
  case's team, else in their first one), with the other side of their support contacts in the window;
* a reduction added or changed: its membership;
* a case added, or whose holder, team, status, category, level or flags changed: the holders before and after,
  and, when its holder, team or status changed, whoever did support contacts or wrote reports on it in the
  windows (their lines follow the holder and the team);
* an event added: a completed or voided report, its writer; a support (CMS) contact, its doer and the case's
  holder; other kinds are not scored, so nobody;
* a practitioner whose grade changed: every current membership of theirs (the grade sets available hours);
* a unit moved: every current membership of the teams under it whose scheme version in force changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Q

from caseload.cases.models import EventKind
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.schemes.selectors import version_for_unit
from caseload.workloads.affected import (
    longest_windows_in_force,
    memberships_of,
    recent_workers_of_cases,
    support_counterparts,
)

CHUNK = 500  # ids per IN list (SQLite limits the values in one query)
REPORT_KINDS = {EventKind.REPORT_COMPLETED, EventKind.REPORT_VOIDED}
T = TypeVar("T")


@dataclass
class Outcome:
    """What was written that workloads depend on."""

    #: (practitioner id, team id): the practitioner's membership in the team, else their first current one
    touched: set[tuple[int, int]] = field(default_factory=set)
    #: these memberships themselves, current or not (one the import ended loses its stored figures)
    memberships: set[int] = field(default_factory=set)
    #: every current membership of these practitioners
    practitioners: set[int] = field(default_factory=set)
    #: every current membership of these teams
    teams: set[int] = field(default_factory=set)
    #: practitioners with a membership that started or ended: also the other side of their support contacts
    joined_or_left: set[int] = field(default_factory=set)
    #: cases whose holder, team or status changed → their teams before and after: also their recent workers
    moved_cases: dict[int, set[int]] = field(default_factory=dict)

    def event(self, kind: str, doer: int | None, holder: int | None, team: int) -> None:
        """An added event on a case of `team` held by `holder`, done by `doer`."""
        if kind in REPORT_KINDS and doer:
            self.touched.add((doer, team))
        elif kind == EventKind.CMS_CONTACT:
            self.touched.update((person, team) for person in (doer, holder) if person)

    def membership_ids(self, on: dt.date) -> list[int]:
        """The memberships to recalculate on `on`, sorted."""
        pairs = set(self.touched)
        windows = longest_windows_in_force(on) if self.joined_or_left or self.moved_cases else None
        if windows is not None:
            cms_days, report_days = windows
            pairs.update(support_counterparts(self.joined_or_left, on, cms_days))
            pairs.update(recent_workers_of_cases(self.moved_cases, on, max(cms_days, report_days)))
        ids = set(self.memberships) | set(memberships_of(pairs, on))
        current = TeamMembership.objects.current(on)
        for batch in _chunks(sorted(self.practitioners)):
            ids.update(current.filter(practitioner_id__in=batch).values_list("pk", flat=True))
        for batch in _chunks(sorted(self.teams)):
            ids.update(current.filter(team_id__in=batch).values_list("pk", flat=True))
        return sorted(ids)


def measured_teams_under(unit_ids: Iterable[int], on: dt.date) -> list[int]:
    """The teams with current members in the subtrees of these units."""
    paths = list(OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True))
    if not paths:
        return []
    within = Q()
    for path in paths:
        within |= Q(path__startswith=path)
    staffed = TeamMembership.objects.current(on).values("team_id")
    return sorted(OrgUnit.objects.filter(within, pk__in=staffed).values_list("pk", flat=True))


def versions_in_force(team_ids: list[int], on: dt.date) -> dict[int, int | None]:
    """Team → the id of the scheme version in force for it on `on` (None when it is not measured)."""
    return {
        team.pk: version.pk if (version := version_for_unit(team, on)) is not None else None
        for team in OrgUnit.objects.filter(pk__in=team_ids)
    }


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
