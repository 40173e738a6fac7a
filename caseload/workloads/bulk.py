"""Figures for many memberships at once, with each held case's points added up by the database.

A full recalculation (the daily run, an import, a scheme change for a whole organisation) mostly finds
nothing changed, yet scoring case by case builds a breakdown line for every one of a quarter of a million
cases. Here instead, for each scheme version in force:

1. the distinct kinds of held case are read: category, level, flags, and which of the scheme's spread
   activities count on the date (the very key the engine memoises case points by, `CaseRules`), with one
   case of each kind;
2. the engine scores that case (caseload.domain, exactly as when scoring case by case), so each kind has
   its points and rule line;
3. one query joins every held case to its kind's points and adds them up per holder and team, with a
   fingerprint of which case earns what by which rule (`CaseFingerprint`);
4. each membership is scored with that total (`CaseTotal`) in place of its cases: the same figures.

The figures and the fingerprint are what a stored workload's digest is made of (services), so a membership
whose digest is unchanged needs nothing more, and the others are stored with these figures and their
breakdown's other lines; their case lines are scored when the breakdown is shown (ADR 9). A case the scheme
cannot score (a category, level or status it does not know) earns nothing by a rule that says why, so the
fingerprint covers its warning too; the warnings' words are built when the case lines are scored (they are
left out of the figures here and of the digest).
Memberships this cannot count exactly are left to be scored case by case: those holding a case in a sibling
group when the scheme shares sibling points (the share depends on the group's other cases) or a case of a
kind that appeared between the two queries; and everyone measured under a scheme version with more than
`MAX_KINDS` kinds of held case.

The kinds scored are kept for the life of the process (`_KNOWN`) and in the database (`KnownKinds`, filed
under the scheme definition's hash and a fingerprint of the scoring code): the next full recalculation, on
any day and in any process, skips step 1 and reads the kinds again only when a case of an unknown kind
shows up in step 3. Under a new scheme definition or scoring code, the cases that stood for the kinds kept
before are read again by id and scored (`_hinted_kinds`), rather than every held case grouped by kind.
Step 3 returns only counts and sums, so PostgreSQL adds them up in its parallel workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Min, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from caseload.cases.models import KIND_SEPARATOR, Case, CaseStatus
from caseload.core.sql import AnyOf, Joined, integer_array
from caseload.domain.case_points import CaseRules
from caseload.domain.results import KIND_CASE, BreakdownItem, WorkloadResult
from caseload.domain.scheme import Scheme, WeightingMethod
from caseload.domain.scoring import score_practitioners
from caseload.domain.values import CaseTotal
from caseload.domain.weighting.activity import has_spread_activities, spread_bounds
from caseload.schemes.models import SchemeVersion
from caseload.schemes.services import domain_scheme
from caseload.workloads.inputs import (
    CASE_INPUT_FIELDS,
    MembershipIndex,
    MembershipRow,
    case_values_input,
    totals_inputs,
)
from caseload.workloads.models import KnownKinds
from caseload.workloads.selectors import versions_by_team

logger = logging.getLogger(__name__)

#: Beyond this many kinds of held case under one scheme version, its memberships are scored case by case
#: (on SQLite the kinds travel in the query as a VALUES list of three parameters each).
MAX_KINDS = 3000
REPRESENTATIVES_BATCH = 500  # case ids per query when reading the cases that stood for kinds (SQLite)
KEEP_UNUSED_DAYS = 400  # rows of kinds not written for this long are dropped when kinds are next kept
HINT_ROWS = 8  # the latest rows of kinds kept, whose cases are read again under a new definition or code

# A case's part of the fingerprint: ((id mod 2^20) + 1) × the mark of its line, a number below 2^20. Each
# term is below 2^40, so a sum over millions of cases stays far inside SQL's 64-bit integers.
ID_MODULUS = 1 << 20
MARK_MODULUS = (1 << 20) - 1
SEPARATOR = KIND_SEPARATOR  # between the parts of a kind's text


@dataclass(frozen=True)
class CaseFingerprint:
    """A membership's held cases: how many, their points in hundredths, and Σ case term × line mark."""

    count: int
    hundredths: int
    checksum: int


