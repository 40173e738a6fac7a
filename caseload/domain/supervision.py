"""How often a practitioner should have supervision, and whether they are up to date.

Frequencies are data: a `Schedule` is a list of stages, each an interval in days that applies until a
number of weeks or months after the practitioner started (the last stage applies for good). The defaults:

- newly qualified (e.g. an ASYE social worker or a PQiP probation officer): weekly for the first 6 weeks,
  fortnightly until 6 months, then monthly (Skills for Care ASYE guidance; common local supervision
  policies);
- everyone else: monthly.

"Monthly" is every 31 days, so a session on the same date each calendar month is always on time.

Compliance: the next session is due one interval after the last one, where the interval is the one in
force on the day of the last session (or, with no session yet, one interval after the start). A person is
compliant on a day when that day is on or before the due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from caseload.domain.reductions import add_months


@dataclass(frozen=True, slots=True)
class Stage:
    """Supervision every `interval_days` until `weeks` weeks or `months` months after the start (both None:
    for good)."""

    interval_days: int
    weeks: int | None = None
    months: int | None = None

    def ends(self, started: date) -> date | None:
        """The first day after this stage (None: it never ends)."""
        if self.weeks is not None:
            return started + timedelta(weeks=self.weeks)
        if self.months is not None:
            return add_months(started, self.months)
        return None


@dataclass(frozen=True, slots=True)
class Schedule:
    code: str
    name: str
    stages: tuple[Stage, ...]

    def interval_on(self, started: date, on: date) -> int:
        """The interval in days in force `on` for someone who started on `started`."""
        for stage in self.stages:
            end = stage.ends(started)
            if end is None or on < end:
                return stage.interval_days
        return self.stages[-1].interval_days

    def describe(self) -> str:
        parts = []
        for stage in self.stages:
            every = _every(stage.interval_days)
            if stage.weeks is not None:
                parts.append(f"{every} for the first {stage.weeks} weeks")
            elif stage.months is not None:
                parts.append(f"{every} until {stage.months} months")
            else:
                parts.append(f"then {every}" if parts else every)
        return ", ".join(parts)


def _every(days: int) -> str:
    return {7: "weekly", 14: "fortnightly", 31: "monthly"}.get(days, f"every {days} days")


NEWLY_QUALIFIED = "newly_qualified"
STANDARD = "standard"

DEFAULT_SCHEDULES: Mapping[str, Schedule] = {
    NEWLY_QUALIFIED: Schedule(
        NEWLY_QUALIFIED,
        "Newly qualified",
        (Stage(7, weeks=6), Stage(14, months=6), Stage(31)),
    ),
    STANDARD: Schedule(STANDARD, "Standard", (Stage(31),)),
}


def schedule_for(newly_qualified: bool, schedules: Mapping[str, Schedule] = DEFAULT_SCHEDULES) -> Schedule:
    return schedules[NEWLY_QUALIFIED if newly_qualified else STANDARD]


class ComplianceStatus(StrEnum):
    UP_TO_DATE = "up_to_date"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Compliance:
    status: ComplianceStatus
    schedule: Schedule
    interval_days: int  # the interval that set the due date
    last_session: date | None
    next_due: date
    days_overdue: int  # 0 when up to date

    @property
    def compliant(self) -> bool:
        return self.status is ComplianceStatus.UP_TO_DATE


def compliance(schedule: Schedule, started: date, sessions: Iterable[date], on: date) -> Compliance:
    """Whether someone who started on `started` is up to date with supervision on `on`, given the dates of
    their sessions (any order; sessions after `on` are ignored)."""
    held = [day for day in sessions if day <= on]
    last = max(held) if held else None
    base = last if last is not None else started
    interval = schedule.interval_on(started, base)
    due = base + timedelta(days=interval)
    overdue = (on - due).days if on > due else 0
    return Compliance(
        status=ComplianceStatus.OVERDUE if overdue else ComplianceStatus.UP_TO_DATE,
        schedule=schedule,
        interval_days=interval,
        last_session=last,
        next_due=due,
        days_overdue=overdue,
    )


def compliance_rate(compliant: int, people: int) -> Decimal | None:
    """The % of people up to date, to 1 decimal place (halves up); None when there is nobody to count."""
    if people <= 0:
        return None
    return (Decimal(100) * compliant / people).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
