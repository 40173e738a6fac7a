import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from caseload.wellbeing.services import check_wellbeing


class Command(BaseCommand):
    help = (
        "Open well-being alerts where a sustained-overload rule fires, escalate alerts whose steps are due "
        "and resolve those that have cleared. Run once a day, after daily_workload (see docs/wellbeing.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None, **options):
        on = _date(date) if date else None
        result = check_wellbeing(on)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.on.isoformat()}: {result.checked} memberships checked, {len(result.opened)} alerts "
                f"opened, {len(result.escalated)} escalation steps taken, {len(result.resolved)} resolved"
            )
        )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from error
