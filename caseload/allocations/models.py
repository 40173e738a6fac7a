"""Allocation decisions (who chose whom, with what figures and why), approval requests for choices above
the hard limit, and escalations of cases that waited too long."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseload.cases.models import Case, CaseAllocation, CaseStatus, ReallocationReason
from caseload.organisations.models import Practitioner, TeamMembership


class DecisionKind(models.TextChoices):
    ALLOCATE = "allocate", "Allocation"
    REALLOCATE = "reallocate", "Reallocation"


class AllocationDecision(models.Model):
    """One allocation or reallocation as the manager confirmed it: the figures and the recommendation shown
    at the time, the justification and the notes. `token` is the form's idempotency token: a second submit
    of the same form finds this record instead of allocating again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocation_decisions")
    kind = models.CharField(max_length=12, choices=DecisionKind.choices)
    membership = models.ForeignKey(TeamMembership, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    previous_practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocation = models.ForeignKey(
        CaseAllocation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=ReallocationReason.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    workload_before = models.DecimalField(max_digits=10, decimal_places=4, help_text="Workload % before.")
    workload_after = models.DecimalField(
        max_digits=10, decimal_places=4, help_text="Projected workload % with the case."
    )
    recommended_membership = models.ForeignKey(
        TeamMembership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommended_name = models.CharField(max_length=200, blank=True)
    recommendation_reason = models.TextField(blank=True)
    ranking = models.JSONField(default=list, blank=True, help_text="The candidate list as shown.")
    justification = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    notes_sensitive = models.BooleanField(default=False)
    copy_to = models.JSONField(default=list, blank=True, help_text="Email addresses sent a copy.")
    notify_previous = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["case", "decided_at"], name="decision_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.case.reference} to {self.practitioner.staff_code}"

    @property
    def followed_recommendation(self) -> bool:
        return self.recommended_membership_id == self.membership_id


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApprovalRequest(models.Model):
    """A choice that would take someone past the scheme's hard limit, waiting for an area manager. It
    carries everything the decision will record; approving it makes the allocation. A request whose case
    is allocated or closed some other way meanwhile is withdrawn (see `moved_on`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocation_approvals")
    kind = models.CharField(max_length=12, choices=DecisionKind.choices)
    membership = models.ForeignKey(TeamMembership, on_delete=models.PROTECT, related_name="+")
    previous_practitioner = models.ForeignKey(
        Practitioner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who held the case when the request was made (reallocations).",
    )
    reason = models.CharField(max_length=30, choices=ReallocationReason.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    workload_before = models.DecimalField(max_digits=10, decimal_places=4)
    workload_after = models.DecimalField(max_digits=10, decimal_places=4)
    recommended_membership = models.ForeignKey(
        TeamMembership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommended_name = models.CharField(max_length=200, blank=True)
    recommendation_reason = models.TextField(blank=True)
    ranking = models.JSONField(default=list, blank=True)
    justification = models.TextField()
    notes = models.TextField(blank=True)
    notes_sensitive = models.BooleanField(default=False)
    copy_to = models.JSONField(default=list, blank=True)
    notify_previous = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True)
    decision = models.OneToOneField(
        AllocationDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="approval"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who withdrew it (blank when it was withdrawn automatically).",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_approval_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"Approval for {self.case.reference} ({self.get_status_display()})"

    def moved_on(self) -> str:
        """Why the request no longer applies, in words, when its case has been closed or allocated (or
        reallocated) some other way since it was made; "" while it still applies."""
        case = self.case
        if case.status != CaseStatus.ACTIVE:
            return f"Case {case.reference} has since been closed."
        if self.kind == DecisionKind.ALLOCATE and case.practitioner_id is not None:
            return f"Case {case.reference} has since been allocated to {case.practitioner.full_name}."
        if (
            self.kind == DecisionKind.REALLOCATE
            and self.previous_practitioner_id is not None
            and case.practitioner_id != self.previous_practitioner_id
        ):
            if case.practitioner_id is None:
                return f"Case {case.reference} is no longer allocated."
            return f"Case {case.reference} has since been reallocated to {case.practitioner.full_name}."
        return ""


class WaitingEscalation(models.Model):
    """A case escalated to the area managers for waiting past the threshold: once per case and threshold."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="waiting_escalations")
    threshold_days = models.PositiveSmallIntegerField()
    days_waiting = models.PositiveIntegerField()
    escalated_at = models.DateTimeField()
    recipients = models.JSONField(default=list, help_text="Usernames notified.")

    class Meta:
        ordering = ["-escalated_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "threshold_days"], name="escalate_once_per_threshold")
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} waiting {self.days_waiting} days"
