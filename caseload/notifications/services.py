"""Sending emails to users. `notify()` is the one way in: it renders the email for each recipient, stores
one `Notification` row per recipient and, once the caller's transaction commits, hands each row to the
`send_notification` task. `deliver()` is what that task (and the `send_notifications` sweep) runs."""

from __future__ import annotations

import datetime as dt
import html
import logging
import smtplib
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import get_template
from django.utils import timezone

from caseload.core.audit import record, snapshot
from caseload.core.models import AuditEntry, User
from caseload.notifications import conf
from caseload.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

# Errors worth trying again: the mail server refused, dropped or timed out (socket errors are OSErrors).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


class NotRetryable(Exception):
    """Only a failed or retrying notification can be retried."""


def notify(
    *,
    to: Sequence[User | str],
    subject: str,
    template: str,
    context: dict[str, Any],
    kind: str,
    related: models.Model | None = None,
    actor: User | None = None,
    cc: Sequence[User | str] = (),
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Email each recipient in `to` (users or bare addresses); returns one row per recipient.

    The body comes from the Jinja2 templates `<template>.txt` and `<template>.html` (the HTML one extends
    `notifications/email/layout.html`), rendered now for each recipient with `context` plus `recipient`
    (the User, or None for a bare address), `site_name` and `site_url`. Sending waits for the current
    transaction to commit. A user without an email address gets a `failed` row, not an exception. With a
    `dedupe_key`, a recipient who already has a notification with that key gets that row back and
    nothing is sent again.
    """
    text_template = get_template(f"{template}.txt")
    html_template = get_template(f"{template}.html")
    cc_addresses = _addresses(cc)
    related_type = ContentType.objects.get_for_model(related) if related is not None else None
    related_id = str(related.pk) if related is not None else ""
    rows: list[Notification] = []
    to_send: list[int] = []
    seen: set[str] = set()
    for recipient in to:
        user, email, key, problem = _recipient(recipient)
        if key in seen:
            continue  # the same person named twice gets one email
        seen.add(key)
        if dedupe_key is not None:
            existing = Notification.objects.filter(dedupe_key=dedupe_key, recipient_key=key).first()
            if existing is not None:
                rows.append(existing)
                continue
        full_context = {
            **context,
            "recipient": user,
            "site_name": settings.SITE_NAME,
            "site_url": conf.site_url(),
        }
        row = Notification(
            user=user,
            email=email,
            recipient_key=key,
            cc=[a for a in cc_addresses if a.lower() != email.lower()],
            subject=subject[:200],
            body_text=html.unescape(text_template.render(full_context)),
            body_html=html_template.render(full_context),
            kind=kind,
            related_type=related_type,
            related_id=related_id,
            actor=actor if actor is not None and actor.pk else None,
            dedupe_key=dedupe_key,
        )
        if problem:
            row.status, row.last_error = NotificationStatus.FAILED, problem
        created, row = _create(row)
        rows.append(row)
        if created and row.status == NotificationStatus.QUEUED:
            to_send.append(row.pk)
    for pk in to_send:
        transaction.on_commit(partial(_enqueue, pk), robust=True)
    return rows


def _recipient(recipient: User | str) -> tuple[User | None, str, str, str]:
    """(user, address, de-duplication key, problem that stops sending or "")."""
    if isinstance(recipient, str):
        email = recipient.strip()
        return None, email, email.lower(), "" if email else "No email address was given."
    email = (recipient.email or "").strip()
    key = email.lower() if email else f"user:{recipient.pk}"
    if not email:
        return recipient, "", key, f"{recipient} has no email address, so nothing was sent."
    if not recipient.is_active:
        return recipient, email, key, f"{recipient}'s account is deactivated, so nothing was sent."
    return recipient, email, key, ""


def _addresses(people: Sequence[User | str]) -> list[str]:
    """The email addresses of `people`, skipping users without one (copies are best effort)."""
    found: list[str] = []
    for person in people:
        email = (person if isinstance(person, str) else person.email or "").strip()
        if email and email.lower() not in {a.lower() for a in found}:
            found.append(email)
    return found


def _create(row: Notification) -> tuple[bool, Notification]:
    """Save a new row; when a concurrent call stored the same key for the recipient first, return that."""
    if row.dedupe_key is None:
        row.save()
        return True, row
    try:
        with transaction.atomic():
            row.save()
        return True, row
    except IntegrityError:
        return False, Notification.objects.get(dedupe_key=row.dedupe_key, recipient_key=row.recipient_key)


def _enqueue(pk: int, run_after: dt.datetime | None = None) -> None:
    """Hand one notification to the task worker (deferred to `run_after` when the backend can)."""
    from caseload.notifications.tasks import send_notification

    task = send_notification
    if run_after is not None:
        if not send_notification.get_backend().supports_defer:
            return  # the `send_notifications` sweep picks it up when it is due
        task = send_notification.using(run_after=run_after)
    task.enqueue(pk)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: the base doubled each time, capped."""
    seconds = conf.retry_backoff_seconds() * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, conf.retry_backoff_max_seconds()))