@dataclass(frozen=True)
class TotalledWorkload:
    membership: MembershipRow
    version: SchemeVersion
    result: WorkloadResult  # with one `case_total` line in place of the case lines
    fingerprint: CaseFingerprint


@dataclass(frozen=True)
class BulkScores:
    totalled: list[TotalledWorkload]
    case_by_case: list[int]  # membership ids to score case by case (see the module's docstring)


def line_mark(points: Decimal, rule: str) -> int:
    """A number from 1 to 2^20 − 1 for a case line's points and rule text."""
    digest = hashlib.blake2b(f"{points}\x1f{rule}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % MARK_MODULUS + 1


#: A memo of case lines' values, by the ids of a line's rule text and points: (the rule, the points, the
#: points in hundredths, the line's mark). Lines of one kind of case share their rule and points objects
#: (the engine's `CaseRules`), so thousands of lines are worked out once; an entry holds its objects, so
#: their ids are not reused while it lives, and it is used only for those very objects.
LineMarks = dict[tuple[int, int], tuple[str, Decimal, int, int]]


def fingerprint_of_items(
    items: Iterable[BreakdownItem], case_ids: dict[str, int], marks: LineMarks | None = None
) -> CaseFingerprint:
    """The fingerprint of a result scored case by case, from its case lines and the cases' ids. `marks`: a
    memo shared by the caller's calls for results of one scoring run (`LineMarks`)."""
    memo: LineMarks = {} if marks is None else marks
    count = hundredths = checksum = 0
    for item in items:
        if item.kind != KIND_CASE:
            continue
        rule, points = item.rule, item.points
        known = memo.get((id(rule), id(points)))
        if known is None or known[0] is not rule or known[1] is not points:
            known = memo[(id(rule), id(points))] = (rule, points, int(points * 100), line_mark(points, rule))
        count += 1
        hundredths += known[2]
        checksum += (case_ids[item.reference] % ID_MODULUS + 1) * known[3]
    return CaseFingerprint(count, hundredths, checksum)


def score_totalled(
    rows: Sequence[MembershipRow],
    on: dt.date,
    everyone: Sequence[MembershipRow] | None = None,
) -> BulkScores:
    """Score these memberships on `on` with their cases added up by the database, each under its team's
    scheme version; memberships whose team has no scheme in force are in neither list. `everyone`: every
    current membership, when the caller has read them (work on a case counts in the membership of the
    case's team: `MembershipIndex`)."""
    versions = versions_by_team({row.team_id: row.team_path for row in rows}, on)
    groups: dict[int, tuple[SchemeVersion, list[MembershipRow]]] = {}
    case_by_case: list[int] = []
    for row in rows:
        version = versions[row.team_id]
        if version is not None:
            groups.setdefault(version.pk, (version, []))[1].append(row)
    schemes: dict[int, Scheme] = {}
    countable: list[MembershipRow] = []
    totals: dict[int, CaseTotal] = {}
    fingerprints: dict[int, CaseFingerprint] = {}
    for version, group in groups.values():
        scheme = schemes[version.pk] = domain_scheme(version)
        found, unsure = _case_fingerprints(scheme, version.definition_sha256, group, on)
        fingerprints |= found
        countable += [row for row in group if row.pk not in unsure]
        case_by_case += sorted(unsure)
        totals |= {pk: CaseTotal(f.count, Decimal(f.hundredths).scaleb(-2)) for pk, f in found.items()}
    if not countable:
        return BulkScores([], case_by_case)
    # Everyone's other inputs in one go; each scheme's engine then scores its own memberships.
    index = (
        None
        if everyone is None
        else MembershipIndex.from_rows((m.pk, m.practitioner_id, m.team_id) for m in everyone)
    )
    people, contacts = totals_inputs(list(schemes.values()), countable, totals, on, index)
    person = {row.pk: (row, inputs) for row, inputs in zip(countable, people, strict=True)}
    none = CaseFingerprint(0, 0, 0)
    totalled: list[TotalledWorkload] = []
    for version, group in groups.values():
        members = [person[row.pk] for row in group if row.pk in person]
        ids = {p.id for _, p in members}
        theirs = [c for c in contacts if c.performed_by in ids or c.case_holder in ids]
        results = score_practitioners(schemes[version.pk], [p for _, p in members], theirs, on)
        for (row, _), result in zip(members, results, strict=True):
            totalled.append(TotalledWorkload(row, version, result, fingerprints.get(row.pk, none)))
    return BulkScores(totalled, case_by_case)


def _case_fingerprints(
    scheme: Scheme, definition: str, group: list[MembershipRow], on: dt.date
) -> tuple[dict[int, CaseFingerprint], set[int]]:
    """Each membership's held cases added up (by membership id; none held: absent), and the memberships to
    score case by case instead. `definition`: the hash of the scheme's definition, which the kinds kept in
    the database are filed under (`KnownKinds`)."""
    pair_to_membership = {(row.practitioner_id, row.team_id): row.pk for row in group}
    bounds = _spread_bounds(scheme, on)
    held = _held_cases(bounds, {row.team_id for row in group})
    known = _known_kinds(scheme, definition, bounds, on)
    if not known and (hinted := _hinted_kinds(scheme, held, on)):
        known = _remember(scheme, definition, bounds, on, hinted)
    rows = _sums(held, known) if known else []
    if not known or any(row[5] for row in rows):  # a kind not seen yet: read them all
        found = _kinds(scheme, held, on)
        if found is None:
            return {}, {row.pk for row in group}
        known = _remember(scheme, definition, bounds, on, found)
        rows = _sums(held, known) if known else []
    share_siblings = scheme.sibling_group is not None
    fingerprints: dict[int, CaseFingerprint] = {}
    unsure: set[int] = set()
    for holder, team, count, hundredths, checksum, unknown, siblings in rows:
        membership_id = pair_to_membership.get((holder, team))
        if membership_id is None:
            continue
        if unknown or (share_siblings and siblings):
            unsure.add(membership_id)
            continue
        fingerprints[membership_id] = CaseFingerprint(count, int(hundredths), int(checksum))
    return fingerprints, unsure


Bound = tuple[str, dt.date, dt.date]  # a case date and the (low, high] range it must be in
#: Points in hundredths, the mark of the line (points and rule), and the id of the case scored for it.
KindValue = tuple[int, int, int]


def _spread_bounds(scheme: Scheme, on: dt.date) -> list[Bound]:
    """The scheme's distinct spread-activity date ranges on `on` (`spread_bounds`), in a fixed order: the
    same order every day, as each range moves with the date."""
    return sorted(
        {
            bound
            for category in scheme.categories
            if category.method is WeightingMethod.ACTIVITY
            for level in category.levels
            if has_spread_activities(level)
            for bound in spread_bounds(level, on)
        }
    )


#: Kinds already scored, per scheme and shape of its date ranges: a kind's text says everything its points
#: and rule depend on (bit i: the case's date is inside the i-th range on the day scored; which ranges,
#: relative to that day, is the shape), so a kind scored on one day is the same kind, with the same points
#: and rule, on any other. A kind missing here shows as a case of no known kind in `_sums`, and the kinds
#: are then read again. Each entry holds its scheme, so an id in a key is never reused while it lives.
#: They are also kept in the database (`KnownKinds`), for the processes that start later.
_KNOWN: dict[tuple[int, tuple[tuple[str, int, int], ...]], tuple[Scheme, dict[str, KindValue]]] = {}
_KNOWN_SCHEMES = 16


def _known_kinds(scheme: Scheme, definition: str, bounds: list[Bound], on: dt.date) -> dict[str, KindValue]:
    """The kinds already scored under this scheme and shape of date ranges (never changed in place): those
    of this process, else those kept in the database, if any."""
    key = _known_key(scheme, bounds, on)
    entry = _KNOWN.get(key)
    if entry is not None and entry[0] is scheme:
        return entry[1]
    stored = _stored_kinds(definition, key[1])
    if stored:
        _keep(key, scheme, stored)
    return stored


def _remember(
    scheme: Scheme, definition: str, bounds: list[Bound], on: dt.date, found: dict[str, KindValue]
) -> dict[str, KindValue]:
    """Add kinds just scored to those known, as a new mapping (another thread may be reading the old), and
    keep them in the database."""
    key = _known_key(scheme, bounds, on)
    known = _known_kinds(scheme, definition, bounds, on)
    merged = {**known, **found} if len(known) + len(found) <= MAX_KINDS else dict(found)
    _keep(key, scheme, merged)
    _store_kinds(definition, key[1], merged)
    return merged


def _keep(
    key: tuple[int, tuple[tuple[str, int, int], ...]], scheme: Scheme, kinds: dict[str, KindValue]
) -> None:
    if len(_KNOWN) >= _KNOWN_SCHEMES:
        try:  # the oldest entry (another thread may change the mapping meanwhile: then forget them all)
            _KNOWN.pop(next(iter(_KNOWN)), None)
        except (RuntimeError, StopIteration):
            _KNOWN.clear()
    _KNOWN[key] = (scheme, kinds)


def _known_key(
    scheme: Scheme, bounds: list[Bound], on: dt.date
) -> tuple[int, tuple[tuple[str, int, int], ...]]:
    return id(scheme), tuple(
        (attribute, (low - on).days, (high - on).days) for attribute, low, high in bounds
    )


def forget_kinds(*, stored: bool = False) -> None:
    """Forget every kind scored so far by this process (benchmarks time the first full recalculation of a
    new process); `stored`: those kept in the database too (the first full recalculation ever)."""
    _KNOWN.clear()
    if stored:
        KnownKinds.objects.all().delete()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A fingerprint of the code a kind's points and rule come from: the points engine (caseload.domain),
    the reading of a case's values (caseload.workloads.inputs) and this module (the kind's text). Kinds
    kept in the database by other code are never used. Empty when the sources cannot be read (then the
    kinds are kept for the life of the process only)."""
    here = Path(__file__).resolve()
    package = here.parent.parent
    sources = [
        path
        for path in sorted((package / "domain").rglob("*.py"))
        if "tests" not in path.relative_to(package).parts
    ]
    if not sources:
        return ""
    hashed = hashlib.blake2b(digest_size=16)
    for path in [*sources, package / "workloads" / "inputs.py", here]:
        hashed.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()


def _stored_key(definition: str, shape: tuple[tuple[str, int, int], ...]) -> str:
    text = json.dumps([definition, shape, engine_fingerprint()])
    return hashlib.blake2b(text.encode(), digest_size=32).hexdigest()


def _stored_kinds(definition: str, shape: tuple[tuple[str, int, int], ...]) -> dict[str, KindValue]:
    """The kinds kept in the database for this definition and shape by this code; none if they are not
    there or not as written (a cache: anything unexpected is read again rather than trusted)."""
    if not definition or not engine_fingerprint():
        return {}
    stored = KnownKinds.objects.filter(key=_stored_key(definition, shape)).values_list("kinds", flat=True)
    kinds = next(iter(stored), None)
    if not isinstance(kinds, dict) or len(kinds) > MAX_KINDS:
        return {}
    try:
        parsed = {text: _kind_value(value) for text, value in kinds.items()}
    except (TypeError, ValueError):
        return {}
    return parsed


def _kind_value(value: Any) -> KindValue:
    points, mark, case_id = value
    if not all(type(n) is int for n in (points, mark, case_id)):
        raise TypeError("not a kind's value")
    if not 1 <= mark <= MARK_MODULUS or case_id < 1:
        raise ValueError("not a kind's value")
    return points, mark, case_id


def _hinted_kinds(scheme: Scheme, held: QuerySet[Case], on: dt.date) -> dict[str, KindValue] | None:
    """The kinds of the held cases that stood for a kind before, under any scheme definition or scoring
    code (kept in the database): each read again with its kind as it is now, and scored. After a new
    scheme version or an upgrade, the kinds are mostly the same texts with other points, and this reads a
    few thousand cases by id rather than grouping every held case by kind. None without such cases, or with
    more than MAX_KINDS kinds among them; kinds it misses show as unknown in `_sums`, as always."""
    ids: set[int] = set()
    for kinds in KnownKinds.objects.order_by("-updated_at").values_list("kinds", flat=True)[:HINT_ROWS]:
        if isinstance(kinds, dict):
            ids.update(
                v[2] for v in kinds.values() if isinstance(v, list) and len(v) == 3 and type(v[2]) is int
            )
    if not ids:
        return None
    found: dict[str, int] = {}
    values: dict[int, Any] = {}
    ordered = sorted(ids)
    # In one query on PostgreSQL (the ids as one array: `AnyOf`), else in batches of parameters.
    size = len(ordered) if connections[held.db].vendor == "postgresql" else REPRESENTATIVES_BATCH
    for start in range(0, len(ordered), size):
        batch = ordered[start : start + size]
        for kind, *case, pk in held.filter(AnyOf("pk", batch)).values_list("kind", *CASE_INPUT_FIELDS, "pk"):
            if found.setdefault(kind, pk) == pk:
                values[pk] = case
    if not found or len(found) > MAX_KINDS:
        return None
    return _score_kinds(scheme, on, list(found.items()), values)


def _store_kinds(
    definition: str, shape: tuple[tuple[str, int, int], ...], kinds: dict[str, KindValue]
) -> None:
    """Keep the kinds in the database (one row per definition, shape and code, replaced), and drop those
    kept for this definition by other code and those unused for KEEP_UNUSED_DAYS (rows of other definitions
    and code are kept meanwhile: their cases stand for their kinds under the next ones, `_hinted_kinds`).
    In a savepoint of the caller's transaction: a clash with another process writing the same row at the
    same time is left to that process's row."""
    engine = engine_fingerprint()
    if not definition or not engine:
        return
    row = KnownKinds(
        key=_stored_key(definition, shape),
        definition_sha256=definition,
        engine=engine,
        kinds={text: list(value) for text, value in kinds.items()},
    )
    try:
        with transaction.atomic(using=router.db_for_write(KnownKinds)):
            stale = Q(definition_sha256=definition) & ~Q(engine=engine)
            stale |= Q(updated_at__lt=timezone.now() - dt.timedelta(days=KEEP_UNUSED_DAYS))
            KnownKinds.objects.filter(stale).delete()
            KnownKinds.objects.bulk_create(
                [row], update_conflicts=True, unique_fields=["key"], update_fields=["kinds", "updated_at"]
            )
    except DatabaseError:
        logger.warning("Could not keep %d kinds of case in the database", len(kinds), exc_info=True)


