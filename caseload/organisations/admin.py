"""The organisation tree, practitioners and reference data in the administration site.

Every change is recorded in the audit log (AuditedModelAdmin). Contracted hours, memberships and reductions
are shown here but changed on the practitioner's page in Caseload (or the API for memberships), whose
services recalculate the workload; extra responsibilities are recalculated as soon as they are saved here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from caseload.core.admin_audit import AuditedModelAdmin
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


def _practitioner_page_link(membership: TeamMembership | None, text: str) -> str:
    if membership is None or membership.pk is None:
        return "-"
    url = reverse("organisations:practitioner", args=[membership.pk])
    return format_html('<a href="{}">{}</a>', url, text)


class ReadOnlyAdmin(AuditedModelAdmin):
    """Rows that feed workloads and are written only by the product's services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ParentHistoryInline(admin.TabularInline):
    model = OrgUnitParentHistory
    fk_name = "unit"
    extra = 0
    readonly_fields = ["parent", "valid_from", "valid_to"]
    can_delete = False


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedModelAdmin):
    """A unit's parent is set when it is added; moving a unit rewrites the paths below it, its history and
    the workloads below it, which only the move service does (`manage.py move_org_unit`), so the parent is
    read-only on existing units."""

    list_display = ["name", "code", "kind", "service", "parent", "effective_from", "effective_to"]
    list_filter = ["kind", "service"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    workload_fields = ["parent"]
    inlines = [ParentHistoryInline]


@admin.register(Grade)
class GradeAdmin(AuditedModelAdmin):
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
    """Shown only: hours are changed on the practitioner's page, memberships added and ended by the API."""

    model = TeamMembership
    extra = 0
    fields = ["team", "contracted_hours", "start_date", "end_date", "edit_in_caseload"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Hours and reductions")
    def edit_in_caseload(self, obj: TeamMembership) -> str:
        return _practitioner_page_link(obj, "Change on the practitioner page")


@admin.register(Practitioner)
class PractitionerAdmin(AuditedModelAdmin):
    list_display = ["staff_code", "last_name", "first_name", "grade", "email", "start_date", "leave_date"]
    list_filter = ["grade__service", "grade"]
    search_fields = ["staff_code", "first_name", "last_name", "email"]
    inlines = [MembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(ReadOnlyAdmin):
    """Read-only: contracted hours are changed on the practitioner's page, which recalculates the workload."""

    list_display = ["practitioner", "team", "contracted_hours", "start_date", "end_date"]
    list_filter = ["team__service"]
    search_fields = ["practitioner__staff_code", "practitioner__last_name", "team__name", "team__code"]
    fields = ["practitioner", "team", "contracted_hours", "start_date", "end_date", "edit_in_caseload"]
    readonly_fields = ["edit_in_caseload"]

    @admin.display(description="Change hours and reductions")
    def edit_in_caseload(self, obj: TeamMembership) -> str:
        return _practitioner_page_link(obj, "On the practitioner page in Caseload")


@admin.register(ReductionReason)
class ReductionReasonAdmin(AuditedModelAdmin):
    """Reference data: a change applies to reductions saved afterwards (a team's scheme may override it)."""

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
class ReductionAdmin(ReadOnlyAdmin):
    """Read-only: reductions are added, changed and deleted on the practitioner's page, which applies the
    reason's rules and recalculates the workload."""

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
    date_hierarchy = "effective_from"
    readonly_fields = ["edit_in_caseload"]

    @admin.display(description="Status today")
    def status_today(self, obj: Reduction) -> str:
        return obj.status.label

    @admin.display(description="Change or delete")
    def edit_in_caseload(self, obj: Reduction) -> str:
        return _practitioner_page_link(obj.membership, "On the practitioner page in Caseload")


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedModelAdmin):
    """Extra responsibilities: the membership and code are fixed once added; end one with its end date
    rather than deleting it. Each save recalculates the membership's workload."""

    list_display = ["membership", "code", "quantity", "effective_from", "effective_to"]
    list_filter = ["code"]
    search_fields = ["membership__practitioner__staff_code", "membership__practitioner__last_name", "code"]
    autocomplete_fields = ["membership"]
    workload_fields = ["membership", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def after_admin_write(self, request: HttpRequest, obj: Responsibility, before: Any) -> None:
        from caseload.workloads.services import recalculate

        recalculate([obj.membership_id], reason=f"Extra responsibility {obj.code} changed")