def _claim(pk: int, now: dt.datetime) -> bool:
    """Mark the row as being sent, unless it is already sent, being sent or not yet due: only one worker
    (task or sweep) sends a given email."""
    due = Q(status=NotificationStatus.QUEUED) | Q(
        Q(status=NotificationStatus.RETRYING),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
    )
    claimed = Notification.objects.filter(due, pk=pk).update(
        status=NotificationStatus.SENDING, last_attempt_at=now
    )
    return claimed == 1


def deliver(pk: int) -> str:
    """Try to send one notification now; returns its status afterwards.

    A mail-server error (refused connection, timeout, 4xx/5xx reply) counts an attempt: the row waits to
    be retried with a growing backoff, until the maximum number of attempts, when it is `failed`.
    """
    now = timezone.now()
    if not _claim(pk, now):
        return Notification.objects.values_list("status", flat=True).get(pk=pk)
    row = Notification.objects.get(pk=pk)
    row.attempts += 1
    try:
        _message(row).send(fail_silently=False)
    except TRANSIENT_ERRORS as error:
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= conf.max_attempts():
            row.status, row.next_attempt_at = NotificationStatus.FAILED, None
            logger.warning("Notification %s failed after %s attempts: %s", pk, row.attempts, error)
        else:
            row.status = NotificationStatus.RETRYING
            row.next_attempt_at = timezone.now() + backoff(row.attempts)
            transaction.on_commit(partial(_enqueue, pk, row.next_attempt_at), robust=True)
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return row.status
    except Exception as error:
        row.status, row.next_attempt_at = NotificationStatus.FAILED, None
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        raise
    row.status, row.sent_at, row.next_attempt_at, row.last_error = NotificationStatus.SENT, now, None, ""
    row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
    return row.status


def _message(row: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        cc=list(row.cc),
        headers={"X-Caseload-Notification": str(row.pk), "X-Caseload-Kind": row.kind},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def due_for_sending(now: dt.datetime | None = None) -> models.QuerySet[Notification]:
    """Rows the sweep should send: retries whose time has come, and queued or sending rows that have
    waited longer than NOTIFICATIONS_STALE_MINUTES (their task was lost, or the worker died mid-send)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=conf.stale_minutes())
    return Notification.objects.filter(
        Q(status=NotificationStatus.RETRYING, next_attempt_at__lte=now)
        | Q(status=NotificationStatus.RETRYING, next_attempt_at__isnull=True)
        | Q(status=NotificationStatus.QUEUED, created_at__lte=stale)
        | Q(status=NotificationStatus.SENDING, last_attempt_at__lte=stale)
    ).order_by("created_at", "pk")


def send_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every notification that is due (see `due_for_sending`); counts by resulting status."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for pk in list(due_for_sending(now).values_list("pk", flat=True)):
        # A sending row left behind by a dead worker goes back to retrying before it is claimed again.
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.RETRYING, next_attempt_at=None
        )
        try:
            status = deliver(pk)
        except Exception:  # recorded on the row by deliver(); carry on with the others
            logger.exception("Notification %s could not be sent", pk)
            status = NotificationStatus.FAILED
        counts[status] = counts.get(status, 0) + 1
    return counts


def retry_now(notification: Notification, *, actor: User | None) -> Notification:
    """An administrator asks for a failed (or waiting) email to be tried again straight away; it gets one
    more attempt (and its backoff retries if that attempt meets a mail-server error again)."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification.pk)
        if not row.can_retry:
            raise NotRetryable(f"This email is {row.get_status_display().lower()}; it cannot be retried.")
        if not row.email:
            raise NotRetryable("This email has no address to send to.")
        before = snapshot(row, ["status", "attempts", "next_attempt_at", "last_error"])
        row.status, row.next_attempt_at = NotificationStatus.RETRYING, None
        row.save(update_fields=["status", "next_attempt_at"])
        record(
            AuditEntry.Action.UPDATE,
            row,
            actor=actor,
            before=before,
            after=snapshot(row, ["status", "attempts", "next_attempt_at", "last_error"]),
            note="Retry requested",
        )
        transaction.on_commit(partial(_enqueue, row.pk), robust=True)
    return row
