from django.contrib import admin

from caseload.core.admin_audit import AuditedModelAdmin
from caseload.workloads.models import UnitSnapshot, Workload, WorkloadSnapshot

FIGURES = ["total_points", "available_points", "workload_percent", "rag", "case_count"]


@admin.register(Workload)
class WorkloadAdmin(AuditedModelAdmin):
    """Read-only: figures are written by the recalculation service only."""

    list_display = ["membership", *FIGURES, "calculated_for", "revision", "reason"]
    list_filter = ["rag", "scheme_version"]
    search_fields = ["membership__practitioner__staff_code", "membership__practitioner__last_name"]
    list_select_related = ["membership__practitioner", "membership__team"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkloadSnapshot)
class WorkloadSnapshotAdmin(AuditedModelAdmin):
    list_display = ["membership", "on", *FIGURES, "scheme_version"]
    list_filter = ["rag"]
    date_hierarchy = "on"
    search_fields = ["membership__practitioner__staff_code", "membership__practitioner__last_name"]
    list_select_related = ["membership__practitioner", "membership__team", "scheme_version__scheme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitSnapshot)
class UnitSnapshotAdmin(AuditedModelAdmin):
    list_display = ["unit", "on", *FIGURES, "headcount", "fte", "over_red"]
    list_filter = ["rag"]
    date_hierarchy = "on"
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
