"""The edge between the database and the points engine: turn memberships, cases, reductions, reports and
contacts into the engine's plain values. No arithmetic on points happens here."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from django.db import connections
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from caseload.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caseload.core.sql import AnyOf
from caseload.domain.scheme import Scheme
from caseload.domain.values import (
    CaseInput,
    CaseTotal,
    CmsContactInput,
    ExtraResponsibilityInput,
    PractitionerInput,
    ReductionInput,
    ReportInput,
)
from caseload.organisations.models import Reduction, Responsibility, TeamMembership

if TYPE_CHECKING:
    from caseload.workloads.history import PastState

# Case flags that set the engine's case status (the scheme decides how much such a case keeps).
STATUS_FLAGS = ("dormant", "inactive")


# Up to this many practitioners, inputs are read by their ids; beyond it (a daily or full recalculation), by
# their teams or for everyone, then picked in Python: long `IN` lists cost more than the rows they save.
FEW_PRACTITIONERS = 50

# The columns of a case that `case_values_input` takes, in order, for `values_list`.
CASE_INPUT_FIELDS = (
    "reference",
    "category",
    "level",
    "flags",
    "sibling_group",
    "start_date",
    "expected_end_date",
    "expected_release_date",
)


# What scoring, storing and snapshots read of a membership and its practitioner, grade and team.
MEMBERSHIP_COLUMNS = (
    "practitioner_id", "team_id", "contracted_hours", "start_date", "end_date",
    "practitioner__staff_code", "practitioner__first_name", "practitioner__last_name",
    "practitioner__grade_id", "practitioner__grade__code", "practitioner__grade__name",
    "team__code", "team__name", "team__kind", "team__path", "team__parent_id",
)  # fmt: skip


class MembershipKey(Protocol):
    """What the input readers need of a membership: a model instance or a `MembershipRow`."""

    @property
    def pk(self) -> int: ...
    @property
    def practitioner_id(self) -> int: ...
    @property
    def team_id(self) -> int: ...


class MembershipRow(NamedTuple):
    """A current membership as plain values, for scoring many at once without model instances."""

    pk: int
    practitioner_id: int
    team_id: int
    contracted_hours: Any  # Decimal
    name: str
    grade_code: str
    team_path: str


def membership_rows(on: dt.date, membership_ids: Iterable[int] | None = None) -> list[MembershipRow]:
    """These memberships (default: all), when current on `on`, as `MembershipRow`s in id order. For many
    ids, every current membership is read and the wanted ones kept (no `IN` list of thousands of ids)."""
    wanted = None if membership_ids is None else set(membership_ids)
    current = TeamMembership.objects.current(on)
    if wanted is not None and len(wanted) <= FEW_PRACTITIONERS:
        current = current.filter(pk__in=wanted)
    rows = current.order_by("pk").values_list(
        "pk", "practitioner_id", "team_id", "contracted_hours", "practitioner__first_name",
        "practitioner__last_name", "practitioner__grade__code", "team__path",
    )  # fmt: skip
    return [
        MembershipRow(pk, practitioner_id, team_id, hours, f"{first} {last}".strip(), grade or "", path)
        for pk, practitioner_id, team_id, hours, first, last, grade, path in rows
        if wanted is None or pk in wanted
    ]


def case_input(case: Case) -> CaseInput:
    return case_values_input(*(getattr(case, name) for name in CASE_INPUT_FIELDS))


def case_values_input(
    reference: str,
    category: str,
    level: str,
    flags: list[str] | tuple[str, ...] | None,
    sibling_group: str,
    start_date: dt.date | None,
    expected_end_date: dt.date | None,
    expected_release_date: dt.date | None,
) -> CaseInput:
    """A case's engine input from its column values (CASE_INPUT_FIELDS), without a model instance."""
    flag_set, status = _flags_and_status(tuple(flags or ()))
    return CaseInput(
        reference=reference,
        category=category,
        level=level or None,
        status=status,
        flags=flag_set,
        sibling_group=sibling_group or None,
        start_date=start_date,
        expected_end_date=expected_end_date,
        expected_release_date=expected_release_date,
    )


@lru_cache(maxsize=256)
def _flags_and_status(flags: tuple[str, ...]) -> tuple[frozenset[str], str]:
    """Few distinct flag lists occur, so each is turned into a set and a status once."""
    flag_set = frozenset(flags)
    return flag_set, next((flag for flag in STATUS_FLAGS if flag in flag_set), "active")


