"""Ready-to-show values for the notification pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from caseload.notifications.models import Notification, NotificationStatus

TAG_COLOURS = {
    NotificationStatus.QUEUED: "grey",
    NotificationStatus.SENDING: "blue",
    NotificationStatus.SENT: "green",
    NotificationStatus.RETRYING: "yellow",
    NotificationStatus.FAILED: "red",
}


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "j M Y H:i") if value else "–"


@dataclass(frozen=True)
class NotificationRow:
    pk: int
    subject: str
    recipient: str
    kind: str
    status: str
    colour: str
    created_at: str
    sent_at: str
    attempts: str
    problem: str
    next_attempt: str
    can_retry: bool
    retry_url: str


def present_rows(rows: list[Notification]) -> list[NotificationRow]:
    return [
        NotificationRow(
            pk=n.pk,
            subject=n.subject,
            recipient=n.email or str(n.user or "–"),
            kind=n.kind,
            status=n.get_status_display(),
            colour=TAG_COLOURS[NotificationStatus(n.status)],
            created_at=_when(n.created_at),
            sent_at=_when(n.sent_at),
            attempts=str(n.attempts),
            problem=n.last_error,
            next_attempt=_when(n.next_attempt_at) if n.status == NotificationStatus.RETRYING else "",
            can_retry=n.can_retry and bool(n.email),
            retry_url=reverse("notifications:retry", args=[n.pk]),
        )
        for n in rows
    ]


@dataclass(frozen=True)
class StatusFilter:
    value: str
    label: str
    count: int
    selected: bool


def present_filters(counts: dict[str, int], selected: str) -> list[StatusFilter]:
    return [
        StatusFilter(value=s.value, label=s.label, count=counts.get(s.value, 0), selected=s.value == selected)
        for s in NotificationStatus
    ]
