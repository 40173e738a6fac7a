"""Agreed caseloads (what a practitioner and their manager agree in supervision) and supervision records."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from caseload.core.models import TimeStampedModel


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force_on(self, on: object) -> AgreementQuerySet:
        """Agreements that apply on a day: agreed on or before it and not yet replaced or ended.
        `ended_on` is the first day an agreement no longer applies (the next agreement's start)."""
        return self.filter(Q(agreed_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on)))


class Agreement(TimeStampedModel):
    """An agreed caseload: the workload range a practitioner and their manager expect for one team
    membership, any protected arrangements, when to review it and who has confirmed it. A new agreement
    replaces the one before (which keeps `superseded_by` and `ended_on`), so the history is never lost."""

    membership = models.ForeignKey(
        "organisations.TeamMembership", on_delete=models.CASCADE, related_name="agreements"
    )
    agreed_on = models.DateField(help_text="The day of the supervision where this was agreed.")
    expected_min_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(200))],
    )
    expected_max_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(200))],
    )
    development_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(50))],
        help_text="Protected development time, as a % of contracted hours.",
    )
    no_sole_cp_or_court = models.BooleanField(
        default=False, help_text="No sole child-protection or court cases."
    )
    protected_notes = models.TextField(blank=True, help_text="Any other protected arrangement.")
    review_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    practitioner_confirmed_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="First day this agreement no longer applies."
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["membership", "-agreed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_min_percent__lte=F("expected_max_percent")),
                name="agreement_range_in_order",
            ),
            models.CheckConstraint(
                condition=Q(review_date__gte=F("agreed_on")), name="agreement_review_after_agreed"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("agreed_on")),
                name="agreement_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(ended_on__isnull=True),
                name="one_open_agreement_per_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement {self.expected_min_percent}–{self.expected_max_percent}% from {self.agreed_on}"

    @property
    def confirmed(self) -> bool:
        """Both the practitioner and the manager have confirmed it."""
        return self.manager_confirmed_at is not None and self.practitioner_confirmed_at is not None


class SupervisionKind(models.TextChoices):
    FORMAL = "formal", "Formal"
    INFORMAL = "informal", "Informal"
    GROUP = "group", "Group"
    REFLECTIVE = "reflective", "Reflective"


class SupervisionRecord(TimeStampedModel):
    """One supervision session held with a practitioner about their work in one team."""

    membership = models.ForeignKey(
        "organisations.TeamMembership", on_delete=models.CASCADE, related_name="supervision_records"
    )
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    kind = models.CharField(max_length=20, choices=SupervisionKind.choices, default=SupervisionKind.FORMAL)
    extra_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Hours worked beyond contract since the last supervision, as the practitioner reports them.",
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["membership", "-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=600),
                name="supervision_duration_5_to_600",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision on {self.held_on}"