def reduction_input(reduction: Reduction) -> ReductionInput:
    return ReductionInput(
        reason=reduction.reason.code,
        hours=reduction.hours,
        effective_from=reduction.effective_from,
        effective_to=reduction.effective_to,
        deleted=reduction.is_deleted,  # whether the reason counts is the scheme's to say
    )


class MembershipIndex:
    """Which membership a practitioner's work in a team belongs to: the one in that team, else their
    first current one (a report written for a court team by someone based in a case team)."""

    def __init__(self, memberships: Iterable[TeamMembership]) -> None:
        self.by_pair: dict[tuple[int, int], int] = {}
        self.first: dict[int, int] = {}
        for m in sorted(memberships, key=lambda m: m.pk):
            self.by_pair[(m.practitioner_id, m.team_id)] = m.pk
            self.first.setdefault(m.practitioner_id, m.pk)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int]]) -> MembershipIndex:
        """The index from (membership id, practitioner id, team id) rows, without model instances."""
        index = cls(())
        for pk, practitioner_id, team_id in sorted(rows):
            index.by_pair[(practitioner_id, team_id)] = pk
            index.first.setdefault(practitioner_id, pk)
        return index

    def membership_id(self, practitioner_id: int, team_id: int) -> int | None:
        return self.by_pair.get((practitioner_id, team_id), self.first.get(practitioner_id))


def current_memberships(
    on: dt.date, team_ids: Iterable[int] | None = None, membership_ids: Iterable[int] | None = None
) -> list[TeamMembership]:
    """Current memberships (in the given teams, or with the given ids, or everywhere) with what scoring
    needs, in few queries."""
    memberships = (
        TeamMembership.objects.current(on)
        .select_related("practitioner__grade", "team")
        .only(*MEMBERSHIP_COLUMNS)  # not the timestamps and notes: 48,000 instances for the country
    )
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=list(team_ids))
    if membership_ids is not None:
        memberships = memberships.filter(pk__in=list(membership_ids))
    return list(
        memberships.order_by("team__path", "practitioner__last_name", "practitioner__first_name", "pk")
    )


def practitioner_inputs(
    scheme: Scheme,
    memberships: list[TeamMembership],
    on: dt.date,
    past: PastState | None = None,
    case_ids: dict[int, dict[str, int]] | None = None,
) -> tuple[list[PractitionerInput], list[CmsContactInput]]:
    """The engine's inputs for these memberships on a date, and the support contacts that touch them.
    With `past`, cases, their levels, who held them and contracted hours are as the history records them
    on that date (caseload.workloads.history); without it, as they are now, and `case_ids`, when given,
    receives each membership's held cases' ids by reference."""
    practitioner_ids = {m.practitioner_id for m in memberships}
    contacts = _cms_rows(memberships, on, scheme.cms.window_days, past)
    # One index for the memberships' reports and for every contact's doer and holder, when they are few
    # together or the memberships are many (then it holds everyone's): an index answers for each
    # practitioner alone, so a wider one gives the same answers, for one query rather than two. Else two,
    # rather than everyone's memberships for a few more than FEW_PRACTITIONERS.
    involved = practitioner_ids | _practitioners_of(contacts)
    if len(involved) <= FEW_PRACTITIONERS or len(practitioner_ids) > FEW_PRACTITIONERS:
        index = contact_index = _index_for(involved, on)
    else:
        index, contact_index = _index_for(practitioner_ids, on), _index_for(involved, on)
    reductions = _reductions_by_membership(memberships)
    extras = _responsibilities_by_membership(memberships, on)
    cases = (
        past.cases_by_membership(memberships) if past else _open_cases_by_membership(memberships, case_ids)
    )
    reports = _reports_by_membership(memberships, index, on, scheme.court_reports.window_days)
    people = [
        PractitionerInput(
            id=str(m.pk),
            name=m.practitioner.full_name,
            grade=m.practitioner.grade.code,
            contracted_hours=past.hours_of(m) if past else m.contracted_hours,
            reductions=reductions.get(m.pk, ()),
            cases=tuple(cases.get(m.pk, ())),
            reports=tuple(reports.get(m.pk, ())),
            extra_responsibilities=extras.get(m.pk, ()),
        )
        for m in memberships
    ]
    return people, _cms_inputs(contacts, contact_index)


