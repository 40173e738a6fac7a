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
whose digest is unchanged needs nothing more, and the others are scored case by case and stored with their
full breakdown. A case the scheme cannot score (a category, level or status it does not know) earns
nothing, with the warning worded as when scoring case by case. Memberships this cannot count exactly are
left to be scored case by case: those holding a case in a sibling group when the scheme shares sibling
points (the share depends on the group's other cases) or a case of a kind that appeared between the two
queries; and everyone measured under a scheme version with more than `MAX_KINDS` kinds of held case.

The kinds scored are kept for the life of the process (`_KNOWN`): the next full recalculation, on any day,
skips step 1 and reads the kinds again only when a case of an unknown kind shows up in step 3.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Case as SqlCase
from django.db.models import Func, IntegerField, Min, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce

from caseload.cases.models import Case, CaseStatus
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
from caseload.workloads.selectors import versions_by_team

#: Beyond this many kinds of held case under one scheme version, its memberships are scored case by case
#: (on SQLite the kinds travel in the query as a VALUES list of four parameters each).
MAX_KINDS = 3000
REPRESENTATIVES_BATCH = 500  # case ids per query when reading one case of each kind

# A case's part of the fingerprint: ((id mod 2^20) + 1) × the mark of its line, a number below 2^20. Each
# term is below 2^40, so a sum over millions of cases stays far inside SQL's 64-bit integers.
ID_MODULUS = 1 << 20
MARK_MODULUS = (1 << 20) - 1
SEPARATOR = "\x1f"  # between the parts of a kind's text
UNIT_SEPARATOR, RECORD_SEPARATOR = "\x1d", "\x1e"  # a warned case's reference and kind; between cases


class KindText(Func):
    """Texts joined with `||`, none of them null (Django's `Concat` guards each part against nulls, which
    costs as much again over a quarter of a million rows)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()


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


def fingerprint_of_items(items: Iterable[BreakdownItem], case_ids: dict[str, int]) -> CaseFingerprint:
    """The fingerprint of a result scored case by case, from its case lines and the cases' ids."""
    count = hundredths = checksum = 0
    for item in items:
        if item.kind != KIND_CASE:
            continue
        count += 1
        hundredths += int(item.points * 100)
        checksum += (case_ids[item.reference] % ID_MODULUS + 1) * line_mark(item.points, item.rule)
    return CaseFingerprint(count, hundredths, checksum)


def score_totalled(
    rows: Sequence[MembershipRow], on: dt.date, everyone: Sequence[MembershipRow] | None = None
) -> BulkScores:
    """Score these memberships on `on` with their cases added up by the database, each under its team's
    scheme version; memberships whose team has no scheme in force are in neither list. `everyone`: every
    current membership, when the caller has read them (work on a case counts in the membership of the
    case's team: `MembershipIndex`)."""
    versions = versions_by_team({row.team_id: row.team_path for row in rows}, on)
    groups: dict[int, tuple[SchemeVersion, list[MembershipRow]]] = {}
    for row in rows:
        version = versions[row.team_id]
        if version is not None:
            groups.setdefault(version.pk, (version, []))[1].append(row)
    case_by_case: list[int] = []
    schemes: dict[int, Scheme] = {}
    countable: list[MembershipRow] = []
    totals: dict[int, CaseTotal] = {}
    fingerprints: dict[int, CaseFingerprint] = {}
    for version, group in groups.values():
        scheme = schemes[version.pk] = domain_scheme(version)
        found, warnings, unsure = _case_fingerprints(scheme, group, on)
        fingerprints |= found
        countable += [row for row in group if row.pk not in unsure]
        case_by_case += sorted(unsure)
        totals |= {
            pk: CaseTotal(f.count, Decimal(f.hundredths).scaleb(-2), warnings.get(pk, ()))
            for pk, f in found.items()
        }
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
    scheme: Scheme, group: list[MembershipRow], on: dt.date
) -> tuple[dict[int, CaseFingerprint], dict[int, tuple[str, ...]], set[int]]:
    """Each membership's held cases added up (by membership id; none held: absent), the warnings of its
    cases that earn nothing because the scheme does not know their category, level or status, and the
    memberships to score case by case instead."""
    pair_to_membership = {(row.practitioner_id, row.team_id): row.pk for row in group}
    bounds = _spread_bounds(scheme, on)
    held = _held_cases(bounds, {row.team_id for row in group})
    known = _known_kinds(scheme, bounds, on)
    rows = _sums(held, known) if known else []
    if not known or any(row[5] for row in rows):  # a kind not seen yet: read them all
        found = _kinds(scheme, held, on)
        if found is None:
            return {}, {}, {row.pk for row in group}
        known = _remember(scheme, bounds, on, found)
        rows = _sums(held, known) if known else []
    share_siblings = scheme.sibling_group is not None
    fingerprints: dict[int, CaseFingerprint] = {}
    warnings: dict[int, tuple[str, ...]] = {}
    unsure: set[int] = set()
    for holder, team, count, hundredths, checksum, unknown, siblings, warned in rows:
        membership_id = pair_to_membership.get((holder, team))
        if membership_id is None:
            continue
        if unknown or (share_siblings and siblings):
            unsure.add(membership_id)
            continue
        fingerprints[membership_id] = CaseFingerprint(count, int(hundredths), int(checksum))
        if warned:
            warnings[membership_id] = _case_warnings(warned, known)
    return fingerprints, warnings, unsure


