"""Writes to stored workloads: recalculate current figures, take and recompute daily snapshots.

Each function owns its transaction. `recalculate` is also called by every write service that changes a
workload's inputs (cases, hours, reductions, scheme publication), inside that service's transaction, so the
stored figures change in the same commit as the data behind them (docs/live-updates.md).

A row stored by a full recalculation keeps its breakdown's lines but its case lines, which are scored when
it is shown (`with_case_lines`, ADR 9)."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, NamedTuple

import orjson
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from caseload.core.sql import AnyOf, integer_array
from caseload.domain.aggregate import aggregate
from caseload.domain.results import CASE_WARNING_PREFIX, KIND_CASE, KIND_CASE_TOTAL, WorkloadResult
from caseload.domain.staffing import fte
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.schemes.models import SchemeVersion
from caseload.schemes.services import domain_scheme
from caseload.workloads.affected import affected_by_scheme_version
from caseload.workloads.bulk import (
    BulkScores,
    CaseFingerprint,
    LineMarks,
    TotalledWorkload,
    fingerprint_of_items,
    score_totalled,
)
from caseload.workloads.history import past_state
from caseload.workloads.inputs import current_memberships, membership_rows
from caseload.workloads.models import UnitSnapshot, Workload, WorkloadSnapshot
from caseload.workloads.selectors import (
    BULK_SCORING,
    MembershipWorkload,
    collector_paused,
    score_memberships,
    stored_workloads,
)
from caseload.workloads.snapshot_policy import SnapshotPolicy

PERCENT_PLACES = Decimal("0.0001")
FTE_PLACES = Decimal("0.01")
TOUCH_BATCH = 500  # rows per UPDATE of unchanged workloads
DAILY_TEAMS = 100  # teams per transaction in the daily run
STORED_BY_ID = 2000  # up to this many memberships, their stored rows are read by id
COPY_FROM = 200  # from this many workload rows written at once, PostgreSQL receives them through COPY
BREAKDOWN_KEYS = ("items", "available_time", "warnings", "remaining_points", "unrounded_points")
#: The key, true in a stored breakdown whose case lines are not stored but scored when it is shown: a row
#: written by a full recalculation from its cases added up (`with_case_lines`, ADR 9).
CASE_LINES_ON_DEMAND = "case_lines_on_demand"

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Scored:
    """A membership's figures as snapshots need them, however its cases were scored."""

    membership_id: int
    practitioner_id: int
    team_path: str
    version: SchemeVersion
    result: WorkloadResult


def _scored(member: MembershipWorkload) -> Scored:
    m = member.membership
    return Scored(m.pk, m.practitioner_id, m.team.path, member.version, member.result)


@dataclass(frozen=True)
class DailyRun:
    on: dt.date
    recalculated: int
    membership_snapshots: int
    unit_snapshots: int
    snapshot_day: bool = True  # False: the day's snapshots were not due (CASELOAD_SNAPSHOT_EVERY_DAYS)
    deleted_membership_snapshots: int = 0  # older than CASELOAD_SNAPSHOT_RETENTION_DAYS
    deleted_unit_snapshots: int = 0


def snapshot_policy() -> SnapshotPolicy:
    """The snapshot interval and retention from the settings (checked again: settings can be overridden)."""
    return SnapshotPolicy(settings.CASELOAD_SNAPSHOT_EVERY_DAYS, settings.CASELOAD_SNAPSHOT_RETENTION_DAYS)


def recalculate(
    memberships: Iterable[TeamMembership | int], on: dt.date | None = None, reason: str = ""
) -> int:
    """Lock the memberships' rows (in primary-key order, so concurrent writers never deadlock), score them
    on `on` (default today) and store their figures, one revision up. Memberships that are not current or
    whose team has no scheme in force lose their stored figures. Called inside the caller's transaction
    when there is one, so a concurrent change for the same practitioner waits and then sees this one.
    Returns how many workloads are stored for them.

    From BULK_SCORING memberships on, their cases are added up by the database (caseload.workloads.bulk):
    rows whose figures and case lines are unchanged only record the run, and the others are stored with
    their case lines left to be scored when shown (`with_case_lines`)."""
    ids = sorted({m if isinstance(m, int) else m.pk for m in memberships})
    if not ids:
        return 0
    on = on or timezone.localdate()
    bulk = len(ids) >= BULK_SCORING
    # For many memberships, the collector is paused from reading them to storing their figures, not only
    # while scoring: the tens of thousands of values read first cost as much again in collections.
    with collector_paused(bulk), transaction.atomic():
        _lock(ids)
        if bulk:
            return _recalculate_many(ids, on, reason)
        return _store(score_memberships(current_memberships(on, membership_ids=ids), on), ids, reason)


