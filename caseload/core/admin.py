from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from caseload.core.models import AuditEntry, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "practitioner", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "practitioner__staff_code"]
    autocomplete_fields = ["practitioner"]
    filter_horizontal = ["org_units", "groups", "user_permissions"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Caseload role and scope", {"fields": ("role", "practitioner", "org_units")}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username", "note"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # the audit log is written by services only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
