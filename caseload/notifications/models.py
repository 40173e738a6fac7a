"""Emails sent to users: one row per recipient, with what was sent and how delivery went."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """One email to one recipient. The body is rendered when the notification is made, so the row shows
    exactly what was (or will be) sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        help_text="The recipient, when they are a user (blank for a bare email address).",
    )
    email = models.EmailField(
        blank=True, help_text="The address it is sent to; blank when the user has none."
    )
    recipient_key = models.CharField(
        max_length=260,
        editable=False,
        help_text="Who it is for, for de-duplication: the lower-cased address, or user:<id> without one.",
    )
    cc = models.JSONField(default=list, blank=True, help_text="Addresses copied in.")
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    kind = models.CharField(max_length=60, db_index=True, help_text="What it is about, e.g. allocation.new")
    related_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose action caused it.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When a retrying notification is next due."
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(  # noqa: DJ001 (null: no key, outside the unique constraint)
        max_length=200,
        null=True,
        blank=True,
        help_text="A second notification with the same key for the same recipient is not sent.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notification_dedupe_per_recipient",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.email or self.recipient_key}"

    @property
    def can_retry(self) -> bool:
        return self.status in (NotificationStatus.FAILED, NotificationStatus.RETRYING)
