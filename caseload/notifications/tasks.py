"""Background work for notifications (django-tasks; `manage.py db_worker` in production). Tests use the
immediate backend, which runs the task inline when the transaction commits."""

from __future__ import annotations

from django_tasks import task

from caseload.notifications import services


@task()
def send_notification(notification_id: int) -> str:
    """Send one stored notification (or schedule its retry); returns its status afterwards."""
    return services.deliver(notification_id)
