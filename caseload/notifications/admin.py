from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from caseload.core.admin_audit import AuditedModelAdmin
from caseload.notifications import services
from caseload.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(AuditedModelAdmin):
    """Emails sent to users: read-only; they are made by notify() and sent by the worker."""

    list_display = ["id", "subject", "email", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["subject", "email", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [
        "user", "email", "recipient_key", "cc", "subject", "body_text", "body_html", "kind", "related_type",
        "related_id", "actor", "created_at", "status", "attempts", "last_attempt_at", "next_attempt_at",
        "last_error", "sent_at", "dedupe_key",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed emails now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        done = 0
        for notification in queryset:
            try:
                services.retry_now(notification, actor=request.user)  # type: ignore[arg-type]
                done += 1
            except services.NotRetryable as error:
                self.message_user(request, f"{notification}: {error}", messages.WARNING)
        self.message_user(request, f"{done} email(s) are being sent again.", messages.SUCCESS)
