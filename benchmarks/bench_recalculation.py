"""Benchmark: full recalculation from the database, and one event to updated workload, at national scale.

On the dataset of benchmarks/national.py (250,000 open cases, 12,000 practitioners, 1,500 teams). SQLite:

    export CASELOAD_VAR_DIR=/tmp/national
    uv run python manage.py migrate && uv run python benchmarks/national.py
    uv run python benchmarks/bench_recalculation.py

PostgreSQL (a throwaway database, created and dropped by hand):

    createdb -h 127.0.0.1 -U postgres caseload_national
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseload_national
    uv run python manage.py migrate && uv run python benchmarks/national.py
    uv run python benchmarks/bench_recalculation.py
    dropdb -h 127.0.0.1 -U postgres caseload_national

Timed, wall clock (`time.perf_counter()`), best and median of --repeats runs (what a phase does first to
set the scene, such as forgetting the kinds, is not timed):

* read: the rows a full recalculation needs (current memberships with grade and team path, their
  reductions and responsibilities, held open cases ordered by reference with their flags as JSON text, as
  the recalculation reads them, report and support-contact events in the schemes' windows, scheme
  assignments) as plain value tuples, with no model instances and no scoring;
* score: `score_memberships(current_memberships(on), on)`, every current membership scored from the
  database case by case, with its full breakdown (nothing stored);
* score with cases added up: `score_totalled(...)`, every current membership scored with its held cases'
  points added up by the database (caseload.workloads.bulk), figures and case fingerprints only (nothing
  stored but the kinds of case, forgotten before each run): what a full recalculation does before it
  stores;
* recalculate: `recalculate(every current membership)`, the workloads service in one transaction (lock,
  score, store); the first run creates every row with its figures and breakdown but the case lines (which
  are scored when a breakdown is shown, ADR 9), later runs find most rows unchanged and only record the run
  on them. "first": the kinds of
  case scored by earlier runs are forgotten first, by the process and in the database, as in the very
  first full recalculation of a database; "new code": the kinds kept are filed under another scoring code,
  as after an upgrade (or under a new scheme definition), so they are not used but the cases that stood for
  them are read and scored again; "new process": only the process forgets them and reads them from the
  database, as in the first full recalculation of a process started later; the plain runs know them (a
  long-running worker's daily run, an import); "every row changed": the stored digests are cleared first,
  so every row is added up, found changed and rewritten, as when everyone's figures change at once (a new
  scheme version published for everyone, or a change of rules);
* alternating (--rounds): each round reads the rows, then runs each kind of full recalculation above once,
  and divides each by that round's read, so that a machine whose speed drifts between phases does not
  skew the ratios;
* daily run: `run_daily()` once (a transaction per 100 teams, then the day's snapshots);
* shown: `with_case_lines` on --shown random rows stored without their case lines, each timed (p50, p95):
  what opening one practitioner's breakdown costs after a full recalculation rewrote it;
* events: --events events on random held cases through `record_case_event` (level changes, completed reports
  and support contacts in turn, as benchmarks/bench_events.py), each call timed to its commit.

Peak memory is the process's peak resident set size (`ru_maxrss`) after each phase. It changes the data
(stored workloads, snapshots, events): use a throwaway database.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import json
import os
import platform
import pstats
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseload.config.settings.local")

import django

django.setup()

from bench_events import time_events  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import TextField  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402
from django.utils import timezone  # noqa: E402

from caseload.cases.models import Case, CaseEvent, CaseStatus, EventKind  # noqa: E402
from caseload.domain.results_json import result_as_dict  # noqa: E402
from caseload.organisations.models import Reduction, Responsibility, TeamMembership  # noqa: E402
from caseload.schemes.models import SchemeAssignment, SchemeVersion  # noqa: E402
from caseload.schemes.services import domain_scheme  # noqa: E402
from caseload.workloads.bulk import forget_kinds, score_totalled  # noqa: E402
from caseload.workloads.inputs import current_memberships, membership_rows  # noqa: E402
from caseload.workloads.models import KnownKinds, Workload  # noqa: E402
from caseload.workloads.selectors import MembershipWorkload, score_memberships  # noqa: E402
from caseload.workloads.services import (  # noqa: E402
    CASE_LINES_ON_DEMAND,
    recalculate,
    run_daily,
    with_case_lines,
)

SEED = 20261123


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def timed(label: str, run: Callable[[], Any], repeats: int, before: Callable[[], Any] | None = None) -> Any:
    """Time `run` `repeats` times; `before`, when given, runs before each, untimed."""
    timings, result = [], None
    for _ in range(repeats):
        result = None  # do not keep one run's results alive while the next is timed
        if before is not None:
            before()
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    best, median = min(timings), sorted(timings)[len(timings) // 2]
    print(
        f"{label:34s} best {best:7.3f} s  median {median:7.3f} s  "
        f"(runs: {' '.join(f'{t:.3f}' for t in timings)})  peak RSS {peak_mb():,.0f} MB",
        flush=True,
    )
    return result


def read_rows(on: dt.date) -> int:
    """Every row a full recalculation reads, as value tuples: the floor under the recalculation's time."""
    current = TeamMembership.objects.current(on)
    windows = [domain_scheme(v) for v in SchemeVersion.objects.filter(pk__in=_versions_in_force(on))]
    report_days = max(s.court_reports.window_days for s in windows)
    cms_days = max(s.cms.window_days for s in windows)
    queries = [
        current.values_list(
            "pk",
            "practitioner_id",
            "team_id",
            "contracted_hours",
            "practitioner__first_name",
            "practitioner__last_name",
            "practitioner__grade__code",
            "team__path",
        ),
        SchemeAssignment.objects.current(on).values_list("org_unit_id", "scheme_id"),
        Reduction.objects.filter(is_deleted=False, membership__in=current).values_list(
            "membership_id", "reason__code", "hours", "effective_from", "effective_to", "is_deleted"
        ),
        Responsibility.objects.active_on(on)
        .filter(membership__in=current)
        .values_list("membership_id", "code", "quantity"),
        # Flags as their JSON text, as the recalculation reads them (parsing is not reading).
        Case.objects.filter(status=CaseStatus.ACTIVE, practitioner__isnull=False)
        .annotate(flags_text=Cast("flags", TextField()))
        .order_by("reference")
        .values_list(
            "practitioner_id",
            "team_id",
            "reference",
            "category",
            "level",
            "flags_text",
            "sibling_group",
            "start_date",
            "expected_end_date",
            "expected_release_date",
        ),
        CaseEvent.objects.filter(
            kind__in=[EventKind.REPORT_COMPLETED, EventKind.REPORT_VOIDED],
            occurred_on__gt=on - dt.timedelta(days=report_days + 1),
            occurred_on__lte=on,
        ).values_list("kind", "practitioner_id", "case__team_id", "report_type", "occurred_on"),
        CaseEvent.objects.filter(
            kind=EventKind.CMS_CONTACT,
            occurred_on__gt=on - dt.timedelta(days=cms_days + 1),
            occurred_on__lte=on,
        ).values_list(
            "contact_type",
            "occurred_on",
            "case__reference",
            "practitioner_id",
            "case__practitioner_id",
            "case__team_id",
        ),
    ]
    return sum(len(list(query)) for query in queries)


