"""Workload schemes stored as versioned, effective-dated data. The definition of each version is the
scheme file (see docs/scheme-format.md) as JSON, validated by the points engine's parser."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseload.core.models import TimeStampedModel, in_force_on
from caseload.organisations.models import OrgUnit, Service


class Scheme(TimeStampedModel):
    """A named workload scheme, e.g. `children-services`. Its versions hold the weights."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    service = models.CharField(max_length=20, choices=Service.choices, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def version_in_force(self, on: dt.date) -> SchemeVersion | None:
        """The published version with the latest start on or before `on`; exactly one at any moment
        once the scheme has been published."""
        return (
            self.versions.filter(status=SchemeVersion.Status.PUBLISHED, effective_from__lte=on)
            .order_by("-effective_from")
            .defer("definition")  # large; `domain_scheme` fetches it once per process when first needed
            .first()
        )


class SchemeVersion(TimeStampedModel):
    """One version of a scheme. Drafts may be edited; published versions never change, so any past
    figure can be recomputed from the version that was in force."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=40, help_text="A label such as 2026-04 or 3.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(help_text="The first day this version is in force.")
    definition = models.JSONField(help_text="The scheme file (docs/scheme-format.md) as JSON.")
    source_sha256 = models.CharField(max_length=64, blank=True, help_text="Hash of the imported file.")
    definition_sha256 = models.CharField(
        max_length=64,
        editable=False,
        blank=True,
        default="",
        help_text="Hash of the definition (set on every save); the points engine's parse cache is keyed by it.",
    )
    notes = models.TextField(blank=True, help_text="What changed and why, and the evidence for it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["scheme", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="scheme_version_label_unique"),
            models.UniqueConstraint(
                fields=["scheme", "effective_from"],
                condition=Q(status="published"),
                name="one_published_version_per_start_date",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_version_has_published_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.version} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None and "definition" not in self.get_deferred_fields():
            self.definition_sha256 = definition_hash(self.definition)
        elif fields is not None and "definition" in fields:
            self.definition_sha256 = definition_hash(self.definition)
            kwargs["update_fields"] = {*fields, "definition_sha256"}
        super().save(*args, **kwargs)


def definition_hash(definition: Any) -> str:
    """sha256 of a scheme definition in a canonical form (sorted keys), as hex."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


class SchemeAssignmentQuerySet(models.QuerySet["SchemeAssignment"]):
    def current(self, on: dt.date) -> SchemeAssignmentQuerySet:
        return self.filter(in_force_on(on))


class SchemeAssignment(TimeStampedModel):
    """Which scheme an org unit and everything below it uses. The nearest assignment up the tree wins,
    so a division can use one scheme and a pilot team another."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="scheme_assignments")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="assignments")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    objects = SchemeAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["org_unit__path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit"],
                condition=Q(effective_to__isnull=True),
                name="one_open_assignment_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="assignment_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit.code} uses {self.scheme.code} from {self.effective_from}"
