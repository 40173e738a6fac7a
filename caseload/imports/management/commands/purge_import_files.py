"""Delete the stored files of finished import runs older than IMPORTS_FILE_RETENTION_DAYS (default 90),
keeping each run's record (file name, size, hash, counts and problems). Run it daily, e.g. from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caseload.imports import conf, services


class Command(BaseCommand):
    help = "Delete the stored files of finished imports older than the retention period (docs/imports.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = services.purge_files()
        self.stdout.write(
            f"Deleted the stored files of {len(purged)} import run(s) finished more than "
            f"{conf.file_retention_days()} days ago."
        )
