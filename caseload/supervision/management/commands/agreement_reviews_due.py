"""Daily: email practitioners and their managers about agreed caseloads due for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from caseload.supervision.services import agreement_reviews_due


class Command(BaseCommand):
    help = "Flag agreed caseloads whose review date is within 14 days or has passed (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, help="the day to check (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = agreement_reviews_due(options["on"] or timezone.localdate())
        self.stdout.write(f"{count} agreed caseload(s) due for review.")
