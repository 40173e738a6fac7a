"""Benchmark: importing a national-scale WMT extract workbook (benchmarks/extract_national.py) into an
empty, migrated database. Use a throwaway one (`make bench-extract` does):

    export CASELOAD_VAR_DIR=/tmp/extract
    uv run python manage.py migrate && uv run python benchmarks/bench_extract.py

Timed, wall clock: writing the workbook (not part of the import); the check (read, translate, plan: the dry
run); the apply (plan again, write everything in one transaction, then recalculate the touched workloads
under probation-wmt-legacy); importing the same workbook again (nothing to change). Memory: the process's
peak resident set size after each phase (`ru_maxrss`, it only grows) and, with --tracemalloc, the peak of
Python allocations during the check (tracemalloc slows it several times, so its time is not comparable).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseload.config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from extract_national import SEED, write_extract  # noqa: E402

from caseload.cases.models import Case, CaseEvent  # noqa: E402
from caseload.imports import services  # noqa: E402
from caseload.organisations.models import OrgUnitKind, TeamMembership  # noqa: E402
from caseload.organisations.services import create_org_unit  # noqa: E402
from caseload.schemes.models import Scheme, SchemeAssignment  # noqa: E402
from caseload.schemes.services import install_presets  # noqa: E402
from caseload.workloads.models import Workload  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(label: str, seconds: float, extra: str = "") -> None:
    print(f"{label:38s} {seconds:8.1f} s  peak RSS {peak_mb():,.0f} MB  {extra}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations in the check")
    args = parser.parse_args()
    today = timezone.localdate()
    print(f"{connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs, on {today}")
    if Case.objects.exists():
        sys.exit("Use an empty, migrated database: this benchmark imports into it.")
    install_presets()
    org = create_org_unit(
        actor=None, code="NAT", name="National (extract benchmark)", kind=OrgUnitKind.ORGANISATION,
        service="", parent=None, effective_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    SchemeAssignment.objects.create(
        org_unit=org,
        scheme=Scheme.objects.get(code="probation-wmt-legacy"),
        effective_from=dt.date(2024, 4, 1),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WMT_PS.xlsx"
        started = time.perf_counter()
        rows = write_extract(path, args.seed, today)
        say(
            "write workbook (not the import)",
            time.perf_counter() - started,
            f"{path.stat().st_size / 2**20:.1f} MB",
        )
        print(f"  rows: {rows}")
        content = path.read_bytes()

    run = services.create_run(file_name="WMT_PS.xlsx", content=content, dry_run=True, organisation=org)
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    run = services.check_run(run)
    elapsed = time.perf_counter() - started
    traced = f"traced peak {tracemalloc.get_traced_memory()[1] / 2**20:,.0f} MB" if args.tracemalloc else ""
    tracemalloc.stop()
    say("check (dry run)", elapsed, f"{run.status}; {traced}")
    if run.status != "validated":
        sys.exit(f"The extract was not accepted: {run.error_message} {run.errors[:5]}")
    print(
        f"  warnings: {len(run.warnings)}; plan: { {k: v for k, v in run.counts.items() if k != 'summary'} }"
    )

    services.request_apply(run, None)
    run.refresh_from_db()
    started = time.perf_counter()
    run = services.check_run(run)  # checks again, then applies in one transaction and recalculates
    say("check + apply + recalculate", time.perf_counter() - started, str(run.status))
    print(
        f"  {Case.objects.open().count():,} open cases, {CaseEvent.objects.count():,} events, "
        f"{TeamMembership.objects.count():,} memberships, {Workload.objects.count():,} workloads stored"
    )

    again = services.create_run(file_name="WMT_PS.xlsx", content=content, dry_run=False, organisation=org)
    started = time.perf_counter()
    again = services.check_run(again)
    elapsed = time.perf_counter() - started
    # Per-kind counts are mappings; other entries (a summary, or a note that the file was seen before) are
    # printed as they are.
    changed = sum(
        v.get("added", 0) + v.get("changed", 0) for v in again.counts.values() if isinstance(v, dict)
    )
    notes = {k: v for k, v in again.counts.items() if not isinstance(v, dict)}
    say("the same workbook again", elapsed, f"{again.status}; {changed} added or changed {notes or ''}")


if __name__ == "__main__":
    main()
