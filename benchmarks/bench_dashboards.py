"""Benchmark: the workload dashboards at national scale, through Django's test Client.

On the dataset of benchmarks/national.py with its workloads calculated (the daily run), signed in as an
administrator (created if missing; the whole organisation is in scope). SQLite:

    export CASELOAD_VAR_DIR=/tmp/national
    uv run python manage.py migrate && uv run python benchmarks/national.py
    uv run python manage.py daily_workload
    uv run python benchmarks/bench_dashboards.py

or `make bench-dashboards`, which does all of that in var/bench-dashboards (minutes). With
DATABASE_URL=postgres://… the same on PostgreSQL.

Timed, wall clock (`time.perf_counter()`) around `client.get(url)` — the whole request through the
middleware, the view, the selectors, the engine's sums and the Jinja rendering — for each page:

* organisation: `dashboards:unit` for the organisation root (12,103 workloads below it, 12 regions in the
  units table, the first 50 practitioners of 12,103 sorted by name);
* region: `dashboards:unit` for the first region (110 delivery units in the table);
* team: `dashboards:unit` for a team (its practitioners, no child units);
* team, sorted: the same team sorted by workload, descending;
* home: `dashboards:home` (the organisation's headline figures).

Each page is requested --warmup times untimed, then --requests times timed; p50 and p95 are the median and
the 95th percentile (nearest rank) of the timed requests. The number of SQL queries of one request is
printed too. `--profile` prints a cProfile of 5 requests of the organisation page instead.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseload.config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from caseload.core.models import Role, User  # noqa: E402
from caseload.organisations.models import OrgUnit, OrgUnitKind  # noqa: E402
from caseload.workloads.models import Workload  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def admin_client() -> Client:
    user = User.objects.filter(role=Role.ADMINISTRATOR).first()
    if user is None:
        user = User.objects.create_user("bench-admin", role=Role.ADMINISTRATOR)
    client = Client()
    client.force_login(user)
    return client


def pages() -> list[tuple[str, str]]:
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise SystemExit("No organisation: run benchmarks/national.py first.")
    region = OrgUnit.objects.filter(parent=root).order_by("pk").first()
    team = (
        OrgUnit.objects.filter(kind=OrgUnitKind.TEAM, memberships__workload__isnull=False)
        .order_by("pk")
        .first()
    )
    if region is None or team is None:
        raise SystemExit("No measured teams: run `manage.py daily_workload` first.")
    team_url = reverse("dashboards:unit", args=[team.pk])
    return [
        (f"organisation ({root.code})", reverse("dashboards:unit", args=[root.pk])),
        (f"region ({region.code})", reverse("dashboards:unit", args=[region.pk])),
        (f"team ({team.code})", team_url),
        (f"team ({team.code}), sorted by workload", team_url + "?sort=-workload"),
        ("home", reverse("dashboards:home")),
    ]


def time_page(client: Client, url: str, warmup: int, requests: int) -> tuple[list[float], int]:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile 5 organisation-page requests, then stop"
    )
    args = parser.parse_args()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = admin_client()
    targets = pages()
    print(
        f"{connection.vendor} ({connection.settings_dict['NAME']}), Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, DEBUG={settings.DEBUG}; {Workload.objects.count():,} stored workloads, "
        f"{OrgUnit.objects.count():,} org units"
    )
    if args.profile:
        url = targets[0][1]
        client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    print(f"{'page':<44} {'p50':>9} {'p95':>9} {'max':>9} {'mean':>9} {'queries':>8}")
    for name, url in targets:
        timings, queries = time_page(client, url, args.warmup, args.requests)
        print(
            f"{name:<44} {statistics.median(timings):>7.1f}ms {percentile(timings, 95):>7.1f}ms "
            f"{max(timings):>7.1f}ms {statistics.fmean(timings):>7.1f}ms {queries:>8}"
        )


if __name__ == "__main__":
    main()
