"""Import settings: a Django setting of the same name wins, else the environment, else the default. Read at
call time so tests can change them with pytest-django's `settings` fixture."""

from __future__ import annotations

from django.conf import settings

from caseload.config.env import env_int


def file_retention_days() -> int:
    """How long the uploaded file of a finished run is kept (IMPORTS_FILE_RETENTION_DAYS, 90)."""
    return int(getattr(settings, "IMPORTS_FILE_RETENTION_DAYS", env_int("IMPORTS_FILE_RETENTION_DAYS", 90)))


def stale_minutes() -> int:
    """After how long without finishing a run being checked or applied counts as interrupted, whatever
    its worker (IMPORTS_STALE_MINUTES, 120)."""
    return int(getattr(settings, "IMPORTS_STALE_MINUTES", env_int("IMPORTS_STALE_MINUTES", 120)))
