from django.contrib import admin

from caseload.organisations.models import (
    Grade,
    OrgUnit,
    OrgUnitParentHistory,
    Practitioner,
    Reduction,
    ReductionReason,
    Responsibility,
    TeamMembership,
)


class ParentHistoryInline(admin.TabularInline):
    model = OrgUnitParentHistory
    fk_name = "unit"
    extra = 0
    readonly_fields = ["parent", "valid_from", "valid_to"]
    can_delete = False


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "service", "parent", "effective_from", "effective_to"]
    list_filter = ["kind", "service"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    inlines = [ParentHistoryInline]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "service",
        "default_weekly_hours",
        "holds_cases",
        "newly_qualified",
        "enabled",
    ]
    list_filter = ["service", "holds_cases", "newly_qualified", "enabled"]
    search_fields = ["code", "name"]


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["staff_code", "last_name", "first_name", "grade", "email", "start_date", "leave_date"]
    list_filter = ["grade__service", "grade"]
    search_fields = ["staff_code", "first_name", "last_name", "email"]
    inlines = [MembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "team", "contracted_hours", "start_date", "end_date"]
    list_filter = ["team__service"]
    search_fields = ["practitioner__staff_code", "practitioner__last_name", "team__name", "team__code"]
    autocomplete_fields = ["practitioner", "team"]


@admin.register(ReductionReason)
class ReductionReasonAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "category",
        "default_percent",
        "max_percent",
        "months_to_expiry",
        "enabled",
    ]
    list_filter = ["category", "enabled"]
    search_fields = ["name", "code"]


@admin.register(Reduction)
class ReductionAdmin(admin.ModelAdmin):
    list_display = [
        "membership",
        "reason",
        "hours",
        "effective_from",
        "effective_to",
        "status_today",
        "is_deleted",
    ]
    list_filter = ["reason__category", "reason", "is_deleted"]
    search_fields = ["membership__practitioner__staff_code", "membership__practitioner__last_name"]
    autocomplete_fields = ["membership"]
    date_hierarchy = "effective_from"

    @admin.display(description="Status today")
    def status_today(self, obj: Reduction) -> str:
        return obj.status.label


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["membership", "code", "quantity", "effective_from", "effective_to"]
    list_filter = ["code"]
    search_fields = ["membership__practitioner__staff_code", "membership__practitioner__last_name", "code"]
    autocomplete_fields = ["membership"]
