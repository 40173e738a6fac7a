"""Daily: escalate unallocated cases that waited past their scheme's threshold to the area managers, and
withdraw approval requests whose case an import has allocated or closed since."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caseload.allocations.services import escalate_waiting_cases, withdraw_superseded_approvals


class Command(BaseCommand):
    help = (
        "Email area managers about unallocated cases waiting longer than the scheme allows (once each), and "
        "withdraw approval requests whose case has been allocated or closed another way."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for request in withdraw_superseded_approvals():
            self.stdout.write(f"{request.case.reference}: approval request withdrawn ({request.comment})")
        escalated = escalate_waiting_cases()
        for escalation in escalated:
            self.stdout.write(
                f"{escalation.case.reference}: waiting {escalation.days_waiting} days, "
                f"told {', '.join(escalation.recipients) or 'nobody (no area manager)'}"
            )
        self.stdout.write(f"{len(escalated)} case(s) escalated.")
