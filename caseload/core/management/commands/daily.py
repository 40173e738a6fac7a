"""The nightly schedule in one command: `manage.py daily` (run it from cron or a systemd timer).

Runs each daily job in order; a job that fails is reported and the others still run, and the command then
exits with an error so the scheduler notices. Each job is also a command of its own (docs/deployment.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# In order: today's figures and snapshots first, since the well-being rule reads the snapshots.
JOBS = (
    ("daily_workload", "recalculate every workload and take today's snapshots"),
    ("check_wellbeing", "open, escalate and resolve sustained-overload alerts"),
    ("agreement_reviews_due", "remind practitioners and managers of agreement reviews falling due"),
    ("escalate_waiting_cases", "escalate cases waiting too long for allocation; withdraw overtaken requests"),
    ("purge_import_files", "delete uploaded import files past their retention period"),
)


class Command(BaseCommand):
    help = "Run the daily jobs: workloads and snapshots, well-being checks, reminders, escalations, purges."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip", action="append", default=[], metavar="JOB", help="Leave out a job (repeatable)."
        )

    def handle(self, *args: Any, skip: list[str], **options: Any) -> None:
        unknown = sorted(set(skip) - {name for name, _ in JOBS})
        if unknown:
            raise CommandError(
                f"Unknown job(s): {', '.join(unknown)}. Jobs: {', '.join(n for n, _ in JOBS)}."
            )
        failed = []
        for name, purpose in JOBS:
            if name in skip:
                self.stdout.write(f"- {name}: skipped")
                continue
            self.stdout.write(f"- {name}: {purpose}")
            started = time.perf_counter()
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception as error:  # one failing job must not stop the others
                failed.append(name)
                self.stderr.write(f"  {name} failed: {error}")
            else:
                self.stdout.write(f"  done in {time.perf_counter() - started:.1f}s")
        if failed:
            raise CommandError(f"{len(failed)} daily job(s) failed: {', '.join(failed)}.")
        self.stdout.write(self.style.SUCCESS("All daily jobs finished."))
