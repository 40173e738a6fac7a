"""When the daily run takes snapshots and how long they are kept (docs/live-updates.md, "How often
snapshots are taken and how long they are kept"). Read by the settings module, so it imports no models.

* `CASELOAD_SNAPSHOT_EVERY_DAYS` = N (1 to 7, default 1): the daily run takes snapshots on the days whose
  number of days since `EPOCH` (Monday 3 January 2000) is a multiple of N. 1 is every day; 7 is every
  Monday; 2 is every other day, and so on. N is at most 7 so that every seven-day window of the
  well-being rules ("over 110 % for 4 consecutive weeks") holds at least one snapshot.
* `CASELOAD_SNAPSHOT_RETENTION_DAYS` = R (default 0, keep for ever): the daily run on date D deletes the
  membership and org unit snapshots dated before D − R. R, when set, is at least `MIN_RETENTION_DAYS`,
  enough for the longest sustained-overload rule a scheme may hold (52 weeks) and for the year of readings
  an overload alert looks back over to find when the overload started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

EPOCH = dt.date(2000, 1, 3)  # a Monday: every 7 days means every Monday
MAX_EVERY_DAYS = 7  # one week: the well-being rules read one snapshot per seven-day window
LONGEST_OVERLOAD_WEEKS = 52  # the most consecutive weeks a scheme's sustained-overload rule may name
OVERLOAD_LOOKBACK_DAYS = 366  # how far back an overload alert looks for the start of the run
MIN_RETENTION_DAYS = max(LONGEST_OVERLOAD_WEEKS * 7, OVERLOAD_LOOKBACK_DAYS)

EVERY_DAYS_SETTING = "CASELOAD_SNAPSHOT_EVERY_DAYS"
RETENTION_DAYS_SETTING = "CASELOAD_SNAPSHOT_RETENTION_DAYS"


def snapshot_every_days(value: int) -> int:
    """The snapshot interval, checked: 1 to 7 days."""
    if not 1 <= value <= MAX_EVERY_DAYS:
        raise ImproperlyConfigured(
            f"{EVERY_DAYS_SETTING}={value} is not between 1 and {MAX_EVERY_DAYS}: the well-being "
            "sustained-overload rules read one snapshot in every seven-day window, so snapshots must be "
            "taken at least once a week."
        )
    return value


def snapshot_retention_days(value: int) -> int:
    """The snapshot retention, checked: 0 (keep for ever) or at least `MIN_RETENTION_DAYS`."""
    if value != 0 and value < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"{RETENTION_DAYS_SETTING}={value} is too short: use 0 to keep snapshots for ever, or at least "
            f"{MIN_RETENTION_DAYS} days, so that the longest well-being sustained-overload rule "
            f"({LONGEST_OVERLOAD_WEEKS} weeks) and an alert's look back over the past year still find "
            "their readings."
        )
    return value


@dataclass(frozen=True)
class SnapshotPolicy:
    """The two settings together, checked again (tests and callers may build one without the settings)."""

    every_days: int = 1
    retention_days: int = 0

    def __post_init__(self) -> None:
        snapshot_every_days(self.every_days)
        snapshot_retention_days(self.retention_days)

    def takes_snapshots_on(self, on: dt.date) -> bool:
        """Whether the daily run for `on` takes snapshots: (on − EPOCH) is a multiple of `every_days`."""
        return (on - EPOCH).days % self.every_days == 0

    def next_snapshot_day(self, on: dt.date) -> dt.date:
        """The first day on or after `on` on which the daily run takes snapshots."""
        return on + dt.timedelta(days=-(on - EPOCH).days % self.every_days)

    def keep_from(self, on: dt.date) -> dt.date | None:
        """The oldest snapshot date the daily run for `on` keeps (None: keep every snapshot)."""
        return on - dt.timedelta(days=self.retention_days) if self.retention_days else None
