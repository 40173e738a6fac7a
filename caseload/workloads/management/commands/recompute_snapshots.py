from django.core.management.base import BaseCommand, CommandError

from caseload.workloads.management.commands.daily_workload import _date
from caseload.workloads.services import recompute_snapshots


class Command(BaseCommand):
    help = (
        "Rebuild the workload and org unit snapshots of each date in a range from the stored history and "
        "the scheme version then in force (limits: docs/live-updates.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args, start: str, end: str, **options):
        first, last = _date(start), _date(end)
        if last < first:
            raise CommandError("--to is before --from")
        days = recompute_snapshots(first, last, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Recomputed the snapshots of {days} day(s)"))