def _case_warnings(warned: str, kinds: dict[str, KindValue]) -> tuple[str, ...]:
    """The engine's warning for each case of a kind that warns, by case reference, as `Scorer` words them
    when scoring case by case; from the (reference, kind) texts the sums query joins together."""
    cases = sorted(tuple(pair.split(UNIT_SEPARATOR, 1)) for pair in warned.split(RECORD_SEPARATOR))
    return tuple(f"case {reference}: {kinds[kind][3]}" for reference, kind in cases)


Bound = tuple[str, dt.date, dt.date]  # a case date and the (low, high] range it must be in
KindValue = tuple[int, int, int, str]  # points in hundredths, line mark, warns (0 or 1), the warning


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
_KNOWN: dict[tuple[int, tuple[tuple[str, int, int], ...]], tuple[Scheme, dict[str, KindValue]]] = {}
_KNOWN_SCHEMES = 16


def _known_kinds(scheme: Scheme, bounds: list[Bound], on: dt.date) -> dict[str, KindValue]:
    """The kinds already scored under this scheme and shape of date ranges (never changed in place)."""
    entry = _KNOWN.get(_known_key(scheme, bounds, on))
    return entry[1] if entry is not None and entry[0] is scheme else {}


def _remember(
    scheme: Scheme, bounds: list[Bound], on: dt.date, found: dict[str, KindValue]
) -> dict[str, KindValue]:
    """Add kinds just scored to those known, as a new mapping (another thread may be reading the old)."""
    known = _known_kinds(scheme, bounds, on)
    merged = {**known, **found} if len(known) + len(found) <= MAX_KINDS else dict(found)
    if len(_KNOWN) >= _KNOWN_SCHEMES:
        try:  # the oldest entry (another thread may change the mapping meanwhile: then forget them all)
            _KNOWN.pop(next(iter(_KNOWN)), None)
        except (RuntimeError, StopIteration):
            _KNOWN.clear()
    _KNOWN[_known_key(scheme, bounds, on)] = (scheme, merged)
    return merged


def _known_key(
    scheme: Scheme, bounds: list[Bound], on: dt.date
) -> tuple[int, tuple[tuple[str, int, int], ...]]:
    return id(scheme), tuple(
        (attribute, (low - on).days, (high - on).days) for attribute, low, high in bounds
    )


