"""Well-being records: alerts (sustained overload or a caseload concern) with their action plans and
escalation steps, the concerns practitioners raise and their "this looks wrong" queries on items.

Every write goes through `caseload.wellbeing.services` (one function per use case, with an audit entry).
The rules that open and escalate alerts are in `caseload.domain.wellbeing`; docs/wellbeing.md explains
them for users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseload.organisations.models import OrgUnit, TeamMembership


class AlertSource(models.TextChoices):
    OVERLOAD = "overload", "Sustained overload"
    CONCERN = "concern", "Caseload concern"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    PLAN_RECORDED = "plan_recorded", "Action plan recorded"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"


#: Statuses of an alert that still needs attention.
ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.PLAN_RECORDED, AlertStatus.ESCALATED)


class AlertQuerySet(models.QuerySet["WellbeingAlert"]):
    def active(self) -> AlertQuerySet:
        return self.exclude(status=AlertStatus.RESOLVED)


class WellbeingAlert(models.Model):
    """A membership that needs a manager's attention: opened by the daily check when a sustained-overload
    rule fires, or when the practitioner raises a caseload concern. At most one active alert per membership
    and source."""

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="wellbeing_alerts")
    source = models.CharField(max_length=20, choices=AlertSource.choices)
    rule_description = models.CharField(max_length=200, help_text="The rule that fired, in words.")
    overload_since = models.DateField(null=True, blank=True, help_text="Start of the run of weeks over.")
    opened_on = models.DateField()
    action_plan_due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "source"],
                condition=~Q(status="resolved"),
                name="one_active_wellbeing_alert_per_source",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="wellbeing_alert_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} alert for {self.membership} from {self.opened_on}"

    @property
    def is_active(self) -> bool:
        return self.status != AlertStatus.RESOLVED


class ActionPlan(models.Model):
    """The written plan a manager records for an alert: the actions, who owns them and when to review."""

    alert = models.ForeignKey(WellbeingAlert, on_delete=models.CASCADE, related_name="plans")
    actions = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_on = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Action plan for alert {self.alert_id}, review {self.review_date}"


class EscalationStep(models.Model):
    """One escalation step taken for an alert: which step of the scheme (level 0 = the team), the unit
    whose managers were told, who they were, and why."""

    alert = models.ForeignKey(WellbeingAlert, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(help_text="Position of the step in the scheme (0 = first).")
    step_name = models.CharField(max_length=100, help_text="The scheme's name for the step.")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    on = models.DateField()
    at = models.DateTimeField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["alert", "level"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level"], name="one_escalation_record_per_level")
        ]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} step {self.level} to {self.unit.code}"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESPONDED = "responded", "Responded"


class CaseloadConcern(models.Model):
    """A practitioner's concern about their own caseload, shown to their line and answered by a manager."""

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    alert = models.ForeignKey(
        WellbeingAlert, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    manager_response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Concern from {self.membership} on {self.raised_at:%d %B %Y}"


class QueryStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CORRECTED = "corrected", "Corrected"


class ItemQuery(models.Model):
    """ "This looks wrong": a practitioner's query about one item of their workload (a case, a reduction,
    their hours…), named by kind and reference as the practitioner page links it."""

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="item_queries")
    item_kind = models.CharField(max_length=40)
    item_reference = models.CharField(max_length=120)
    note = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name_plural = "item queries"

    def __str__(self) -> str:
        return f"Query on {self.item_kind} {self.item_reference} for {self.membership}"