def _versions_in_force(on: dt.date) -> list[int]:
    schemes = {a.scheme for a in SchemeAssignment.objects.current(on).select_related("scheme")}
    return [v.pk for s in schemes if (v := s.version_in_force(on)) is not None]


def as_if_kept_by_other_code() -> None:
    """Forget the kinds in the process and file those kept in the database under another scoring code, as
    after an upgrade: they are not used, but their cases stand for their kinds again."""
    forget_kinds()
    for row in KnownKinds.objects.all():
        row.key = hashlib.blake2b(f"previous {row.key}".encode(), digest_size=32).hexdigest()
        row.engine = "previous"
        row.save()


def score_all(on: dt.date) -> list[MembershipWorkload]:
    return score_memberships(current_memberships(on), on)


def digest(scored: list[MembershipWorkload]) -> str:
    """A fingerprint of every result with its full breakdown, to show an optimisation changed nothing."""
    hashed = hashlib.sha256()
    for member in sorted(scored, key=lambda m: m.membership.pk):
        row = [member.membership.pk, member.version.pk, result_as_dict(member.result)]
        hashed.update(json.dumps(row, sort_keys=True, default=str).encode())
    return hashed.hexdigest()[:16]


def alternate(on: dt.date, ids: list[int], rounds: int) -> None:
    """Ratios robust to a machine whose speed drifts: each round reads the rows, then runs each kind of full
    recalculation once, and each run is divided by that round's read; the best and median of the rounds'
    ratios are printed."""
    phases: dict[str, Callable[[], Any]] = {
        "kinds known": lambda: None,
        "new process": forget_kinds,
        "new code": as_if_kept_by_other_code,
        "first": lambda: forget_kinds(stored=True),
        "every row changed": lambda: Workload.objects.update(digest=""),
    }
    ratios: dict[str, list[float]] = {name: [] for name in phases}
    reads: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        read_rows(on)
        reads.append(time.perf_counter() - started)
        for name, prepare in phases.items():
            prepare()
            started = time.perf_counter()
            recalculate(ids, on, "benchmark")
            ratios[name].append((time.perf_counter() - started) / reads[-1])
    print(f"Alternating, {rounds} rounds: reads {' '.join(f'{t:.3f}' for t in reads)} s")
    for name, values in ratios.items():
        print(
            f"  {name:17s} ÷ the round's read: best {min(values):.2f}×  median {statistics.median(values):.2f}×  "
            f"(rounds: {' '.join(f'{r:.2f}' for r in values)})"
        )


