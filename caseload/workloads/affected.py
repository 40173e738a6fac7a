"""Which memberships a change affects: the one place that knows it. Write services ask here, then lock and
recalculate exactly these (caseload.workloads.services.recalculate).

A practitioner's work on a case counts in their membership in the case's team, else in their first current
membership (the same mapping the scoring edge uses for reports and support contacts, see
caseload.workloads.inputs.MembershipIndex)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from caseload.cases.models import Case, CaseEvent, EventKind
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.schemes.models import SchemeAssignment, SchemeVersion
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.inputs import MembershipIndex

Pair = tuple[int | None, int]  # (practitioner id or None, team id)
CHUNK = 500  # ids per IN list (SQLite limits the values of one query)
#: Events that change only the points of the case itself, so only its holder's figures.
HOLDER_ONLY = {
    EventKind.LEVEL_CHANGED,
    EventKind.CLOSED,
    EventKind.STATUS_CHANGED,
    EventKind.FLAGS_CHANGED,
    EventKind.CATEGORY_CHANGED,
}


def memberships_of(pairs: Iterable[Pair], on: dt.date) -> list[int]:
    """The membership ids of (practitioner, team) pairs on a date, sorted; pairs without a practitioner or
    a current membership are skipped."""
    wanted = [(p, t) for p, t in pairs if p is not None]
    if not wanted:
        return []
    index = MembershipIndex.from_rows(
        TeamMembership.objects.current(on)
        .filter(practitioner_id__in={p for p, _ in wanted})
        .values_list("pk", "practitioner_id", "team_id")
    )
    return sorted({m for p, t in wanted if (m := index.membership_id(p, t)) is not None})


def affected_by_event(
    case: Case, kind: str, *, on: dt.date, practitioner_id: int | None = None, previous: Pair | None = None
) -> list[int]:
    """Memberships whose figures an event on `case` (as it is after the event) changes.

    * allocated / reallocated: the new holder, the previous holder (`previous`), and whoever did support
      contacts or wrote reports on the case recently (their lines move with the holder and the team);
    * level, flags or category changed, closed: the holder;
    * report completed: the writer (`practitioner_id`);
    * support (CMS) contact: the doer (`practitioner_id`) and the holder;
    * a plain contact: nobody (no scheme weighs plain contacts; see docs/live-updates.md).
    """
    holder: Pair = (case.practitioner_id, case.team_id)
    pairs: list[Pair] = []
    if kind in {EventKind.ALLOCATED, EventKind.REALLOCATED}:
        teams = {case.team_id} | ({previous[1]} if previous else set())
        pairs = [holder, *([previous] if previous else [])]
        pairs += [(worker, team) for worker in _recent_workers(case, on) for team in teams]
    elif kind in HOLDER_ONLY:
        pairs = [holder]
    elif kind == EventKind.REPORT_COMPLETED:
        pairs = [(practitioner_id, case.team_id)]
    elif kind == EventKind.CMS_CONTACT:
        pairs = [(practitioner_id, case.team_id), holder]
    return memberships_of(pairs, on)


def affected_by_practitioner(practitioner_id: int, on: dt.date, teams: Iterable[int] = ()) -> list[int]:
    """Memberships whose figures change when one of a practitioner's memberships starts or ends: every
    current membership of theirs (their reports and support contacts are credited to the membership in the
    case's team, else to their first one), and the other side of their support contacts inside the
    schemes' windows (a contact counts only when both doer and holder have a current membership)."""
    own = set(
        TeamMembership.objects.current(on)
        .filter(practitioner_id=practitioner_id)
        .values_list("pk", flat=True)
    )
    days = _longest_cms_window({*teams, *_teams_of(own)}, on)
    if days is None:
        return sorted(own)
    return sorted(own | set(memberships_of(support_counterparts([practitioner_id], on, days), on)))


def support_counterparts(practitioner_ids: Iterable[int], on: dt.date, days: int) -> list[Pair]:
    """The other side, as (practitioner, team of the case), of every support contact of the last `days` days
    done by these practitioners or on cases they hold (a contact moves points from its holder to its doer,
    so when either side's memberships change, so do the other side's figures)."""
    contacts = CaseEvent.objects.filter(
        kind=EventKind.CMS_CONTACT,
        occurred_on__gt=on - dt.timedelta(days=days + 1),
        occurred_on__lte=on,
        case__practitioner__isnull=False,
    )
    ids = sorted(set(practitioner_ids))
    pairs: list[Pair] = []
    for start in range(0, len(ids), CHUNK):
        batch = ids[start : start + CHUNK]
        pairs += contacts.filter(practitioner_id__in=batch).values_list(
            "case__practitioner_id", "case__team_id"
        )
        # The held cases' ids first, so that SQLite finds the contacts by case rather than scanning them.
        held = list(Case.objects.filter(practitioner_id__in=batch).values_list("pk", flat=True))
        for first in range(0, len(held), CHUNK):
            pairs += contacts.filter(case_id__in=held[first : first + CHUNK]).values_list(
                "practitioner_id", "case__team_id"
            )
    return pairs


def recent_workers_of_cases(case_teams: dict[int, set[int]], on: dt.date, days: int) -> list[Pair]:
    """Whoever did support contacts or wrote reports in the last `days` days on these cases, once for each
    of the case's teams given (case id → teams, e.g. before and after a move): their lines follow the case's
    holder and team, as for an allocation (`affected_by_event`)."""
    ids = sorted(case_teams)
    pairs: list[Pair] = []
    for start in range(0, len(ids), CHUNK):
        workers = CaseEvent.objects.filter(
            case_id__in=ids[start : start + CHUNK],
            kind__in=[EventKind.CMS_CONTACT, EventKind.REPORT_COMPLETED],
            occurred_on__gt=on - dt.timedelta(days=days + 1),
            occurred_on__lte=on,
            practitioner__isnull=False,
        ).values_list("practitioner_id", "case_id")
        pairs += [(worker, team) for worker, case_id in workers for team in case_teams[case_id]]
    return pairs


def longest_windows_in_force(on: dt.date) -> tuple[int, int] | None:
    """The longest support-contact window and the longest court-report window of any scheme version in
    force on `on` (None: no scheme is). For changes to many records at once, where a window per team
    would cost queries per team; a longer window than a team's only recalculates a few more workloads."""
    schemes = {a.scheme for a in SchemeAssignment.objects.current(on).select_related("scheme")}
    versions = [domain_scheme(v) for s in schemes if (v := s.version_in_force(on)) is not None]
    if not versions:
        return None
    return max(v.cms.window_days for v in versions), max(v.court_reports.window_days for v in versions)


def affected_by_unit(unit: OrgUnit, on: dt.date) -> list[int]:
    """Current memberships of every team in a unit's subtree (its scheme assignment changed)."""
    return sorted(
        TeamMembership.objects.current(on)
        .filter(team__path__startswith=unit.path)
        .values_list("pk", flat=True)
    )


def _teams_of(membership_ids: set[int]) -> set[int]:
    return set(TeamMembership.objects.filter(pk__in=membership_ids).values_list("team_id", flat=True))


def _longest_cms_window(team_ids: set[int], on: dt.date) -> int | None:
    windows = [
        domain_scheme(version).cms.window_days
        for team in OrgUnit.objects.filter(pk__in=team_ids)
        if (version := version_for_unit(team, on)) is not None
    ]
    return max(windows, default=None)


def affected_by_scheme_version(version: SchemeVersion, on: dt.date) -> list[int]:
    """Current memberships of every team that is measured under `version` on `on` (none when the version
    starts later: the daily run picks them up on its first day)."""
    if version.is_draft or version.effective_from > on:
        return []
    units = OrgUnit.objects.filter(scheme_assignments__in=version.scheme.assignments.current(on)).distinct()
    teams: set[int] = set()
    for unit in units:
        for team in OrgUnit.objects.within(unit).filter(memberships__isnull=False).distinct():
            in_force = version_for_unit(team, on)
            if in_force is not None and in_force.pk == version.pk:
                teams.add(team.pk)
    return sorted(TeamMembership.objects.current(on).filter(team_id__in=teams).values_list("pk", flat=True))


def _recent_workers(case: Case, on: dt.date) -> set[int]:
    """Practitioners with support contacts or reports on the case inside the scheme's windows."""
    version = version_for_unit(case.team, on)
    if version is None:
        return set()
    scheme = domain_scheme(version)
    days = max(scheme.cms.window_days, scheme.court_reports.window_days)
    return set(
        CaseEvent.objects.filter(
            case=case,
            kind__in=[EventKind.CMS_CONTACT, EventKind.REPORT_COMPLETED],
            occurred_on__gt=on - dt.timedelta(days=days + 1),
            practitioner__isnull=False,
        ).values_list("practitioner_id", flat=True)
    )
