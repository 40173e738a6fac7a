"""Reads for the notification pages."""

from __future__ import annotations

from django.db.models import QuerySet

from caseload.core.models import User
from caseload.notifications.models import Notification, NotificationStatus


def for_user(user: User) -> QuerySet[Notification]:
    """The emails sent (or being sent) to one user, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def delivery_status(*, status: str = "", kind: str = "") -> QuerySet[Notification]:
    """Every notification, newest first, optionally of one status and/or kind (unknown values are ignored)."""
    rows = Notification.objects.select_related("user").order_by("-created_at", "-id")
    if status in NotificationStatus.values:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def kinds() -> list[str]:
    """The kinds of notification there are, for the filter."""
    return sorted(set(Notification.objects.values_list("kind", flat=True).distinct()))


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(NotificationStatus.values, 0)
    for status in Notification.objects.values_list("status", flat=True):
        counts[status] += 1
    return counts
