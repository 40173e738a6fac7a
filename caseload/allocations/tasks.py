"""Background tasks (django-tasks; run by `manage.py db_worker`). The daily escalation is also the
management command `escalate_waiting_cases`, for cron or a systemd timer."""

from __future__ import annotations

from django_tasks import task

from caseload.allocations.services import escalate_waiting_cases


@task()
def escalate_waiting() -> int:
    """Escalate long-waiting unallocated cases to the area managers; returns how many were escalated."""
    return len(escalate_waiting_cases())