def _held_cases(bounds: list[Bound], team_ids: set[int]) -> QuerySet[Case]:
    """The open cases held in these teams, with their kind: category, level, flags as text and the spread
    bits (bit i set when the i-th of `bounds` holds the case's date)."""
    bits: Any = Value(0)
    for index, (attribute, low, high) in enumerate(bounds):
        inside = Q(**{f"{attribute}__gt": low, f"{attribute}__lte": high})
        bits = bits + SqlCase(
            When(inside, then=Value(1 << index)), default=Value(0), output_field=IntegerField()
        )
    # The kind as one text, which SQLite can index on the fly when joining (a column of the case table
    # beside a value of the VALUES list would not be: their type affinities differ). Its category, level
    # and flags are kept by the database in `Case.kind_base`.
    return Case.objects.filter(
        AnyOf("team_id", team_ids), status=CaseStatus.ACTIVE, practitioner_id__isnull=False
    ).annotate(kind=Joined("kind_base", Value(SEPARATOR), Cast(bits, TextField())))


def _kinds(scheme: Scheme, held: QuerySet[Case], on: dt.date) -> dict[str, KindValue] | None:
    """Every kind of held case (its text: category, level, flags and spread bits) with its points in
    hundredths, its line's mark and the case scored for it; None when there are more than MAX_KINDS."""
    # One query: the first case of each kind, with its values (the kinds are a few thousand at most).
    first_of_each = held.order_by().values("kind").annotate(first=Min("pk")).values("first")
    rows = (
        held.filter(pk__in=Subquery(first_of_each)).order_by().values_list("kind", *CASE_INPUT_FIELDS, "pk")
    )
    found: list[tuple[str, int]] = []
    values: dict[int, Any] = {}
    for kind, *case, pk in rows[: MAX_KINDS + 1]:
        found.append((kind, pk))
        values[pk] = case
    if len(found) > MAX_KINDS:
        return None
    return _score_kinds(scheme, on, found, values)