def _recalculate_many(ids: list[int], on: dt.date, reason: str, into: list[Scored] | None = None) -> int:
    """Score and store many locked memberships with their cases added up by the database (`recalculate`).
    A function of its own so that the hundreds of thousands of values it builds are freed when it returns,
    while the caller still holds the collector paused: else the collector's first pass afterwards walks
    them all (36 to 42 ms after a full recalculation of the national benchmark, on PostgreSQL)."""
    everyone = membership_rows(on)  # read once locked: hours changed meanwhile are seen
    wanted = set(ids)
    rows = [row for row in everyone if row.pk in wanted]
    scores = score_totalled(rows, on, everyone)
    return _store_totalled(scores, ids, on, reason, _stored_rows(ids), into)


def recalculate_scheme_version(version: SchemeVersion) -> int:
    """Recalculate everyone measured under a version that is in force today (after publishing it)."""
    return recalculate(
        affected_by_scheme_version(version, timezone.localdate()), reason=f"Published {version}"
    )


def run_daily(
    on: dt.date | None = None, progress: Progress | None = None, policy: SnapshotPolicy | None = None
) -> DailyRun:
    """The daily run: recalculate every current membership on `on` (reductions that start or end, reports
    and contacts leaving their windows, scheme versions starting), DAILY_TEAMS teams per transaction, drop the
    figures of memberships that ended, then, on the days the snapshot policy (default: the settings)
    takes them, the day's snapshots from the same scores; finally delete the snapshots older than its
    retention."""
    on = on or timezone.localdate()
    policy = policy or snapshot_policy()
    say = progress or (lambda _: None)
    by_team: dict[int, list[int]] = defaultdict(list)
    for pk, team_id in TeamMembership.objects.current(on).order_by("pk").values_list("pk", "team_id"):
        by_team[team_id].append(pk)
    scored: list[Scored] = []
    teams = sorted(by_team)
    for start in range(0, len(teams), DAILY_TEAMS):
        ids = sorted(pk for team in teams[start : start + DAILY_TEAMS] for pk in by_team[team])
        with collector_paused(len(ids) >= BULK_SCORING), transaction.atomic():
            _lock(ids)
            _recalculate_many(ids, on, f"Daily run for {on.isoformat()}", into=scored)
        done = min(start + DAILY_TEAMS, len(teams))
        say(f"Recalculated {done} of {len(teams)} teams ({len(scored)} workloads)")
    Workload.objects.filter(Q(membership__end_date__lt=on) | Q(membership__start_date__gt=on)).delete()
    members = units = 0
    snapshot_day = policy.takes_snapshots_on(on)
    if snapshot_day:
        members, units = _write_snapshots(on, scored)
        say(f"Snapshots for {on.isoformat()}: {members} workloads, {units} org units")
    else:
        say(
            f"No snapshots for {on.isoformat()}: they are taken every {policy.every_days} days, next on "
            f"{policy.next_snapshot_day(on).isoformat()}"
        )
    deleted_members, deleted_units = delete_old_snapshots(on, policy)
    if deleted_members or deleted_units:
        say(
            f"Deleted {deleted_members} workload and {deleted_units} org unit snapshots dated before "
            f"{policy.keep_from(on)} (kept for {policy.retention_days} days)"
        )
    return DailyRun(on, len(scored), members, units, snapshot_day, deleted_members, deleted_units)


def delete_old_snapshots(on: dt.date, policy: SnapshotPolicy) -> tuple[int, int]:
    """Delete the membership and org unit snapshots dated before the policy's retention counted back from
    `on` (none when snapshots are kept for ever). Returns (membership rows, unit rows) deleted."""
    keep_from = policy.keep_from(on)
    if keep_from is None:
        return 0, 0
    with transaction.atomic():
        members, _ = WorkloadSnapshot.objects.filter(on__lt=keep_from).delete()
        units, _ = UnitSnapshot.objects.filter(on__lt=keep_from).delete()
    return members, units


def take_snapshots(on: dt.date) -> tuple[int, int]:
    """Snapshot every current membership and every org unit above them, scored on `on` from the data as it
    is now. Re-running a date replaces that date's rows. Returns (membership rows, unit rows)."""
    return _write_snapshots(on, [_scored(m) for m in score_memberships(current_memberships(on), on)])


