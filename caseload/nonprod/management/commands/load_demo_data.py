"""Load the fictional demo organisation (see caseload.nonprod.demo)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caseload.nonprod.demo import DEMO_PASSWORD, DEMO_USERS, build_demo, remove_demo
from caseload.organisations.models import OrgUnit


class Command(BaseCommand):
    help = "Load the demo organisation, its people, about 5,000 cases and a demo user for each role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--if-empty", action="store_true", help="Do nothing, quietly, when any organisation unit exists."
        )
        when.add_argument(
            "--force", action="store_true", help="Load even though data exists, replacing an earlier demo."
        )

    def handle(self, *args: Any, seed: int, if_empty: bool, force: bool, **options: Any) -> None:
        if OrgUnit.objects.exists() and not force:
            if if_empty:
                self.stdout.write("The database already has an organisation; demo data not loaded.")
                return
            raise CommandError(
                "The database already has an organisation, so the demo was not loaded. "
                "Use --force to load it anyway (an earlier demo organisation is replaced)."
            )
        started = time.perf_counter()
        if force and remove_demo():
            self.stdout.write("Removed the earlier demo organisation.")
        summary = build_demo(seed=seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo loaded in {time.perf_counter() - started:.1f}s: {summary}.")
        )
        names = ", ".join(u.username for u in DEMO_USERS)
        self.stdout.write(f"Sign in as {names} with the password {DEMO_PASSWORD!r}.")
