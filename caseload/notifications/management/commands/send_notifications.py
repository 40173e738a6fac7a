"""Send the notifications that are due: retries whose wait is over, and queued or sending ones that were
lost (see services.send_due). Run it every few minutes from cron or a systemd timer, next to db_worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caseload.notifications.services import send_due


class Command(BaseCommand):
    help = "Send due email retries and any queued emails whose background task was lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            default=0,
            help="Keep running, sweeping every SECONDS (default: sweep once and exit).",
        )

    def handle(self, *args: Any, loop: int = 0, **options: Any) -> None:
        while True:
            counts = send_due()
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due"
            self.stdout.write(f"Notifications: {summary}.")
            if loop <= 0:
                return
            time.sleep(loop)
