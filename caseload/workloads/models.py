"""Stored workload figures: the current figures of each membership (kept up to date by every write that
changes them) and daily snapshots per membership and per org unit for trends and sustained-overload rules.

Every figure here was produced by the points engine (caseload.domain); nothing in this app adds up points
itself. Decimals are stored exactly: points to 2 dp, the workload % to 4 dp (the engine's exact value
rounded half-up; the RAG band was chosen by the engine from the exact value)."""

from __future__ import annotations

from django.db import models

from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.schemes.models import SchemeVersion


class Figures(models.Model):
    """The figures of one scoring, shared by the current workload and the daily snapshot."""

    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+")
    total_points = models.DecimalField(max_digits=14, decimal_places=2)
    available_points = models.DecimalField(max_digits=14, decimal_places=2)
    workload_percent = models.DecimalField(
        max_digits=16, decimal_places=4, help_text="Total ÷ available × 100, to 4 decimal places."
    )
    rag = models.CharField(max_length=40, help_text="RAG band code from the scheme.")
    rag_name = models.CharField(max_length=100)
    case_count = models.PositiveIntegerField()
    contracted_hours = models.DecimalField(max_digits=5, decimal_places=2)
    reduction_hours = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        abstract = True


class Workload(Figures):
    """The current workload of one membership, with the breakdown that explains it. Rewritten, in the same
    transaction, by every service that changes its inputs; `revision` counts the recalculations."""

    membership = models.OneToOneField(TeamMembership, on_delete=models.CASCADE, related_name="workload")
    calculated_for = models.DateField(help_text="The date the figures were scored for.")
    calculated_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)
    reason = models.CharField(max_length=200, blank=True, help_text="What caused the last recalculation.")
    breakdown = models.JSONField(
        default=dict, help_text="Items, available-time steps and warnings (Decimals as strings)."
    )
    digest = models.CharField(
        max_length=32,
        blank=True,
        help_text="A fingerprint of the figures and breakdown: a recalculation that changes neither leaves "
        "the breakdown as it is and only records that it ran.",
    )

    class Meta:
        ordering = ["membership__team__path", "membership__practitioner__last_name"]
        indexes = [models.Index(fields=["rag"], name="workload_rag_idx")]

    def __str__(self) -> str:
        return f"{self.membership}: {self.total_points} / {self.available_points}"


class WorkloadSnapshot(Figures):
    """One membership's figures on one date. The breakdown is not kept (it is recomputable)."""

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="snapshots")
    on = models.DateField()
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["membership", "on"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "on"], name="one_workload_snapshot_per_day")
        ]
        indexes = [models.Index(fields=["on"], name="workload_snapshot_on_idx")]

    def __str__(self) -> str:
        return f"{self.membership} on {self.on}: {self.workload_percent}%"


class UnitSnapshot(models.Model):
    """An org unit's totals on one date: points summed, then divided (never an average of percentages).

    `fte` is Σ contracted hours ÷ the scheme's reference hours (its `staffing.reference_hours`, else the
    reference grade's default hours, else 37). `scheme_version` and the RAG band are blank when the members
    are measured under more than one scheme version."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="snapshots")
    on = models.DateField()
    taken_at = models.DateTimeField()
    scheme_version = models.ForeignKey(
        SchemeVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total_points = models.DecimalField(max_digits=16, decimal_places=2)
    available_points = models.DecimalField(max_digits=16, decimal_places=2)
    workload_percent = models.DecimalField(max_digits=16, decimal_places=4)
    rag = models.CharField(max_length=40, blank=True)
    rag_name = models.CharField(max_length=100, blank=True)
    memberships = models.PositiveIntegerField(
        help_text="Workloads measured (a person in two teams counts twice)."
    )
    headcount = models.PositiveIntegerField(help_text="Distinct practitioners.")
    fte = models.DecimalField(max_digits=12, decimal_places=2)
    rag_counts = models.JSONField(default=dict, help_text="Memberships per RAG band code.")
    over_red = models.PositiveIntegerField(help_text="Memberships in their scheme's top (red) band.")
    case_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["unit__path", "on"]
        constraints = [models.UniqueConstraint(fields=["unit", "on"], name="one_unit_snapshot_per_day")]
        indexes = [models.Index(fields=["on"], name="unit_snapshot_on_idx")]

    def __str__(self) -> str:
        return f"{self.unit.code} on {self.on}: {self.workload_percent}%"


class KnownKinds(models.Model):
    """The kinds of held case already scored under one scheme definition (caseload.workloads.bulk): each
    kind's points, line mark and the case scored for it, so that the first full recalculation of a new
    process need not read and score them again. A cache: its rows are keyed by the definition's hash, the
    shape of the scheme's date ranges and a fingerprint of the scoring code, so a changed scheme or an
    upgraded engine never reuses their points (only their cases, scored again), and deleting them loses
    nothing (the next full recalculation reads the kinds again)."""

    key = models.CharField(max_length=64, unique=True, help_text="Hash of definition, ranges and engine.")
    definition_sha256 = models.CharField(max_length=64)
    engine = models.CharField(max_length=32, help_text="Fingerprint of the scoring code that scored them.")
    kinds = models.JSONField(
        help_text="Kind text → [points in hundredths, line mark, id of the case scored]."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "known kinds"

    def __str__(self) -> str:
        return f"{len(self.kinds)} kinds of case under {self.definition_sha256[:12]}"
