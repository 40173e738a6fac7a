"""Move an org unit (and everything below it) under another parent, through the move service."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caseload.organisations.models import OrgUnit
from caseload.organisations.services import move_org_unit
from caseload.workloads.management.commands.daily_workload import _date


class Command(BaseCommand):
    help = (
        "Move an org unit, with everything below it, under another parent from a date (today by default). "
        "The unit's history keeps where it was; every workload below it is recalculated at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit", help="the code of the unit to move")
        parser.add_argument("parent", nargs="?", help="the code of its new parent (leave out with --to-top)")
        parser.add_argument("--to-top", action="store_true", help="make the unit a top-level unit")
        parser.add_argument("--on", help="YYYY-MM-DD: today or a past date (default today)")

    def handle(
        self, *args: Any, unit: str, parent: str | None, to_top: bool, on: str | None, **_: Any
    ) -> None:
        if bool(parent) == to_top:
            raise CommandError("Give the new parent's code, or --to-top, but not both.")
        moving = _unit(unit)
        new_parent = _unit(parent) if parent else None
        try:
            move_org_unit(moving, new_parent, on=_date(on) if on else timezone.localdate(), actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        moving.refresh_from_db()
        where = new_parent.name if new_parent else "the top of the tree"
        self.stdout.write(self.style.SUCCESS(f"{moving.name} is now under {where} ({moving.path})"))


def _unit(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"No org unit has the code “{code}”.")
    return unit