def totals_inputs(
    schemes: Sequence[Scheme],
    rows: Sequence[MembershipRow],
    totals: dict[int, CaseTotal],
    on: dt.date,
    index: MembershipIndex | None = None,
) -> tuple[list[PractitionerInput], list[CmsContactInput]]:
    """The engine's inputs for memberships whose open cases were already counted (`totals`, by membership
    id; none means no case): as `practitioner_inputs`, with a `CaseTotal` in place of the cases. Reports
    and support contacts are read for the longest window of `schemes` (the schemes of these memberships):
    the engine keeps those inside each scheme's own window. `index`: every current membership's, when the
    caller has them (else read here)."""
    practitioner_ids = {m.practitioner_id for m in rows}
    if index is None:
        index = _index_for(practitioner_ids, on)
        everyone = index if len(practitioner_ids) > FEW_PRACTITIONERS else None  # then it holds everyone's
    else:
        everyone = index
    reductions = _reductions_by_membership(rows)
    extras = _responsibilities_by_membership(rows, on)
    report_days = max((scheme.court_reports.window_days for scheme in schemes), default=0)
    reports = _reports_by_membership(rows, index, on, report_days)
    none = CaseTotal(0, Decimal("0.00"))
    people = [
        PractitionerInput(
            id=str(m.pk),
            name=m.name,
            grade=m.grade_code,
            contracted_hours=m.contracted_hours,
            reductions=reductions.get(m.pk, ()),
            reports=tuple(reports.get(m.pk, ())),
            extra_responsibilities=extras.get(m.pk, ()),
            case_total=totals.get(m.pk, none),
        )
        for m in rows
    ]
    cms_days = max((scheme.cms.window_days for scheme in schemes), default=0)
    return people, _cms_contacts(rows, on, cms_days, index=everyone)


def _reductions_by_membership(memberships: Sequence[MembershipKey]) -> dict[int, tuple[ReductionInput, ...]]:
    """The memberships' reductions that are not deleted (whether each counts on the date is the scheme's to
    say), newest first, in one query of plain values."""
    wanted = {m.pk for m in memberships}
    rows = (
        Reduction.objects.filter(_of_memberships(memberships), is_deleted=False)
        .order_by("membership_id", "-effective_from", "pk")
        .values_list("membership_id", "reason__code", "hours", "effective_from", "effective_to", "is_deleted")
    )
    by_membership: dict[int, list[ReductionInput]] = defaultdict(list)
    for membership_id, *values in rows:
        if membership_id in wanted:
            by_membership[membership_id].append(ReductionInput(*values))
    return {pk: tuple(reductions) for pk, reductions in by_membership.items()}


def _responsibilities_by_membership(
    memberships: Sequence[MembershipKey], on: dt.date
) -> dict[int, tuple[ExtraResponsibilityInput, ...]]:
    wanted = {m.pk for m in memberships}
    rows = (
        Responsibility.objects.active_on(on)
        .filter(_of_memberships(memberships))
        .order_by("membership_id", "code", "pk")
        .values_list("membership_id", "code", "quantity")
    )
    by_membership: dict[int, list[ExtraResponsibilityInput]] = defaultdict(list)
    for membership_id, code, quantity in rows:
        if membership_id in wanted:
            by_membership[membership_id].append(ExtraResponsibilityInput(code=code, quantity=quantity))
    return {pk: tuple(extras) for pk, extras in by_membership.items()}


def _index_for(practitioner_ids: set[int], on: dt.date) -> MembershipIndex:
    """The index of these practitioners' current memberships. For many practitioners, of everyone's (a few
    tens of thousands of small rows): the same answers for them, without an `IN` list of thousands of ids."""
    current = TeamMembership.objects.current(on)
    if len(practitioner_ids) <= FEW_PRACTITIONERS:
        current = current.filter(practitioner_id__in=practitioner_ids)
    return MembershipIndex.from_rows(current.values_list("pk", "practitioner_id", "team_id"))


def _of_memberships(memberships: Sequence[MembershipKey]) -> AnyOf:
    """A filter on `membership_id` for these memberships: by their ids when they are few, else by their teams
    (a shorter list; the caller drops rows of other memberships of those teams)."""
    if len(memberships) <= FEW_PRACTITIONERS:
        return AnyOf("membership_id", (m.pk for m in memberships))
    return AnyOf("membership__team_id", (m.team_id for m in memberships))