def recompute_snapshots(start: dt.date, end: dt.date, progress: Progress | None = None) -> int:
    """Rebuild the snapshots of each date from `start` to `end` from the stored history: the cases open
    and who held them then, their levels then, hours then, and the scheme version then in force
    (caseload.workloads.history; limits in docs/live-updates.md). Returns the number of days."""
    if end < start:
        raise ValueError("The end date is before the start date.")
    say = progress or (lambda _: None)
    day, days = start, 0
    while day <= end:
        scored = score_memberships(current_memberships(day), day, past_state(day))
        members, units = _write_snapshots(day, [_scored(m) for m in scored])
        say(f"{day.isoformat()}: {members} workloads, {units} org units")
        day += dt.timedelta(days=1)
        days += 1
    return days


def _lock(ids: list[int]) -> None:
    """Lock the memberships' rows, in primary-key order (concurrent writers queue rather than deadlock).
    SQLite has no row locks: its writers take turns for the whole database."""
    connection = connections[router.db_for_write(TeamMembership)]
    if not connection.features.has_select_for_update:
        return
    table = connection.ops.quote_name(TeamMembership._meta.db_table)
    with connection.cursor() as cursor:
        for condition, params in _id_batches(connection, ids):
            cursor.execute(f"SELECT id FROM {table} WHERE {condition} ORDER BY id FOR UPDATE", params)  # noqa: S608


def _id_batches(connection: Any, ids: list[int]) -> Iterator[tuple[str, list[Any]]]:
    """`id` conditions matching these ids, with their parameters: one array on PostgreSQL, else `IN` lists of
    TOUCH_BATCH ids (plain SQL: ids need no preparing, and full recalculations pass thousands)."""
    if connection.vendor == "postgresql":
        if ids:
            yield "id = ANY(%s::bigint[])", [integer_array(ids)]
        return
    for start in range(0, len(ids), TOUCH_BATCH):
        batch = ids[start : start + TOUCH_BATCH]
        yield f"id IN ({', '.join(['%s'] * len(batch))})", batch


class StoredRow(NamedTuple):
    """What a full recalculation compares with in a stored workload."""

    pk: int
    digest: str
    version_id: int
    revision: int


#: A row to store: membership id, scheme version, result, digest.
WorkloadRow = tuple[int, SchemeVersion, WorkloadResult, str]


def _stored_rows(ids: Collection[int]) -> dict[int, StoredRow]:
    """The stored workloads of these memberships, by membership id."""
    wanted = set(ids)
    rows = Workload.objects.order_by()
    if len(wanted) <= STORED_BY_ID:  # else every stored row, rather than a list of thousands of ids
        rows = rows.filter(AnyOf("membership_id", wanted))
    return {
        membership_id: StoredRow(*row)
        for membership_id, *row in rows.values_list(
            "membership_id", "pk", "digest", "scheme_version_id", "revision"
        )
        if membership_id in wanted
    }


def _store_totalled(
    scores: BulkScores,
    ids: list[int],
    on: dt.date,
    reason: str,
    existing: dict[int, StoredRow],
    into: list[Scored] | None = None,
) -> int:
    """Store figures scored with their cases added up: a membership whose digest (figures and case
    fingerprint) matches its stored row (`existing`: `_stored_rows(ids)`) only records the run; the others
    are stored with these figures and their breakdown but its case lines (`CASE_LINES_ON_DEMAND`). Those
    left to be scored case by case are, and are stored with their full breakdown. Drops the rows of the
    memberships in `ids` that were not scored. Returns how many are stored; `into`, when given, receives
    their figures, in membership order."""
    wanted = set(ids)
    same: list[int] = []
    changed: list[tuple[TotalledWorkload, str]] = []
    steps: dict[int, tuple[tuple[Any, ...], str]] = {}  # the available-time steps' texts (`_digest`)
    for member in scores.totalled:
        row = existing.get(member.membership.pk)
        digest = _digest(member.version, member.result, member.fingerprint, steps)
        if row is not None and row.digest == digest:
            same.append(row.pk)
        else:
            changed.append((member, digest))
    redo = scores.case_by_case
    rescored = score_memberships(current_memberships(on, membership_ids=sorted(redo)), on) if redo else []
    now = timezone.now()
    reason = reason[:200]
    _write(rescored, reason, now, existing)
    _write_rows(
        [(m.membership.pk, m.version, m.result, digest) for m, digest in changed],
        reason,
        now,
        existing,
        case_lines=False,
    )
    _touch(same, on=on, now=now, reason=reason)
    kept = {m.membership.pk for m in scores.totalled} | {m.membership.pk for m in rescored}
    gone = [existing[pk].pk for pk in wanted - kept if pk in existing]
    for start in range(0, len(gone), TOUCH_BATCH):
        Workload.objects.filter(pk__in=gone[start : start + TOUCH_BATCH]).delete()
    if into is not None:
        stored = [
            Scored(m.membership.pk, m.membership.practitioner_id, m.membership.team_path, m.version, m.result)
            for m in scores.totalled
        ]
        stored += [_scored(m) for m in rescored]
        into += sorted(stored, key=lambda member: member.membership_id)
    return len(kept)


