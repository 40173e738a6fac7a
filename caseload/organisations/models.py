"""The organisation tree, staff grades, practitioners, their team memberships and their reductions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from caseload.core.models import TimeStampedModel, in_force_on


class Service(models.TextChoices):
    PROBATION = "probation", "Probation"
    CHILDREN = "children", "Children's services"
    ADULT = "adult", "Adult community care"


class OrgUnitKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    DIVISION = "division", "Division"
    REGION = "region", "Region"
    AREA = "area", "Area"
    PDU = "pdu", "Probation delivery unit"
    LOCALITY = "locality", "Locality"
    TEAM = "team", "Team"


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def current(self, on: dt.date | None = None) -> OrgUnitQuerySet:
        """Units in effect on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(in_force_on(on))

    def teams(self) -> OrgUnitQuerySet:
        return self.filter(kind=OrgUnitKind.TEAM)

    def within(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)


class OrgUnit(TimeStampedModel):
    """A node of the organisation tree, of any depth. `path` is the chain of ids from the root ("/1/4/9/"),
    kept up to date by the move service so that a whole subtree is one indexed prefix query."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrgUnitKind.choices)
    service = models.CharField(max_length=20, choices=Service.choices, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    effective_from = models.DateField(default=timezone.localdate)
    effective_to = models.DateField(null=True, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "organisation unit"
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="orgunit_dates_in_order",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="orgunit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: object, **kwargs: object) -> None:
        creating = self.pk is None
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        expected = self.compute_path()
        if creating or self.path != expected:
            self.path, self.depth = expected, expected.count("/") - 2
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def compute_path(self) -> str:
        """The path from the parent's row as stored now (not a possibly stale parent object in memory)."""
        parent_path = "/"
        if self.parent_id:
            parent_path = OrgUnit.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
        return f"{parent_path}{self.pk}/"

    def ancestors(self) -> list[OrgUnit]:
        """From the root down to the parent of this unit."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = OrgUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.effective_from <= on and (self.effective_to is None or self.effective_to >= on)


class OrgUnitParentHistory(models.Model):
    """Which parent a unit had over which dates: moving a team keeps the record of where it was."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="parent_history")
    parent = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["unit", "valid_from"]
        verbose_name_plural = "org unit parent history"
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_to__isnull=True), name="one_open_parent_link_per_unit"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.unit.code} under {self.parent.code if self.parent else '(root)'} from {self.valid_from}"
        )


class Grade(models.Model):
    """A staff grade or role, reference data (PO, PSO, social worker, care manager…)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    service = models.CharField(max_length=20, choices=Service.choices)
    default_weekly_hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(48)]
    )
    holds_cases = models.BooleanField(
        default=True, help_text="Whether people of this grade carry a caseload."
    )
    newly_qualified = models.BooleanField(
        default=False, help_text="Newly qualified or in training: protected caseload rules apply."
    )
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["service", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Practitioner(TimeStampedModel):
    """A member of staff who may hold cases. Their hours are held per team membership."""

    staff_code = models.CharField(max_length=40, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="practitioners")
    start_date = models.DateField(null=True, blank=True)
    leave_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(leave_date__gte=models.F("start_date")),
                name="practitioner_leaves_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.staff_code})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_in_post(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        started = self.start_date is None or self.start_date <= on
        return started and (self.leave_date is None or self.leave_date >= on)


class TeamMembershipQuerySet(models.QuerySet["TeamMembership"]):
    def current(self, on: dt.date | None = None) -> TeamMembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(in_force_on(on, "start_date", "end_date"))


class TeamMembership(TimeStampedModel):
    """A practitioner's workload in one team, with the hours they give to it. A practitioner may hold
    workload in two teams; each membership is measured on its own (the WMT "workload owner")."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    contracted_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(48))],
        help_text="Contracted hours per week in this team (0 to 48).",
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__path", "practitioner__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contracted_hours__gte=0) & Q(contracted_hours__lte=48),
                name="membership_hours_0_to_48",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["practitioner", "team"],
                condition=Q(end_date__isnull=True),
                name="one_open_membership_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner.full_name} in {self.team.name} ({self.contracted_hours} h)"


class ReductionCategory(models.TextChoices):
    PERSONAL = "personal", "Personal circumstances"
    LEARNING = "learning", "Learning and development"
    WORK = "work", "Work circumstances"


class ReductionReason(models.Model):
    """Why someone's available time is reduced, with the usual and the largest allowance."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=ReductionCategory.choices)
    default_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
        help_text="Allowance as a % of contracted hours; fixes the hours when set.",
    )
    max_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
        help_text="The most that may be allowed, as a % of contracted hours.",
    )
    months_to_expiry = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When set, a reduction ends this many months after it starts."
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_percent__isnull=True)
                | Q(max_percent__isnull=True)
                | Q(default_percent__lte=models.F("max_percent")),
                name="reason_default_within_max",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReductionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"
    DELETED = "deleted", "Deleted"


class ReductionQuerySet(models.QuerySet["Reduction"]):
    def active_on(self, on: dt.date) -> ReductionQuerySet:
        """Reductions that count on a date: not deleted, started, not yet ended."""
        return self.filter(in_force_on(on), is_deleted=False)


class Reduction(TimeStampedModel):
    """Hours a week taken off a membership's available time, for a reason and a period.
    The status is derived from the dates on the day asked about; deletion is a flag so history survives."""

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="reductions")
    reason = models.ForeignKey(ReductionReason, on_delete=models.PROTECT, related_name="reductions")
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(48))],
        help_text="Hours per week.",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReductionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=48), name="reduction_hours_0_to_48"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="reduction_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason.name}: {self.hours} h from {self.effective_from}"

    def status_on(self, on: dt.date) -> ReductionStatus:
        """Scheduled before it starts, archived after it ends, active in between; deleted overrides."""
        if self.is_deleted:
            return ReductionStatus.DELETED
        if self.effective_from > on:
            return ReductionStatus.SCHEDULED
        if self.effective_to is not None and self.effective_to < on:
            return ReductionStatus.ARCHIVED
        return ReductionStatus.ACTIVE

    @property
    def status(self) -> ReductionStatus:
        return self.status_on(timezone.localdate())


class ResponsibilityQuerySet(models.QuerySet["Responsibility"]):
    def active_on(self, on: dt.date) -> ResponsibilityQuerySet:
        return self.filter(in_force_on(on))


class Responsibility(TimeStampedModel):
    """An extra responsibility a practitioner carries in a team, beyond their cases: a duty rota, practice
    educator for students, a champion role. The code is one of the scheme's extra responsibilities, which
    says how many points it is worth."""

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="responsibilities")
    code = models.CharField(max_length=60, help_text="Extra responsibility code from the scheme.")
    quantity = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(1), help_text="e.g. the number of students supported."
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        ordering = ["membership", "code"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="responsibility_quantity_positive"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="responsibility_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} × {self.quantity} for {self.membership}"
