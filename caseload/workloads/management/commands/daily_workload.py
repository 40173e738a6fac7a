import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from caseload.imports.services import cleanup_interrupted
from caseload.workloads.services import run_daily


class Command(BaseCommand):
    help = (
        "Recalculate every current workload (reductions that start or end, reports and contacts leaving "
        "their windows, scheme versions starting), take the day's snapshots when they are due "
        "(CASELOAD_SNAPSHOT_EVERY_DAYS) and delete those past CASELOAD_SNAPSHOT_RETENTION_DAYS. "
        "Run once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None, **options):
        on = _date(date) if date else None
        for run in cleanup_interrupted():  # imports whose worker died: see docs/imports.md
            self.stdout.write(f"Import {run.pk} ({run.file_name}) was interrupted; nothing was changed.")
        result = run_daily(on, progress=self.stdout.write)
        snapshots = (
            f"{result.membership_snapshots} workload and {result.unit_snapshots} org unit snapshots"
            if result.snapshot_day
            else "no snapshots due"
        )
        deleted = result.deleted_membership_snapshots + result.deleted_unit_snapshots
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.on.isoformat()}: {result.recalculated} workloads recalculated, {snapshots}"
                + (f", {deleted} old snapshots deleted" if deleted else "")
            )
        )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from error