def _store(scored: list[MembershipWorkload], ids: list[int], reason: str) -> int:
    """Upsert the scored memberships' Workload rows, one revision up, and drop the rows of the others.
    Returns how many rows are stored."""
    _write(scored, reason, timezone.now())
    Workload.objects.filter(membership_id__in=set(ids) - {m.membership.pk for m in scored}).delete()
    return len(scored)


def _write(
    scored: list[MembershipWorkload],
    reason: str,
    now: dt.datetime,
    existing: Mapping[int, StoredRow] | None = None,
) -> None:
    """Upsert the scored memberships' Workload rows, one revision up; `existing`: their stored rows, when
    the caller has read them (`_stored_rows`).

    A row whose figures and breakdown are unchanged (the same `digest`) only records that it was
    recalculated (date, time, reason, revision), several hundred rows per UPDATE; the breakdown JSON is
    built and written only for rows that are new or changed."""
    reason = reason[:200]
    if existing is None:
        existing = _stored_rows([m.membership.pk for m in scored])
    changed: list[WorkloadRow] = []
    unchanged: list[int] = []
    marks: LineMarks = {}  # the case lines' values, each worked out once (`fingerprint_of_items`)
    steps: dict[int, tuple[tuple[Any, ...], str]] = {}  # the available-time steps' texts (`_digest`)
    for member in scored:
        digest = _digest(member.version, member.result, _case_fingerprint(member, marks), steps)
        row = existing.get(member.membership.pk)
        if row is not None and digest == row.digest:
            unchanged.append(row.pk)
        else:
            changed.append((member.membership.pk, member.version, member.result, digest))
    _write_rows(changed, reason, now, existing)
    _touch(unchanged, on=scored[0].result.on if scored else None, now=now, reason=reason)


def _case_fingerprint(member: MembershipWorkload, marks: LineMarks | None = None) -> CaseFingerprint:
    assert member.case_ids is not None, "stored workloads are scored from the current data"
    return fingerprint_of_items(member.result.items, member.case_ids, marks)


def _write_rows(
    rows: Sequence[WorkloadRow],
    reason: str,
    now: dt.datetime,
    existing: Mapping[int, StoredRow],
    *,
    case_lines: bool = True,
) -> None:
    """Insert or rewrite these rows, one revision up, each with its breakdown (`_breakdown_of`, with or
    without its `case_lines`). New rows go in as `bulk_create` would put them and changed ones as
    `bulk_update` would (every column but the id and generated ones, each value as its field sends it),
    without building model instances: on PostgreSQL, from COPY_FROM rows on, through COPY (`_copy_rows`);
    else as one parameterised statement per row sent with `executemany` (`_preparers`). Django's INSERTs
    of hundreds of rows each, bulk_update's CASE per column and batch, building 12,000 model instances, and
    on PostgreSQL 12,000 statements each quoted into SQL text by the driver and planned by the server made
    a full recalculation of the national benchmark that rewrites every row spend seconds on it
    (benchmarks/RESULTS.md)."""
    if not rows:
        return
    connection = connections[router.db_for_write(Workload)]
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        _copy_rows(connection, rows, reason, now, existing, case_lines=case_lines)
        return
    fields = [Workload._meta.get_field(name) for name in ["membership", *_FIELDS, "revision"]]
    prepare = _preparers(fields, connection)
    stamp = {"calculated_at": now, "reason": reason}
    created: list[list[Any]] = []
    changed: list[list[Any]] = []
    for membership_id, version, result, digest in rows:
        row = existing.get(membership_id)
        values = {
            **_figures_of(version, result),
            "membership": membership_id,
            "scheme_version": version.pk,
            "calculated_for": result.on,
            **stamp,
            "breakdown": _breakdown_of(result, case_lines=case_lines),
            "digest": digest,
            "revision": row.revision + 1 if row is not None else 1,
        }
        prepared = [to_db(values[field.name]) for to_db, field in zip(prepare, fields, strict=True)]
        if row is None:
            created.append(prepared)
        else:
            changed.append([*prepared[1:], row.pk])
    quote = connection.ops.quote_name
    table = quote(Workload._meta.db_table)
    columns = [quote(field.column) for field in fields]
    with connection.cursor() as cursor:
        if created:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608
                created,
            )
        if changed:
            assignments = ", ".join(f"{column} = %s" for column in columns[1:])
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {quote(Workload._meta.pk.column)} = %s",  # noqa: S608
                changed,
            )