def _score_kinds(
    scheme: Scheme, on: dt.date, found: list[tuple[str, int]], values: dict[int, Any]
) -> dict[str, KindValue]:
    """Each kind's value, from the engine's rule for the case that stands for it (kind text, case id);
    `values`: those cases' CASE_INPUT_FIELDS, by id."""
    rules = CaseRules(scheme, on)
    kinds: dict[str, KindValue] = {}
    for kind, pk in found:
        rule = rules.rule_for(case_values_input(*values[pk]))
        kinds[kind] = (int(rule.points * 100), line_mark(rule.points, rule.rule), pk)
    return kinds


def _sums(held: QuerySet[Case], kinds: dict[str, KindValue]) -> list[tuple[Any, ...]]:
    """Per (holder, team): cases, Σ points in hundredths, Σ fingerprint terms, cases of no known kind and
    cases in a sibling group. Only sums and counts, so that PostgreSQL can add up in its parallel workers
    (it cannot split text aggregates)."""
    inner = held.order_by().values_list("id", "practitioner_id", "team_id", "kind", "sibling_group")
    inner_sql, inner_params = inner.query.get_compiler(inner.db).as_sql()
    connection = connections[inner.db]
    q = connection.ops.quote_name
    holder, team, case_id, group, kind = (
        f"c.{q(n)}" for n in ("practitioner_id", "team_id", "id", "sibling_group", "kind")
    )
    points, mark = (f"k.{q(n)}" for n in ("points", "mark"))
    names = f"{q('kind')}, {q('points')}, {q('mark')}"
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # Three array parameters rather than three per kind; hashed for the join (`_hash_join_only`).
        kinds_sql = "SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[])"
        texts, *numbers = zip(*((key, *value[:2]) for key, value in kinds.items()), strict=True)
        kinds_params = [list(texts), *(integer_array(column) for column in numbers)]
    else:
        # SQLite indexes a materialised list on the fly for the join.
        kinds_sql = "VALUES " + ", ".join(["(%s, %s, %s)"] * len(kinds))
        kinds_params = [value for key, found in kinds.items() for value in (key, *found[:2])]
    sql = (
        f"WITH kinds ({names}) AS {'' if postgresql else 'MATERIALIZED '}({kinds_sql}) "  # noqa: S608
        f"SELECT {holder}, {team}, COUNT(*), COALESCE(SUM({points}), 0), "
        f"COALESCE(SUM((({case_id} %% {ID_MODULUS}) + 1) * {mark}), 0), "
        f"SUM(CASE WHEN {points} IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {group} <> '' THEN 1 ELSE 0 END) "
        f"FROM ({inner_sql}) c LEFT JOIN kinds k ON k.{q('kind')} = {kind} "
        f"GROUP BY {holder}, {team}"
    )
    with connection.cursor() as cursor:
        before = _hash_join_only(cursor) if postgresql else None
        try:
            cursor.execute(sql, [*kinds_params, *inner_params])
            return cursor.fetchall()
        finally:
            if before is not None:  # the settings in force before, for the rest of the transaction
                cursor.execute(
                    "SELECT set_config('enable_mergejoin', %s, true), set_config('jit', %s, true)", before
                )


def _hash_join_only(cursor: Any) -> list[str]:
    """PostgreSQL cannot tell how many cases match a kind on a computed key: it guesses millions of rows,
    then sorts a quarter of a million cases to merge them with the kinds and compiles the plan (JIT), which
    takes a second or more, where hashing the few thousand kinds takes a fraction of that. Local to the
    caller's transaction (a recalculation always runs in one); returns the settings before, to restore."""
    cursor.execute("SELECT current_setting('enable_mergejoin'), current_setting('jit')")
    before = list(cursor.fetchone())
    cursor.execute("SELECT set_config('enable_mergejoin', 'off', true), set_config('jit', 'off', true)")
    return before
