from django.contrib import admin

from caseload.cases.models import Case, CaseAllocation, CaseEvent


class AllocationInline(admin.TabularInline):
    model = CaseAllocation
    extra = 0
    readonly_fields = ["practitioner", "team", "started_at", "ended_at", "allocated_by", "reason", "notes"]
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
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


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
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
