"""Cases, who holds them over time, and what happens on them (events, contacts, reports)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Coalesce

from caseload.core.models import TimeStampedModel
from caseload.core.sql import Joined
from caseload.organisations.models import OrgUnit, Practitioner, Service


class CaseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class CaseFlag(models.TextChoices):
    """Known case flags. The scheme in force decides which of them change a case's points."""

    WARRANT = "warrant", "Warrant"
    UNPAID_WORK_ONLY = "unpaid_work_only", "Unpaid work only"
    OVERDUE_TERMINATION = "overdue_termination", "Overdue termination"
    SUSPENDED = "suspended", "Suspended"
    YOUNG_ADULT = "young_adult", "Young adult (T2A)"
    INTERPRETER = "interpreter", "Interpreter needed"
    COURT = "court", "Court work"
    TRAVEL = "travel", "Long travel"
    INACTIVE = "inactive", "Inactive"
    DORMANT = "dormant", "Dormant"
    COMPLEXITY = "complexity", "Additional complexity agreed in supervision"
    HIGH_RISK = "high_risk", "High risk of serious harm"
    PRIORITY = "priority", "Priority (PPO/IOM)"


#: Between the parts of a case's kind (caseload.workloads.bulk): a control character, which no code uses
#: and which JSON text always escapes.
KIND_SEPARATOR = "\x1f"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.ACTIVE)

    def unallocated(self) -> CaseQuerySet:
        return self.open().filter(practitioner__isnull=True)


class Case(TimeStampedModel):
    """A person (or family member) the service works with. Category and level codes come from the
    workload scheme of the case's service; unallocated cases have no practitioner and sit with a team."""

    organisation = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40)
    name = models.CharField(max_length=200, help_text="Display name; shown pseudonymised where required.")
    service = models.CharField(max_length=20, choices=Service.choices)
    category = models.CharField(max_length=60, help_text="Case category code from the scheme.")
    level = models.CharField(max_length=20, blank=True, help_text="Tier or complexity level code.")
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    flags = models.JSONField(default=list, blank=True)
    sibling_group = models.CharField(max_length=40, blank=True)
    received_date = models.DateField(help_text="When the case came to the service.")
    start_date = models.DateField(null=True, blank=True, help_text="Sentence, order or plan start.")
    expected_end_date = models.DateField(null=True, blank=True)
    expected_release_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="cases")
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The part of the case's kind that does not move with the date: category, level and flags as one text,
    # kept by the database. A full recalculation adds up every held case's points by kind, and this saves
    # building the text for each of a quarter of a million cases on every run (caseload.workloads.bulk).
    kind_base = models.GeneratedField(
        expression=Joined(
            "category",
            models.Value(KIND_SEPARATOR),
            "level",
            models.Value(KIND_SEPARATOR),
            Coalesce(Cast("flags", models.TextField()), models.Value(""), output_field=models.TextField()),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_reference_unique_in_org"
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.ACTIVE) | Q(closed_date__isnull=False),
                name="closed_case_has_closed_date",
            ),
        ]
        # The dashboards count open cases by category and tier for a team, a list of teams or a whole
        # organisation: with these two indexes the counts are read from the index alone (no table rows).
        indexes = [
            models.Index(fields=["team", "status", "category", "level"], name="case_team_counts_idx"),
            models.Index(fields=["organisation", "status", "category", "level"], name="case_org_counts_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def pseudonym(self) -> str:
        """A stable stand-in for the name, for people who may see figures but not identities. Keyed with the
        secret key, so it cannot be worked back from a guessed reference."""
        key = settings.SECRET_KEY.encode()
        digest = hmac.new(
            key, f"{self.organisation_id}:{self.reference}".encode(), hashlib.sha256
        ).hexdigest()
        return f"Person {digest[:10].upper()}"

    def clean(self) -> None:
        """The team belongs to the case's organisation and every flag is a known one."""
        errors = {}
        if self.team_id and self.organisation_id and not self.team.path.startswith(self.organisation.path):
            errors["team"] = f"{self.team.name} is not part of {self.organisation.name}."
        unknown = sorted(set(self.flags or ()) - set(CaseFlag.values))
        if unknown:
            errors["flags"] = f"Unknown flag(s): {', '.join(unknown)}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_allocated(self) -> bool:
        return self.practitioner_id is not None

    def has_flag(self, flag: str) -> bool:
        return flag in (self.flags or [])


class ReallocationReason(models.TextChoices):
    PRACTITIONER_LEFT = "practitioner_left", "Practitioner left"
    CASELOAD_ADJUSTMENT = "caseload_adjustment", "Caseload adjustment"
    CHANGE_IN_RISK = "change_in_risk", "Change in risk"
    CHANGE_OF_ADDRESS = "change_of_address", "Change of address"
    TRANSFER_IN = "transfer_in", "Transfer in"
    OTHER = "other", "Other"


class CaseAllocation(models.Model):
    """One spell of a case with a practitioner: the full allocation history of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=ReallocationReason.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_allocation_per_case"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="allocation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} with {self.practitioner.staff_code} from {self.started_at:%Y-%m-%d}"


class EventKind(models.TextChoices):
    ALLOCATED = "allocated", "Allocated"
    REALLOCATED = "reallocated", "Reallocated"
    LEVEL_CHANGED = "level_changed", "Tier or complexity changed"
    STATUS_CHANGED = "status_changed", "Status changed"
    CLOSED = "closed", "Closed"
    REPORT_REQUESTED = "report_requested", "Report requested"
    REPORT_COMPLETED = "report_completed", "Report completed"
    CMS_CONTACT = "cms_contact", "Case-management support contact"
    CONTACT = "contact", "Contact"
    FLAGS_CHANGED = "flags_changed", "Flags changed"
    CATEGORY_CHANGED = "category_changed", "Category changed"
    REPORT_VOIDED = "report_voided", "Report voided (a later extract counted fewer)"
    # Timeliness milestones (performance indicators, docs/equity-and-performance.md).
    APPOINTMENT = "appointment", "Appointment attended"
    ASSESSMENT_COMPLETED = "assessment_completed", "Assessment completed"
    REVIEW = "review", "Review held"
    VISIT = "visit", "Visit"


class ReportType(models.TextChoices):
    COURT_STANDARD = "court_standard", "Court report (standard)"
    COURT_FAST = "court_fast", "Court report (fast)"
    PAROLE = "parole", "Parole report"


class CaseEvent(models.Model):
    """A dated, typed and attributed thing that happened on a case. `practitioner` is who did it (for a
    case-management-support contact: someone other than the case holder)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="case_events"
    )
    report_type = models.CharField(max_length=20, choices=ReportType.choices, blank=True)
    contact_type = models.CharField(max_length=20, blank=True, help_text="Contact type code, e.g. CMS01.")
    details = models.JSONField(default=dict, blank=True, help_text="Before/after values and other facts.")

    class Meta:
        ordering = ["case", "occurred_on", "id"]
        indexes = [
            models.Index(fields=["kind", "occurred_on"], name="event_kind_date_idx"),
            models.Index(fields=["practitioner", "kind", "occurred_on"], name="event_practitioner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["report_requested", "report_completed"]) | ~Q(report_type=""),
                name="report_event_has_report_type",
            ),
            models.CheckConstraint(
                condition=~Q(kind="cms_contact") | (~Q(contact_type="") & Q(practitioner__isnull=False)),
                name="cms_contact_has_type_and_doer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case.reference} ({self.occurred_on})"