def shown(count: int, rng: random.Random) -> None:
    """`with_case_lines` on random rows stored without their case lines, each timed."""
    rows = list(
        Workload.objects.filter(**{f"breakdown__{CASE_LINES_ON_DEMAND}": True}).values_list("pk", flat=True)
    )
    timings: list[float] = []
    lines = 0
    for pk in rng.sample(rows, min(count, len(rows))):
        workload = Workload.objects.select_related("scheme_version__scheme").get(pk=pk)
        started = time.perf_counter()
        full = with_case_lines(workload)
        timings.append(time.perf_counter() - started)
        assert full is not None and full.revision == workload.revision, "a row was out of date when shown"
        lines += sum(1 for item in full.breakdown["items"] if item["kind"] == "case")
    timings.sort()
    print(
        f"Shown with case lines: {len(timings)} of {len(rows):,} rows without them ({lines:,} case lines): "
        f"p50 {statistics.median(timings) * 1000:.1f} ms, p95 {timings[int(0.95 * (len(timings) - 1))] * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms"
    )


def events(count: int, rng: random.Random) -> list[float]:
    """The event phase of benchmarks/bench_events.py on this dataset."""
    timings, kinds = time_events(count, rng)
    print(f"Events: {len(timings)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--shown", type=int, default=200, help="rows shown with their case lines scored")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of read and full recalculations timed in turn (0: none)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one scoring run, then stop")
    parser.add_argument("--no-daily", action="store_true", help="skip the daily run")
    args = parser.parse_args()
    on = timezone.localdate()
    name = connection.settings_dict["NAME"]
    print(
        f"{connection.vendor} ({name}), Python {platform.python_version()}, {os.cpu_count()} CPUs, on {on}, "
        f"DEBUG={settings.DEBUG}; "
        f"{TeamMembership.objects.current(on).count():,} current memberships, "
        f"{Case.objects.open().count():,} open cases, {CaseEvent.objects.count():,} events"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(score_all, on)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return

    rows = timed("read rows (values only)", lambda: read_rows(on), args.repeats)
    print(f"  {rows:,} rows read")
    scored = timed("score every membership (no store)", lambda: score_all(on), args.repeats)
    print(f"  {len(scored):,} workloads scored; results digest {digest(scored)}")
    del scored
    ids = list(TeamMembership.objects.current(on).values_list("pk", flat=True))
    totalled = timed(
        "score with cases added up (no store)",
        lambda: score_totalled(membership_rows(on, ids), on),
        args.repeats,
        before=lambda: forget_kinds(stored=True),
    )
    print(f"  {len(totalled.totalled):,} added up, {len(totalled.case_by_case):,} left to score case by case")
    del totalled
    timed("recalculate() all: create rows", lambda: recalculate(ids, on, "benchmark"), 1)

    def recalculate_all() -> int:
        return recalculate(ids, on, "benchmark")

    timed(
        "recalculate() all: update, first", recalculate_all, args.repeats, lambda: forget_kinds(stored=True)
    )
    timed("recalculate() all: update, new code", recalculate_all, args.repeats, as_if_kept_by_other_code)
    timed("recalculate() all: update, new process", recalculate_all, args.repeats, forget_kinds)
    timed("recalculate() all: update rows", lambda: recalculate(ids, on, "benchmark"), args.repeats)
    timed(
        "recalculate() all: every row changed",
        recalculate_all,
        args.repeats,
        lambda: Workload.objects.update(digest=""),
    )
    if args.rounds:
        alternate(on, ids, args.rounds)
    if not args.no_daily:
        timed("run_daily() incl. snapshots", lambda: run_daily(on), 1)
    if args.shown:
        Workload.objects.update(digest="")
        recalculate(ids, on, "benchmark")  # every row rewritten without its case lines
        shown(args.shown, random.Random(SEED))

    timings = sorted(events(args.events, random.Random(SEED)))
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"Event → stored workload: p50 {statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms, mean {statistics.fmean(timings) * 1000:.1f} ms; "
        f"peak RSS {peak_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