def _open_cases_by_membership(
    memberships: list[TeamMembership], case_ids: dict[int, dict[str, int]] | None = None
) -> dict[int, list[CaseInput]]:
    """The memberships' held open cases as engine inputs, ordered by reference. Read as raw rows (no
    per-value converters: 240,000 cases have over half a million dates), with each distinct date text and
    flags text turned into a value once; the same values as `case_input` of each case. `case_ids`, when
    given, receives each membership's cases' ids by reference."""
    pair_to_membership = {(m.practitioner_id, m.team_id): m.pk for m in memberships}
    practitioner_ids = {m.practitioner_id for m in memberships}
    held = Case.objects.filter(
        status=CaseStatus.ACTIVE,
        team_id__in={m.team_id for m in memberships},
        # For many memberships, every held case of their teams; the (holder, team) pairs pick theirs below.
        **(
            {"practitioner_id__in": practitioner_ids}
            if len(practitioner_ids) <= FEW_PRACTITIONERS
            else {"practitioner_id__isnull": False}
        ),
    ).order_by("reference")
    # The flags come as their JSON text, parsed once per distinct text (a few dozen) rather than per case.
    # Dates as ISO text too: SQLite's driver would otherwise parse half a million of them one by one.
    rows = held.annotate(
        flags_text=Cast("flags", TextField()),
        **{f"{name}_text": Cast(name, TextField()) for name in DATE_FIELDS},
    ).values_list(
        "practitioner_id", "team_id", "reference", "category", "level", "flags_text", "sibling_group",
        *(f"{name}_text" for name in DATE_FIELDS), "pk",
    )  # fmt: skip
    dates, flags = _Dates(), _Flags()
    by_membership: dict[int, list[CaseInput]] = defaultdict(list)
    for (
        practitioner_id,
        team_id,
        reference,
        category,
        level,
        text,
        group,
        start,
        end,
        release,
        pk,
    ) in raw_rows(rows):
        membership_id = pair_to_membership.get((practitioner_id, team_id))
        if membership_id is not None:
            if case_ids is not None:
                case_ids.setdefault(membership_id, {})[reference] = pk
            flag_set, status = flags[text]
            by_membership[membership_id].append(
                CaseInput(
                    reference,
                    category,
                    level or None,
                    status,
                    flag_set,
                    group or None,
                    dates[start],
                    dates[end],
                    dates[release],
                )
            )
    return by_membership


def raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows as the database driver returns them, without Django's converters.
    For text and integer columns (and dates cast to text, see `_Dates`)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


DATE_FIELDS = ("start_date", "expected_end_date", "expected_release_date")


class _Dates(dict[Any, "dt.date | None"]):
    """Dates as ISO text (or date values, or None) → dates, each distinct text parsed once."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, key: Any) -> dt.date:
        value = dt.date.fromisoformat(key) if isinstance(key, str) else key
        self[key] = value
        return value  # type: ignore[no-any-return]


class _Flags(dict[Any, tuple[frozenset[str], str]]):
    """Flags as JSON text (or None) → the engine's flag set and case status, each text parsed once."""

    def __missing__(self, key: Any) -> tuple[frozenset[str], str]:
        value = _flags_and_status(_parsed_flags(key))
        self[key] = value
        return value


@lru_cache(maxsize=256)
def _parsed_flags(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text) or ()) if text is not None else ()


def _reports_by_membership(
    memberships: Sequence[MembershipKey], index: MembershipIndex, on: dt.date, window_days: int
) -> dict[int, list[ReportInput]]:
    """Completed reports in the window, less those voided (a later extract counted fewer: each void has
    the date, writer and type of the report it cancels; caseload.imports.wmt)."""
    wanted = {m.pk for m in memberships}
    practitioner_ids = {m.practitioner_id for m in memberships}
    events = CaseEvent.objects.filter(
        kind__in=[EventKind.REPORT_COMPLETED, EventKind.REPORT_VOIDED],
        occurred_on__gt=on - dt.timedelta(days=window_days + 1),
        occurred_on__lte=on,
    ).values_list("kind", "practitioner_id", "case__team_id", "report_type", "occurred_on")
    if len(practitioner_ids) <= FEW_PRACTITIONERS:  # else every report of the window, theirs kept below
        events = events.filter(practitioner_id__in=practitioner_ids)
    completed: list[tuple[int, str, dt.date]] = []
    voided: Counter[tuple[int, str, dt.date]] = Counter()
    for kind, practitioner_id, team_id, report_type, occurred_on in events:
        membership_id = index.membership_id(practitioner_id, team_id)
        if membership_id in wanted:
            key = (membership_id, report_type, occurred_on)
            if kind == EventKind.REPORT_VOIDED:
                voided[key] += 1
            else:
                completed.append(key)
    by_membership: dict[int, list[ReportInput]] = defaultdict(list)
    for key in completed:
        if voided[key]:
            voided[key] -= 1
            continue
        by_membership[key[0]].append(ReportInput(type=key[1], completed=key[2]))
    return by_membership


