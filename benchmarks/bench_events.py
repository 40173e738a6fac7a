"""Benchmark: time from recording a case event to the affected workloads being stored and committed.

Against the demo organisation (about 5,000 cases). On SQLite:

    CASELOAD_VAR_DIR=/tmp/bench uv run python manage.py migrate
    CASELOAD_VAR_DIR=/tmp/bench uv run python manage.py load_demo_data
    CASELOAD_VAR_DIR=/tmp/bench uv run python benchmarks/bench_events.py

On PostgreSQL, the same with DATABASE_URL=postgres://…/caseload_bench (a throwaway database). The script
first runs the daily run (not timed) so that every membership has stored figures, then records --events
events on randomly chosen held cases through `record_case_event` — level changes, completed reports and
support contacts in turn — and times each call: it returns after the transaction that wrote the event and
the recalculated workloads has committed. It checks every affected workload's revision went up.
It changes the data: use a throwaway database.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseload.config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from caseload.cases.models import Case, EventKind  # noqa: E402
from caseload.cases.services import record_case_event  # noqa: E402
from caseload.organisations.models import Practitioner, TeamMembership  # noqa: E402
from caseload.schemes.selectors import version_for_unit  # noqa: E402
from caseload.schemes.services import domain_scheme  # noqa: E402
from caseload.workloads.models import Workload  # noqa: E402
from caseload.workloads.services import run_daily  # noqa: E402

SEED = 20261123


def plan(case: Case, turn: int, rng: random.Random) -> dict | None:
    """The event to record on a case: a level change, a report or a support contact, in turn."""
    version = version_for_unit(case.team, timezone.localdate())
    if version is None:
        return None
    scheme = domain_scheme(version)
    if turn % 3 == 1 and scheme.report_types_by_code:
        return {"kind": EventKind.REPORT_COMPLETED, "report_type": "court_standard"}
    if turn % 3 == 2 and scheme.contact_types_by_code:
        helpers = list(
            TeamMembership.objects.current()
            .filter(team=case.team)
            .exclude(practitioner_id=case.practitioner_id)
            .values_list("practitioner", flat=True)[:5]
        )
        if helpers:
            return {
                "kind": EventKind.CMS_CONTACT,
                "contact_type": rng.choice(sorted(scheme.contact_types_by_code)),
                "practitioner_id": rng.choice(helpers),
            }
    category = scheme.categories_by_code.get(case.category)
    levels = [code for code in (category.levels_by_code if category else ()) if code != case.level]
    return {"kind": EventKind.LEVEL_CHANGED, "level": rng.choice(levels)} if levels else None


def time_events(count: int, rng: random.Random) -> tuple[list[float], dict[str, int]]:
    """Record `count` events on random held cases through `record_case_event`, timing each call to its
    commit, and check that every workload it says it recalculated has a new revision. Shared with
    benchmarks/bench_recalculation.py."""
    held = list(
        Case.objects.open().filter(practitioner__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    today = timezone.localdate()
    timings: list[float] = []
    kinds: dict[str, int] = {}
    turn = 0
    while len(timings) < count:
        case = Case.objects.select_related("team", "practitioner").get(pk=rng.choice(held))
        event = plan(case, turn, rng)
        turn += 1
        if event is None:
            continue
        kind = event.pop("kind")
        practitioner_id = event.pop("practitioner_id", None)
        practitioner = case.practitioner
        if practitioner_id is not None:
            practitioner = Practitioner.objects.get(pk=practitioner_id)
        involved = Workload.objects.filter(
            membership__practitioner_id__in={case.practitioner_id, practitioner_id} - {None}
        )
        before = dict(involved.values_list("membership_id", "revision"))
        started = time.perf_counter()
        recorded = record_case_event(
            case, kind, actor=None, occurred_on=today, practitioner=practitioner, **event
        )
        timings.append(time.perf_counter() - started)
        after = dict(
            Workload.objects.filter(membership_id__in=recorded.recalculated).values_list(
                "membership_id", "revision"
            )
        )
        assert recorded.recalculated, f"{kind} on {case.reference} recalculated nobody"
        assert all(after[m] == before.get(m, 0) + 1 for m in recorded.recalculated), (kind, case.reference)
        kinds[kind] = kinds.get(kind, 0) + 1
    return timings, kinds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(SEED)

    started = time.perf_counter()
    daily = run_daily()
    print(f"Daily run (not timed): {daily.recalculated} workloads in {time.perf_counter() - started:.1f} s")

    timings, kinds = time_events(args.events, rng)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"{connection.vendor} ({connection.settings_dict['NAME']}), Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"Events: {len(timings)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    print(
        f"Event → stored workload: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms, mean {statistics.fmean(timings) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
