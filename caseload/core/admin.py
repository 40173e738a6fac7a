from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from caseload.core import audit
from caseload.core.admin_audit import NOTE, AuditedAdminMixin, AuditedModelAdmin
from caseload.core.models import AuditEntry, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    """Role, practitioner record and org units are edited here; staff and superuser status follow the role
    (administrators only), so they are shown, not edited."""

    list_display = ["username", "first_name", "last_name", "email", "role", "practitioner", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "practitioner__staff_code"]
    autocomplete_fields = ["practitioner"]
    filter_horizontal = ["org_units", "groups", "user_permissions"]
    readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Caseload role and scope", {"fields": ("role", "practitioner", "org_units")}),
    )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """A password set here is recorded (that it changed, never the password)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None:
                audit.record(
                    AuditEntry.Action.UPDATE,
                    user,
                    actor=request.user,  # type: ignore[arg-type]
                    before={"password": "(not shown)"},
                    after={"password": "(changed, not shown)"},
                    note=NOTE,
                )
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username", "note"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:  # the audit log is written by services only
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _audit_other_apps_admins() -> None:
    """Django's, django-axes' and the task queue's own admin pages (groups, sign-in attempts, task results)
    record their changes too. Their apps come before Caseload's in INSTALLED_APPS, so they are registered
    by now."""
    for model, model_admin in list(admin.site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        base = type(model_admin)
        admin.site.unregister(model)
        admin.site.register(model, type(f"Audited{base.__name__}", (AuditedAdminMixin, base), {}))


_audit_other_apps_admins()
