"""Background tasks (django-tasks; run by `manage.py db_worker`). The daily run is also a management
command, `daily_workload`, for cron or a systemd timer (docs/deployment.md)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from caseload.workloads.services import run_daily


@task()
def daily_workload(on: str | None = None) -> dict[str, int | str | bool]:
    """Recalculate every membership, take the day's snapshots when they are due and delete those past
    their retention (`on`: ISO date, default today)."""
    result = run_daily(dt.date.fromisoformat(on) if on else None)
    return {
        "on": result.on.isoformat(),
        "recalculated": result.recalculated,
        "snapshot_day": result.snapshot_day,
        "membership_snapshots": result.membership_snapshots,
        "unit_snapshots": result.unit_snapshots,
        "deleted_membership_snapshots": result.deleted_membership_snapshots,
        "deleted_unit_snapshots": result.deleted_unit_snapshots,
    }
