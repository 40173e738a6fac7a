"""Ready-to-show values for the sign-in pages and the audit log."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.paginator import Page
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from caseload.core.models import AuditEntry

NOT_SET = "Not set"


# -- lock-out ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    username: str
    try_again_at: str  # "2:45pm" (with the date when it is not today); empty when the lock has no end
    wait: str  # "15 minutes"; empty when the lock has no end
    contact: str
    email: str


def _clock(moment: dt.datetime) -> str:
    """A time of day in GOV.UK style: 9am, 2:45pm, midday."""
    local = timezone.localtime(moment)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def _duration(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def present_lockout(
    *, username: str, attempted_at: dt.datetime, cool_off: dt.timedelta | None, contact: str, email: str
) -> Lockout:
    """When a locked-out person may try again: the cool-off runs from their latest attempt. Rounded up to
    the next minute, so that "after 2:45pm" is never early."""
    if cool_off is None:
        return Lockout(username=username, try_again_at="", wait="", contact=contact, email=email)
    until = attempted_at + cool_off
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    when = _clock(until)
    if timezone.localdate(until) != timezone.localdate(attempted_at):
        when = f"{when} on {date_format(timezone.localtime(until), 'j F Y')}"
    return Lockout(
        username=username, try_again_at=when, wait=_duration(cool_off), contact=contact, email=email
    )


# -- audit log ---------------------------------------------------------------------------------------------


def object_type_label(object_type: str) -> str:
    """'organisations.orgunit' → 'Organisation unit'; unknown types are shown as stored."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i:s")


def _actor(entry: AuditEntry) -> str:
    if entry.actor is None:
        return "System"
    full_name = entry.actor.get_full_name()
    return f"{full_name} ({entry.actor.username})" if full_name else entry.actor.username


def format_value(value: Any) -> str:
    """A stored before/after value as text: 'Not set' for missing or null, Yes/No, JSON for structures."""
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if value == "":
        return "(blank)"
    return str(value)


@dataclass(frozen=True)
class AuditRow:
    url: str
    when: str
    actor: str
    action: str
    object_type: str
    object_repr: str
    object_id: str


def present_audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    return [
        AuditRow(
            url=reverse("core:audit-entry", args=[entry.pk]),
            when=_when(entry.at),
            actor=_actor(entry),
            action=entry.get_action_display(),
            object_type=object_type_label(entry.object_type),
            object_repr=entry.object_repr,
            object_id=entry.object_id,
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntryDetail:
    title: str
    summary: list[dict[str, Any]]  # rows for govukSummaryList
    changes: list[Change]
    history_url: str


def present_audit_entry(entry: AuditEntry) -> AuditEntryDetail:
    """Who changed what and when, and each changed field's value before and after."""
    rows = [
        ("When", _when(entry.at)),
        ("Who", _actor(entry)),
        ("What", entry.get_action_display()),
        ("Type of record", object_type_label(entry.object_type)),
        ("Record", f"{entry.object_repr} (id {entry.object_id})"),
    ]
    if entry.note:
        rows.append(("Note", entry.note))
    changes = [
        Change(field=name.replace("_", " ").capitalize(), before=format_value(b), after=format_value(a))
        for name, (b, a) in entry.changed_fields().items()
    ]
    history = (
        reverse("core:audit")
        + "?"
        + urlencode({"object_type": entry.object_type, "object_id": entry.object_id})
    )
    return AuditEntryDetail(
        title=f"{entry.get_action_display()}: {entry.object_repr}",
        summary=[{"key": {"text": k}, "value": {"text": v}} for k, v in rows],
        changes=changes,
        history_url=history,
    )


@dataclass(frozen=True)
class Pagination:
    previous_url: str | None
    next_url: str | None
    description: str  # "Showing 51 to 100 of 230 changes"


def present_pagination(page: Page, path: str, query: dict[str, str]) -> Pagination:
    """Previous/next links that keep the filters in `query` (the page number is replaced)."""

    def link(number: int) -> str:
        return f"{path}?{urlencode({**query, 'page': number})}"

    count = page.paginator.count
    description = (
        f"Showing {page.start_index():,} to {page.end_index():,} of {count:,} changes" if count else ""
    )
    return Pagination(
        previous_url=link(page.previous_page_number()) if page.has_previous() else None,
        next_url=link(page.next_page_number()) if page.has_next() else None,
        description=description,
    )