def forget_kinds() -> None:
    """Forget every kind scored so far (benchmarks time the first full recalculation of a process)."""
    _KNOWN.clear()


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
    # beside a value of the VALUES list would not be: their type affinities differ).
    return Case.objects.filter(
        status=CaseStatus.ACTIVE, practitioner_id__isnull=False, team_id__in=sorted(team_ids)
    ).annotate(
        kind=KindText(
            "category",
            Value(SEPARATOR),
            "level",
            Value(SEPARATOR),
            Coalesce(Cast("flags", TextField()), Value(""), output_field=TextField()),
            Value(SEPARATOR),
            Cast(bits, TextField()),
        )
    )


def _kinds(scheme: Scheme, held: QuerySet[Case], on: dt.date) -> dict[str, KindValue] | None:
    """Every kind of held case (its text: category, level, flags and spread bits) with its points in
    hundredths, its line's mark and its warning, if any; None when there are more than MAX_KINDS."""
    found = list(held.order_by().values_list("kind").annotate(representative=Min("pk")))
    if len(found) > MAX_KINDS:
        return None
    representatives: dict[int, Any] = {}
    ids = [row[1] for row in found]
    for start in range(0, len(ids), REPRESENTATIVES_BATCH):
        batch = ids[start : start + REPRESENTATIVES_BATCH]
        for *values, pk in Case.objects.filter(pk__in=batch).values_list(*CASE_INPUT_FIELDS, "pk"):
            representatives[pk] = values
    rules = CaseRules(scheme, on)
    kinds: dict[str, KindValue] = {}
    for kind, pk in found:
        rule = rules.rule_for(case_values_input(*representatives[pk]))
        warning = rule.warning or ""
        kinds[kind] = (int(rule.points * 100), line_mark(rule.points, rule.rule), int(bool(warning)), warning)
    return kinds


def _sums(held: QuerySet[Case], kinds: dict[str, KindValue]) -> list[tuple[Any, ...]]:
    """Per (holder, team): cases, Σ points in hundredths, Σ fingerprint terms, cases of no known kind,
    cases in a sibling group, and the cases of a kind that warns (see `_case_warnings`; None if none)."""
    inner = held.order_by().values_list(
        "id", "practitioner_id", "team_id", "kind", "sibling_group", "reference"
    )
    inner_sql, inner_params = inner.query.get_compiler(inner.db).as_sql()
    connection = connections[inner.db]
    q = connection.ops.quote_name
    holder, team, case_id, group, reference, kind = (
        f"c.{q(n)}" for n in ("practitioner_id", "team_id", "id", "sibling_group", "reference", "kind")
    )
    points, mark, warned = (f"k.{q(n)}" for n in ("points", "mark", "warned"))
    names = f"{q('kind')}, {q('points')}, {q('mark')}, {q('warned')}"
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # Four array parameters rather than four per kind; hashed for the join (`_hash_join_only`).
        kinds_sql = "SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::int[])"
        # The numbers as array texts: the driver would dump them one by one.
        texts, *numbers = zip(*((key, *value[:3]) for key, value in kinds.items()), strict=True)
        kinds_params = [list(texts), *("{" + ",".join(map(str, column)) + "}" for column in numbers)]
        join, char = "string_agg", "chr"
    else:
        # SQLite indexes a materialised list on the fly for the join.
        kinds_sql = "VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(kinds))
        kinds_params = [value for key, found in kinds.items() for value in (key, *found[:3])]
        join, char = "group_concat", "char"
    # The (reference, kind) of each case of a kind that warns, for its warning's words (rare: nulls else).
    warned_cases = (
        f"{join}(CASE WHEN {warned} = 1 THEN {reference} || {char}({ord(UNIT_SEPARATOR)}) || {kind} END, "
        f"{char}({ord(RECORD_SEPARATOR)}))"
    )
    sql = (
        f"WITH kinds ({names}) AS {'' if postgresql else 'MATERIALIZED '}({kinds_sql}) "  # noqa: S608
        f"SELECT {holder}, {team}, COUNT(*), COALESCE(SUM({points}), 0), "
        f"COALESCE(SUM((({case_id} %% {ID_MODULUS}) + 1) * {mark}), 0), "
        f"SUM(CASE WHEN {points} IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {group} <> '' THEN 1 ELSE 0 END), {warned_cases} "
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
