from django.contrib import admin

from caseload.cases.models import Case, CaseAllocation, CaseEvent
from caseload.core.admin_audit import AuditedModelAdmin


class AllocationInline(admin.TabularInline):
    model = CaseAllocation
    extra = 0
    readonly_fields = ["practitioner", "team", "started_at", "ended_at", "allocated_by", "reason", "notes"]
    can_delete = False


@admin.register(Case)
class CaseAdmin(AuditedModelAdmin):
    """Cases come from imports and change through the case page and allocation, which recalculate the
    workloads they count in; here only the display name can be corrected."""

    list_display = [
        "reference",
        "service",
        "category",
        "level",
        "status",
        "team",
        "practitioner",
        "received_date",
    ]
    list_filter = ["service", "status", "category", "level"]
    search_fields = ["reference", "name", "practitioner__staff_code", "team__code"]
    autocomplete_fields = ["organisation", "team", "practitioner"]
    date_hierarchy = "received_date"
    inlines = [AllocationInline]
    list_select_related = ["team", "practitioner"]
    workload_fields = [f.name for f in Case._meta.fields if f.editable and f.name not in {"id", "name"}]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(AuditedModelAdmin):
    """Read-only: events are recorded through the case page, the API and imports, which recalculate."""

    list_display = [
        "case",
        "kind",
        "occurred_on",
        "practitioner",
        "report_type",
        "contact_type",
        "recorded_at",
    ]
    list_filter = ["kind", "report_type"]
    search_fields = ["case__reference", "practitioner__staff_code", "contact_type"]
    autocomplete_fields = ["case", "practitioner"]
    date_hierarchy = "occurred_on"
    list_select_related = ["case", "practitioner"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
