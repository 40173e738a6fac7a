from django.contrib import admin

from caseload.core.admin_audit import AuditedModelAdmin
from caseload.wellbeing.models import ActionPlan, CaseloadConcern, EscalationStep, ItemQuery, WellbeingAlert


class ActionPlanInline(admin.StackedInline):
    model = ActionPlan
    extra = 0
    readonly_fields = ["actions", "owner", "review_date", "recorded_by", "recorded_on", "recorded_at"]
    can_delete = False


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0
    readonly_fields = ["level", "step_name", "unit", "notified", "on", "at", "reason"]
    can_delete = False


@admin.register(WellbeingAlert)
class WellbeingAlertAdmin(AuditedModelAdmin):
    """Read-only: alerts change only through the well-being pages and the daily check (with audit)."""

    list_display = ["membership", "source", "status", "opened_on", "action_plan_due", "closed_on"]
    list_filter = ["source", "status"]
    inlines = [ActionPlanInline, EscalationStepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CaseloadConcern)
class CaseloadConcernAdmin(AuditedModelAdmin):
    list_display = ["membership", "status", "raised_at", "responded_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ItemQuery)
class ItemQueryAdmin(AuditedModelAdmin):
    list_display = ["membership", "item_kind", "item_reference", "status", "raised_at"]
    list_filter = ["status", "item_kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
