"""Reads for the audit log. Only administrators reach these (the views check the scope first)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from caseload.core.models import AuditEntry


def audit_entries(
    *,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by whichever filters are given. Dates are whole days in the
    service's time zone, both ends included; `actor` is a username (any case)."""
    entries = AuditEntry.objects.select_related("actor")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id.strip())
    if actor:
        entries = entries.filter(actor__username__iexact=actor.strip())
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_object_types() -> list[str]:
    """The kinds of record that have entries in the log, for the filter's choices."""
    return sorted(AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct())