CMS_COLUMNS = (
    "contact_type", "occurred_on", "case__reference", "practitioner_id", "case__practitioner_id",
    "case__team_id", "case_id",
)  # fmt: skip


def _cms_contacts(
    memberships: Sequence[MembershipKey],
    on: dt.date,
    window_days: int,
    past: PastState | None = None,
    index: MembershipIndex | None = None,
) -> list[CmsContactInput]:
    """Support contacts in the window done by, or on cases held by, these memberships. Ids are membership
    ids, so points move between the right two workloads. `index`: every current membership's, when the
    caller has read them (else the doers' and holders' are read)."""
    rows = _cms_rows(memberships, on, window_days, past)
    return _cms_inputs(rows, index if index is not None else _index_for(_practitioners_of(rows), on))


CmsRow = tuple[Any, ...]  # contact type, date, case reference, doer id, holder id (or None), team id


def _cms_rows(
    memberships: Sequence[MembershipKey], on: dt.date, window_days: int, past: PastState | None = None
) -> list[CmsRow]:
    """The support contacts in the window done by, or on cases held by, these memberships, as `CmsRow`s:
    the holder as the history records them on `on` with `past`, else as now."""
    practitioner_ids = {m.practitioner_id for m in memberships}
    window = Q(occurred_on__gt=on - dt.timedelta(days=window_days + 1), occurred_on__lte=on)
    in_window = CaseEvent.objects.filter(window, kind=EventKind.CMS_CONTACT)
    if len(practitioner_ids) <= FEW_PRACTITIONERS:
        # Two index look-ups merged, rather than one OR that makes SQLite and PostgreSQL walk every contact
        # in the window (tens of ms per event): by the doer, and by the held cases' ids, read first, with
        # the kind checked here so that SQLite looks the events up by case. In the single query's order
        # (CaseEvent's default: the case's reference, the date, the id).
        held_ids = (
            past.cases_last_held_by(practitioner_ids)
            if past
            else list(Case.objects.filter(practitioner_id__in=practitioner_ids).values_list("pk", flat=True))
        )
        by_doer = in_window.filter(practitioner_id__in=practitioner_ids).values_list(
            *CMS_COLUMNS, "pk", "kind"
        )
        on_held = CaseEvent.objects.filter(window, case_id__in=held_ids).values_list(
            *CMS_COLUMNS, "pk", "kind"
        )
        found = {
            row[7]: row[:8] for part in (by_doer, on_held) for row in part if row[8] == EventKind.CMS_CONTACT
        }
        events = sorted(found.values(), key=lambda row: (row[2], row[1], row[7]))
    else:
        # Every support contact of the window (a few tens of thousands for the country), kept when done by
        # or on a case held by these practitioners: no `IN` lists of thousands of ids (even building one,
        # unsent, costs tens of ms).
        held_set = set(past.cases_last_held_by(practitioner_ids)) if past else None
        events = [
            row
            for row in in_window.values_list(*CMS_COLUMNS, "pk")
            if row[3] in practitioner_ids
            or (row[6] in held_set if held_set is not None else row[4] in practitioner_ids)
        ]
    return [(*row[:4], *past.last_holder(row[6], row[4], row[5])) if past else row[:6] for row in events]


def _practitioners_of(rows: Sequence[CmsRow]) -> set[int]:
    """The doers and holders of these contacts."""
    return {row[3] for row in rows} | {row[4] for row in rows if row[4]}


def _cms_inputs(rows: Sequence[CmsRow], index: MembershipIndex) -> list[CmsContactInput]:
    """The engine's inputs for these contacts, each between two memberships of `index` (one that covers
    their doers and holders); a contact done and held in one membership, or whose doer or holder has no
    current membership, moves no points and is left out."""
    contacts = []
    for contact_type, occurred_on, reference, doer_id, holder_id, team_id in rows:
        doer = index.membership_id(doer_id, team_id) if doer_id else None
        holder = index.membership_id(holder_id, team_id) if holder_id else None
        if doer is None or holder is None or doer == holder:
            continue
        contacts.append(
            CmsContactInput(
                contact_type=contact_type,
                contact_date=occurred_on,
                case_reference=reference,
                performed_by=str(doer),
                case_holder=str(holder),
            )
        )
    return contacts
