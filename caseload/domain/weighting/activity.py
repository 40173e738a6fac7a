"""Activity-based weighting (WMT 2022 model): mandatory activities × frequency → minutes per week, + responsive %.

Source: seeds/003 (WMT refresh 2022: "mandatory activities … timings …; responsive activity provides an
additional weighting of up to 30%"); social-care §7.1 (weights expressed in time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from caseload.domain.rounding import fraction_two_dp
from caseload.domain.scheme import SPREAD_FREQUENCIES, Activity, Category, Frequency, Level
from caseload.domain.values import CaseInput

WEEKS_PER_YEAR = 52

#: Occurrences per week for the regular frequencies (a year is 52 weeks: a month 52/12, a quarter 13).
WEEKLY_FACTOR: dict[Frequency, Fraction] = {
    Frequency.PER_WEEK: Fraction(1),
    Frequency.PER_FORTNIGHT: Fraction(1, 2),
    Frequency.PER_MONTH: Fraction(12, WEEKS_PER_YEAR),
    Frequency.PER_SIX_WEEKS: Fraction(1, 6),
    Frequency.PER_QUARTER: Fraction(4, WEEKS_PER_YEAR),
    Frequency.PER_YEAR: Fraction(1, WEEKS_PER_YEAR),
}

FREQUENCY_WORDS: dict[Frequency, str] = {
    Frequency.PER_WEEK: "per week",
    Frequency.PER_FORTNIGHT: "per fortnight",
    Frequency.PER_MONTH: "per month",
    Frequency.PER_SIX_WEEKS: "every six weeks",
    Frequency.PER_QUARTER: "per quarter",
    Frequency.PER_YEAR: "per year",
    Frequency.ONCE_AT_START: "once at start",
    Frequency.BEFORE_RELEASE: "before release",
    Frequency.BEFORE_END: "before end",
}


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """One activity behind a case's points: its timing, frequency and the minutes per week it adds now."""

    name: str
    minutes: Decimal
    frequency: Frequency
    weeks: int | None
    weekly_minutes: Decimal
    note: str = ""

    @property
    def label(self) -> str:
        spread = f", spread over {self.weeks} weeks" if self.weeks else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.name}: {self.minutes} min {FREQUENCY_WORDS[self.frequency]}{spread}{note}"


def spread_window(activity: Activity, case: CaseInput) -> tuple[date, date] | None:
    """The weeks a once-off activity is spread over, as [first day, day after the last]; None without a date.

    Rule: `once_at_start` covers `weeks` weeks from the case start date; `before_release` the `weeks` weeks
    before the expected release date; `before_end` the `weeks` weeks before the expected end date.
    """
    span = timedelta(weeks=activity.weeks or 1)
    if activity.frequency is Frequency.ONCE_AT_START:
        return (case.start_date, case.start_date + span) if case.start_date else None
    anchor = (
        case.expected_release_date
        if activity.frequency is Frequency.BEFORE_RELEASE
        else case.expected_end_date
    )
    return (anchor - span, anchor) if anchor else None


def weekly_minutes(activity: Activity, case: CaseInput, on: date) -> tuple[Fraction, str]:
    """Exact minutes per week an activity adds on `on`, and a note when a spread activity does not count now.

    Regular: minutes × occurrences per week (`WEEKLY_FACTOR`). Spread: minutes ÷ weeks while `on` is inside
    `spread_window`, else 0.
    """
    minutes = Fraction(activity.minutes)
    if activity.frequency not in SPREAD_FREQUENCIES:
        return minutes * WEEKLY_FACTOR[activity.frequency], ""
    window = spread_window(activity, case)
    if window is None:
        return Fraction(0), "no date on the case: not counted"
    if not window[0] <= on < window[1]:
        return Fraction(0), f"counts {window[0].isoformat()} to {(window[1] - timedelta(days=1)).isoformat()}"
    return minutes / (activity.weeks or 1), ""


def has_spread_activities(level: Level) -> bool:
    """Whether any of the level's activities is spread around a case date (its points depend on the date)."""
    return any(activity.frequency in SPREAD_FREQUENCIES for activity in level.activities)


#: For one spread activity: the case date it hangs on and the (low, high] range that date must fall in.
SpreadBound = tuple[str, date, date]


def spread_bounds(level: Level, on: date) -> tuple[SpreadBound, ...]:
    """`spread_window` turned around, once per scheme and date: which case dates make each activity count.

    `start <= on < start + span` ⇔ `on − span < start <= on`; `anchor − span <= on < anchor` ⇔
    `on < anchor <= on + span`. Comparing a case date with fixed bounds keeps the per-case work small.
    """
    bounds = []
    for activity in level.activities:
        span = timedelta(weeks=activity.weeks or 1)
        if activity.frequency is Frequency.ONCE_AT_START:
            bounds.append(("start_date", on - span, on))
        elif activity.frequency is Frequency.BEFORE_RELEASE:
            bounds.append(("expected_release_date", on, on + span))
        elif activity.frequency is Frequency.BEFORE_END:
            bounds.append(("expected_end_date", on, on + span))
    return tuple(bounds)


def spread_key(bounds: tuple[SpreadBound, ...], case: CaseInput) -> int:
    """Bit i is set when the level's i-th spread activity counts for this case (see `spread_bounds`)."""
    key = 0
    bit = 1
    for attribute, low, high in bounds:
        value = getattr(case, attribute)
        if value is not None and low < value <= high:
            key |= bit
        bit <<= 1
    return key


def activity_lines(level: Level, case: CaseInput, on: date) -> tuple[tuple[ActivityLine, ...], Fraction]:
    """Per-activity lines (weekly minutes 2 dp for display) and their exact weekly total."""
    lines = []
    total = Fraction(0)
    for activity in level.activities:
        weekly, note = weekly_minutes(activity, case, on)
        total += weekly
        line = ActivityLine(
            activity.name, activity.minutes, activity.frequency, activity.weeks, fraction_two_dp(weekly), note
        )
        lines.append(line)
    return tuple(lines), total


def with_responsive(category: Category, mandatory_minutes: Fraction) -> Fraction:
    """Mandatory minutes × (1 + responsive % ÷ 100); responsive is 0–30 % per category (seeds/003)."""
    return mandatory_minutes * (1 + Fraction(category.responsive_percent) / 100)
