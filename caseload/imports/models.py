"""Import runs: one uploaded file, what checking it found, and what applying it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    VALIDATING = "validating", "Checking"
    VALIDATED = "validated", "Checked, not applied"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"
    REJECTED = "rejected", "Rejected"
    INTERRUPTED = "interrupted", "Interrupted"


RUNNING_STATUSES = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.APPLYING)
# A worker is busy with the run: when that worker dies, the run is interrupted (see services.cleanup).
WORKING_STATUSES = (ImportStatus.VALIDATING, ImportStatus.APPLYING)
FINISHED_STATUSES = (
    ImportStatus.VALIDATED,
    ImportStatus.APPLIED,
    ImportStatus.FAILED,
    ImportStatus.REJECTED,
    ImportStatus.INTERRUPTED,
)


class ImportRun(models.Model):
    """One file handed to the importer. The file itself is kept (in the row, so the background task
    reads exactly what was uploaded, and a run can be applied after its dry run)."""

    kind = models.CharField(
        max_length=30, default="generic", help_text="The file format family, e.g. the generic layouts."
    )
    layout = models.CharField(
        max_length=30, blank=True, help_text="The entity of a CSV file; blank when read from sheet names."
    )
    organisation = models.ForeignKey(
        "organisations.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a case-management extract: the organisation its regions are placed under.",
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField(editable=False)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    dry_run = models.BooleanField(default=True, help_text="Check and count only; apply later.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="added/changed/unchanged/closed per entity")
    changes = models.JSONField(default=list, blank=True, help_text="A sample of what changes, for people.")
    errors = models.JSONField(default=list, blank=True, help_text="[{sheet, row, column, message}]")
    warnings = models.JSONField(default=list, blank=True, help_text="[{sheet, row, column, message}]")
    error_message = models.TextField(blank=True)
    worker_host = models.CharField(
        max_length=200,
        blank=True,
        help_text="The host (and PID namespace) of the process working on the run.",
    )
    worker_pid = models.PositiveIntegerField(null=True, blank=True, help_text="That process's id.")
    file_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the stored file was deleted (retention); the record stays."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def file_deleted(self) -> bool:
        return self.file_deleted_at is not None

    @property
    def can_apply(self) -> bool:
        """A checked run without errors, or an interrupted one (checked again before it is applied), whose
        file is still kept."""
        applicable = self.status == ImportStatus.INTERRUPTED or (
            self.status == ImportStatus.VALIDATED and not self.errors
        )
        return applicable and not self.file_deleted