def _copy_rows(
    connection: Any,
    rows: Sequence[WorkloadRow],
    reason: str,
    now: dt.datetime,
    existing: Mapping[int, StoredRow],
    *,
    case_lines: bool,
) -> None:
    """PostgreSQL: `_write_rows` through COPY. The rows are COPYed into a temporary table of the columns'
    own types, then the new ones are inserted and the others updated from it, one statement each; the
    table is dropped at once (and at the end of the transaction, come what may). Sending 12,000 rewritten
    workloads so takes 0.3 s where as many UPDATEs took 0.8 s: Django sends no prepared statements, so the
    server parses and plans each (benchmarks/RESULTS.md).

    Each row is written as COPY's text line (`_copy_line`) and sent as soon as a few are made, so that the
    server reads them (parsing each breakdown's JSON into `jsonb`, the larger part of its work) while the
    next ones are made, on another core. Making the lines directly rather than through the driver's
    row formatting and a list of values per row halves the time Python takes over them."""
    assert connection.in_atomic_block, "the staged rows live until the end of the transaction"
    quote = connection.ops.quote_name
    table = quote(Workload._meta.db_table)
    staged = quote("caseload_workload_rows")
    fields = [Workload._meta.get_field(name) for name in _COPIED]
    names = [quote(field.column) for field in fields]
    key = names[-1]
    typed = ", ".join(
        f"{name} {field.db_type(connection) if not field.primary_key else field.rel_db_type(connection)}"
        for name, field in zip(names, fields, strict=True)
    )
    json_text = _json_text(Workload._meta.get_field("breakdown"))
    stamp = f"{_copy_text(now)}\t{_copy_text(reason)}"
    new = 0
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staged} ({typed}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {staged} ({', '.join(names)}) FROM STDIN") as copy:
            lines: list[str] = []
            for membership_id, version, result, digest in rows:
                row = existing.get(membership_id)
                new += row is None
                breakdown = json_text(_breakdown_of(result, case_lines=case_lines))
                lines.append(_copy_line(membership_id, version, result, stamp, breakdown, digest, row))
                if len(lines) == COPY_LINES:
                    copy.write("".join(lines))
                    lines.clear()
            copy.write("".join(lines))
        listed = ", ".join(names[:-1])
        if new:
            cursor.execute(
                f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {staged} WHERE {key} IS NULL"  # noqa: S608
            )
        if new < len(rows):
            assignments = ", ".join(f"{name} = v.{name}" for name in names[1:-1])
            cursor.execute(
                f"UPDATE {table} AS w SET {assignments} FROM {staged} AS v WHERE w.{key} = v.{key}"  # noqa: S608
            )
        cursor.execute(f"DROP TABLE {staged}")


COPY_LINES = 64  # rows sent to the server at a time by `_copy_rows` (about 60 KB of breakdowns)


def _copy_line(
    membership_id: int,
    version: SchemeVersion,
    result: WorkloadResult,
    stamp: str,
    breakdown: str,
    digest: str,
    row: StoredRow | None,
) -> str:
    """One row of `_COPIED` in COPY's text form: tab-separated values, each as the driver would send it
    (numbers, dates and times as Python writes them, texts escaped by `_copy_text`), and a line feed.
    `stamp`: the time and reason, made once; `row`: the stored row, if any."""
    percent = result.workload_percent.quantize(PERCENT_PLACES, ROUND_HALF_UP)
    return (
        f"{membership_id}\t{version.pk}\t{result.total_points!s}\t{result.available_points!s}\t{percent!s}\t"
        f"{_copy_text(result.rag.code)}\t{_copy_text(result.rag.name)}\t{result.case_count}\t"
        f"{result.contracted_hours!s}\t{result.reduction_hours!s}\t{_copy_text(result.on)}\t{stamp}\t"
        f"{_copy_text(breakdown)}\t{_copy_text(digest)}\t"
        + ("1\t\\N\n" if row is None else f"{row.revision + 1}\t{row.pk}\n")
    )


#: The characters COPY's text form escapes, with their escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str | dt.date | None) -> str:
    """A text, date or time in COPY's text form: none as `\\N`, a backslash, tab, line feed or carriage
    return escaped with a backslash; a date or time as the driver writes it (`2026-12-05 09:30:00+00:00`)."""
    if value is None:
        return "\\N"
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def _json_text(field: Any) -> Callable[[Any], str]:
    """A function giving the JSON text of a value of this JSON field, for COPY into `jsonb`: orjson's, in a
    tenth of the time `json.dumps` takes (12,000 breakdowns: 0.13 s), when the field has no encoder of its
    own. For what a breakdown holds (objects with text keys, lists, texts, numbers, booleans) it is the
    same value as `json.dumps` gives: the text differs only in spacing and in writing characters beyond
    ASCII as they are rather than as `\\u` escapes, neither of which `jsonb` keeps. Dates, times and
    dataclasses are refused, as `json.dumps` refuses them, rather than written as orjson would."""
    if field.encoder is not None:
        return partial(json.dumps, cls=field.encoder)
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    return lambda value: orjson.dumps(value, option=options).decode()


#: Fields whose values of this very type go to the driver as they are: what `get_db_prep_save` gives for
#: them (on PostgreSQL it wraps integers in a sized integer type, which the column's type makes moot).
_SENT_AS_THEY_ARE = {
    "CharField": str,
    "DecimalField": Decimal,
    "IntegerField": int,
    "PositiveIntegerField": int,
    "ForeignKey": int,
    "OneToOneField": int,
}


def _preparers(fields: list[Any], connection: Any) -> list[Callable[[Any], Any]]:
    """For each field, a function that gives a value as `field.get_db_prep_save` gives it, at a fraction of
    the cost for thousands of rows: a text, decimal or integer of the field's own type as it is; any other
    value (dates, times, JSON) through the field, the last one remembered (rows of one run share their
    date and time)."""

    def through(field: Any) -> Callable[[Any], Any]:
        last: list[Any] = [object(), None]

        def prepare(value: Any) -> Any:
            if value is not last[0]:
                last[:] = [value, field.get_db_prep_save(value, connection)]
            return last[1]

        return prepare

    def as_it_is(field: Any, kind: type) -> Callable[[Any], Any]:
        return lambda value: value if type(value) is kind else field.get_db_prep_save(value, connection)

    preparers: list[Callable[[Any], Any]] = []
    for field in fields:
        kind = _SENT_AS_THEY_ARE.get(field.get_internal_type())
        preparers.append(through(field) if kind is None else as_it_is(field, kind))
    return preparers


def _touch(pks: list[int], *, on: dt.date | None, now: dt.datetime, reason: str) -> None:
    """Record a recalculation that changed nothing: date, time, reason and revision + 1."""
    connection = connections[router.db_for_write(Workload)]
    quote = connection.ops.quote_name
    values = [Workload._meta.get_field(name).get_db_prep_save(value, connection) for name, value in
              (("calculated_for", on), ("calculated_at", now), ("reason", reason))]  # fmt: skip
    table = quote(Workload._meta.db_table)
    assignments = (
        f"{quote('calculated_for')} = %s, {quote('calculated_at')} = %s, {quote('reason')} = %s, "
        f"{quote('revision')} = {quote('revision')} + 1"
    )
    with connection.cursor() as cursor:
        for condition, params in _id_batches(connection, pks):
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE {condition}", [*values, *params])  # noqa: S608


def _digest(
    version: SchemeVersion,
    result: WorkloadResult,
    cases: CaseFingerprint,
    steps_text: dict[int, tuple[tuple[Any, ...], str]] | None = None,
) -> str:
    """A fingerprint of what a Workload row shows: its figures (`_figures_of`, in that order), the
    available-time steps, every line and every warning but the cases' own, and the cases' fingerprint (how
    many, their points, and which case earns what by which rule: caseload.workloads.bulk; a case's warning
    is worded in its line's rule, so the fingerprint covers it too). The same whether the cases were scored
    one by one or added up by the database, so both can tell an unchanged row; cheaper to make than the
    breakdown's JSON. Equal digests: nothing to rewrite.

    `steps_text`: the text of each tuple of available-time steps already seen, by its id, for a caller
    digesting thousands of results of one scorer (which shares one tuple between everyone of the same
    grade, hours and reductions); each entry holds its tuple, so an id is not reused while the memo lives."""
    percent = result.workload_percent.quantize(PERCENT_PLACES, ROUND_HALF_UP)
    steps = result.capacity_steps
    memo = steps_text.get(id(steps)) if steps_text is not None else None
    if memo is not None and memo[0] is steps:
        text = memo[1]
    else:
        text = "".join(f"\x1e{step.label}\x1f{step.value!s}" for step in steps)
        if steps_text is not None:
            steps_text[id(steps)] = (steps, text)
    lines = "".join(
        f"\x1e{i.kind}\x1f{i.reference}\x1f{i.points!s}\x1f{i.rule}"
        for i in result.items
        if i.kind not in (KIND_CASE, KIND_CASE_TOTAL)
    )
    warnings = "".join(f"\x1e{w}" for w in result.warnings if not w.startswith(CASE_WARNING_PREFIX))
    whole = (
        f"scheme_version={version.pk}\x1etotal_points={result.total_points!s}"
        f"\x1eavailable_points={result.available_points!s}\x1eworkload_percent={percent!s}"
        f"\x1erag={result.rag.code}\x1erag_name={result.rag.name}\x1ecase_count={result.case_count}"
        f"\x1econtracted_hours={result.contracted_hours!s}\x1ereduction_hours={result.reduction_hours!s}"
        f"\x1e{result.scheme_name}\x1e{result.scheme_version}\x1e{result.unrounded_points!s}"
        f"\x1e{result.remaining_points!s}\x1e{len(steps)}{lines}{text}{warnings}"
        f"\x1ecases\x1f{cases.count}\x1f{cases.hundredths}\x1f{cases.checksum}"
    )
    # Decimals are written with `!s`: the text `format()` gives them, at a quarter of the cost.
    return hashlib.blake2b(whole.encode(), digest_size=16).hexdigest()


def _figures_of(version: SchemeVersion, result: WorkloadResult) -> dict[str, Any]:
    return {
        "scheme_version": version,
        "total_points": result.total_points,
        "available_points": result.available_points,
        "workload_percent": result.workload_percent.quantize(PERCENT_PLACES, ROUND_HALF_UP),
        "rag": result.rag.code,
        "rag_name": result.rag.name,
        "case_count": result.case_count,
        "contracted_hours": result.contracted_hours,
        "reduction_hours": result.reduction_hours,
    }


_FIELDS = [
    "scheme_version",
    "total_points",
    "available_points",
    "workload_percent",
    "rag",
    "rag_name",
    "case_count",
    "contracted_hours",
    "reduction_hours",
    "calculated_for",
    "calculated_at",
    "reason",
    "breakdown",
    "digest",
]

#: The columns of a row COPYed by `_copy_rows`, in the order `_copy_line` writes them: the stored id last
#: (none for a new row).
_COPIED = ["membership", *_FIELDS, "revision", "id"]


def _breakdown(member: MembershipWorkload) -> dict[str, Any]:
    """The engine's own JSON form of the breakdown (Decimals as strings), with the scheme it cites."""
    return _breakdown_of(member.result)


def _breakdown_of(result: WorkloadResult, *, case_lines: bool = True) -> dict[str, Any]:
    """`_breakdown`: the scheme and BREAKDOWN_KEYS of `result_as_dict(result)`, built without the rest.
    Without `case_lines`, of a result scored with its cases added up: every line but the one standing for
    the cases, marked `CASE_LINES_ON_DEMAND` when there is one (with no case held, it is the full
    breakdown already)."""
    breakdown: dict[str, Any] = {
        "scheme": {"name": result.scheme_name, "version": result.scheme_version},
        "items": [
            {"kind": item.kind, "reference": item.reference, "points": str(item.points), "rule": item.rule}
            for item in result.items
            if case_lines or item.kind != KIND_CASE_TOTAL
        ],
        "available_time": [{"step": step.label, "value": str(step.value)} for step in result.capacity_steps],
        "warnings": list(result.warnings),
        "remaining_points": str(result.remaining_points),
        "unrounded_points": str(result.unrounded_points),
    }
    if not case_lines and any(item.kind == KIND_CASE_TOTAL for item in result.items):
        breakdown[CASE_LINES_ON_DEMAND] = True
    return breakdown


def shown_workloads(membership_ids: list[int]) -> list[Workload]:
    """The stored workloads of these memberships, in membership order, each with every line of its
    breakdown (`with_case_lines`); a row found out of date and dropped when recalculated is left out."""
    shown = (with_case_lines(workload) for workload in stored_workloads(membership_ids))
    return [workload for workload in shown if workload is not None]


def shown_workload(membership_id: int) -> Workload | None:
    """The stored workload of this membership with every line of its breakdown (`shown_workloads`)."""
    return next(iter(shown_workloads([membership_id])), None)


def with_case_lines(workload: Workload) -> Workload | None:
    """A stored workload with every line of its breakdown, to show it.

    A row stored by a full recalculation has no case lines (`CASE_LINES_ON_DEMAND`): they are scored now,
    case by case by the engine, on the date its figures are for, from the cases as they are (every change
    to a case recalculates its holder's row in the same transaction, so they are the cases it was scored
    from). They are used only when the whole result gives the stored digest: the very figures, lines and
    case fingerprint stored. When it does not, the row is read again: a change committed since it was read
    has rewritten it (that row is shown) or dropped it (None). Only a row still the same is out of date (a
    change that bypassed the services): the membership is recalculated, with a warning logged, and its
    new row, full, is returned (None if it has none any more). Rows with their case lines are returned as
    they are. The instance passed in is not changed."""
    if not workload.breakdown.get(CASE_LINES_ON_DEMAND):
        return workload
    shown = _scored_case_lines(workload)
    if shown is not None:
        return shown
    again = _stored_workload(workload.membership_id)
    if again is None or (again.revision, again.digest) != (workload.revision, workload.digest):
        if again is None or not again.breakdown.get(CASE_LINES_ON_DEMAND):
            return again
        shown = _scored_case_lines(again)
        if shown is not None:
            return shown
    logger.warning(
        "Workload %s (membership %s) was out of date when shown: recalculated",
        workload.pk,
        workload.membership_id,
    )
    recalculate([workload.membership_id], reason="Recalculated when shown: out of date")
    return _stored_workload(workload.membership_id)  # scored alone, so stored with its case lines


def _scored_case_lines(workload: Workload) -> Workload | None:
    """A copy of the row with its case lines scored (`with_case_lines`), or None if they do not give its
    digest."""
    on = workload.calculated_for
    scored = score_memberships(current_memberships(on, membership_ids=[workload.membership_id]), on)
    if not scored or scored[0].version.pk != workload.scheme_version_id:
        return None
    member = scored[0]
    if _digest(member.version, member.result, _case_fingerprint(member)) != workload.digest:
        return None
    shown = copy.copy(workload)
    shown.breakdown = _breakdown(member)
    return shown


def _stored_workload(membership_id: int) -> Workload | None:
    return next(iter(stored_workloads([membership_id])), None)


@transaction.atomic
def _write_snapshots(on: dt.date, scored: list[Scored]) -> tuple[int, int]:
    now = timezone.now()
    WorkloadSnapshot.objects.filter(on=on).delete()
    UnitSnapshot.objects.filter(on=on).delete()
    WorkloadSnapshot.objects.bulk_create(
        [
            WorkloadSnapshot(
                membership_id=m.membership_id, on=on, taken_at=now, **_figures_of(m.version, m.result)
            )
            for m in scored
        ],
        batch_size=1000,
    )
    below: dict[int, list[Scored]] = defaultdict(list)
    for member in scored:
        for unit_id in member.team_path.strip("/").split("/"):
            below[int(unit_id)].append(member)
    units = OrgUnit.objects.in_bulk(list(below))
    UnitSnapshot.objects.bulk_create(
        [_unit_snapshot(units[pk], on, now, members) for pk, members in below.items() if pk in units],
        batch_size=1000,
    )
    return len(scored), len(units)


def _unit_snapshot(unit: OrgUnit, on: dt.date, now: dt.datetime, members: list[Scored]) -> UnitSnapshot:
    """Sum then divide (the engine's `aggregate`); the RAG band only when one scheme version applies."""
    versions = {m.version.pk: m.version for m in members}
    schemes = {pk: domain_scheme(version) for pk, version in versions.items()}
    total = aggregate(next(iter(schemes.values())), unit.name, [m.result for m in members])
    single = next(iter(versions.values())) if len(versions) == 1 else None
    total_fte = sum((fte(schemes[m.version.pk], m.result.contracted_hours) for m in members), Decimal(0))
    return UnitSnapshot(
        unit=unit,
        on=on,
        taken_at=now,
        scheme_version=single,
        total_points=total.total_points,
        available_points=total.available_points,
        workload_percent=total.workload_percent.quantize(PERCENT_PLACES, ROUND_HALF_UP),
        rag=total.rag.code if single else "",
        rag_name=total.rag.name if single else "",
        memberships=len(members),
        headcount=len({m.practitioner_id for m in members}),
        fte=total_fte.quantize(FTE_PLACES, ROUND_HALF_UP),
        rag_counts=dict(sorted(Counter(m.result.rag.code for m in members).items())),
        over_red=sum(1 for m in members if m.result.rag == schemes[m.version.pk].rag[-1]),
        case_count=sum(m.result.case_count for m in members),
    )
