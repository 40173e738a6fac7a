"""Reads for the import pages and API."""

from __future__ import annotations

from django.db.models import QuerySet

from caseload.imports.models import ImportRun


def runs() -> QuerySet[ImportRun]:
    """Import runs, newest first, without their stored files (loaded only when a run is checked)."""
    return ImportRun.objects.defer("content").select_related("created_by", "applied_by")
