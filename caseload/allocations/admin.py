from django.contrib import admin

from caseload.allocations.models import AllocationDecision, ApprovalRequest, WaitingEscalation
from caseload.core.admin_audit import AuditedModelAdmin


@admin.register(AllocationDecision)
class AllocationDecisionAdmin(AuditedModelAdmin):
    list_display = ["case", "kind", "practitioner", "decided_by", "decided_at", "workload_after"]
    list_filter = ["kind"]
    search_fields = ["case__reference", "practitioner__staff_code", "justification"]
    raw_id_fields = ["case", "membership", "practitioner", "previous_practitioner", "allocation"]
    readonly_fields = [f.name for f in AllocationDecision._meta.fields]

    def has_add_permission(self, request):  # decisions come only from the allocation service
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(AuditedModelAdmin):
    list_display = ["case", "membership", "requested_by", "status", "approver", "decided_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ApprovalRequest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WaitingEscalation)
class WaitingEscalationAdmin(AuditedModelAdmin):
    list_display = ["case", "threshold_days", "days_waiting", "escalated_at"]
    readonly_fields = [f.name for f in WaitingEscalation._meta.fields]
