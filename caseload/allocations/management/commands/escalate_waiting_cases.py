"""Daily: escalate unallocated cases that waited past their scheme's threshold to the area managers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caseload.allocations.services import escalate_waiting_cases


class Command(BaseCommand):
    help = "Email area managers about unallocated cases waiting longer than the scheme allows (once each)."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = escalate_waiting_cases()
        for escalation in escalated:
            self.stdout.write(
                f"{escalation.case.reference}: waiting {escalation.days_waiting} days, "
                f"told {', '.join(escalation.recipients) or 'nobody (no area manager)'}"
            )
        self.stdout.write(f"{len(escalated)} case(s) escalated.")
