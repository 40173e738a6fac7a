"""Well-being rules: sustained overload from a membership's daily workload readings, and escalation timing.

Both rules are data in the scheme's `wellbeing` section (`Wellbeing` in `caseload.domain.scheme`); this
module only decides, for plain values, whether a rule holds on a date and which escalation step is due.
Documented for users in docs/wellbeing.md.

Weeks (`weekly_readings`). The weeks counted back from a date D are the seven-day windows ending on D,
D − 7, D − 14, …: week k (k = 0, 1, …) covers the days D − 7k − 6 to D − 7k, both included. The weekly
reading of a week is the latest daily reading dated inside its window. A week with no reading is missing.

Sustained overload (`sustained_overload`). A rule "above P% for N consecutive weeks" holds on D when each
of the N weeks counted back from D has a reading and every one of those N readings is strictly above P%.
A missing week breaks the run: the rule cannot hold until N complete weeks of readings exist again. Rules
are tried in the scheme's order; the first that holds is reported, with the date the run started (`since`:
the date of the earliest reading of the unbroken run of weeks above P%, looking back as far as readings go).

Escalation (`escalation_due`). Step i of the scheme's escalation falls due `after_days` days after the
alert opened, and is taken only while the alert still needs attention on that date:
  - no action plan has been recorded yet, or
  - the problem persists (for an overload alert: a sustained-overload rule still holds) and the plan's
    review date has passed (a recorded plan is given until its review date to work).
The function returns the deepest step due on a date (or None); callers record each step once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from caseload.domain.scheme import EscalationStep, OverloadRule

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Reading:
    """One day's workload percentage of a membership (from its daily snapshot)."""

    on: date
    percent: Decimal


@dataclass(frozen=True)
class WeeklyReading:
    """The reading chosen for one week: the week's last day and the latest reading inside it (or None)."""

    week_ending: date
    reading: Reading | None


@dataclass(frozen=True)
class OverloadFinding:
    """A sustained-overload rule that holds on a date."""

    rule: OverloadRule
    on: date
    since: date
    weeks_above: int
    readings: tuple[Reading, ...]

    @property
    def description(self) -> str:
        """The rule in words: "Over 110% for 4 consecutive weeks"."""
        return describe_rule(self.rule)


def describe_rule(rule: OverloadRule) -> str:
    weeks = "week" if rule.consecutive_weeks == 1 else "consecutive weeks"
    return f"Over {_percent(rule.above_percent)}% for {rule.consecutive_weeks} {weeks}"


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


class ReadingSeries:
    """A membership's readings sorted by date, for the weekly look-ups. Later readings for the same day
    replace earlier ones."""

    def __init__(self, readings: Iterable[Reading]) -> None:
        by_day = {r.on: r for r in readings}
        self._readings = [by_day[d] for d in sorted(by_day)]
        self._days = [r.on for r in self._readings]

    def __len__(self) -> int:
        return len(self._readings)

    @property
    def first_day(self) -> date | None:
        return self._days[0] if self._days else None

    def weekly_reading(self, week_ending: date) -> WeeklyReading:
        """The latest reading dated within the seven days ending on `week_ending`."""
        index = bisect.bisect_right(self._days, week_ending) - 1
        if index >= 0 and self._days[index] > week_ending - timedelta(days=DAYS_PER_WEEK):
            return WeeklyReading(week_ending, self._readings[index])
        return WeeklyReading(week_ending, None)


def weekly_readings(readings: Iterable[Reading] | ReadingSeries, on: date, weeks: int) -> list[WeeklyReading]:
    """The weekly readings of the `weeks` weeks counted back from `on`, most recent first."""
    series = readings if isinstance(readings, ReadingSeries) else ReadingSeries(readings)
    return [series.weekly_reading(on - timedelta(days=DAYS_PER_WEEK * k)) for k in range(weeks)]


def rule_holds(series: ReadingSeries, rule: OverloadRule, on: date) -> bool:
    """Whether each of the rule's weeks counted back from `on` has a reading strictly above its percent."""
    if rule.consecutive_weeks < 1:
        return False
    for week in weekly_readings(series, on, rule.consecutive_weeks):
        if week.reading is None or week.reading.percent <= rule.above_percent:
            return False
    return True


def sustained_overload(
    readings: Iterable[Reading] | ReadingSeries, rules: Sequence[OverloadRule], on: date
) -> OverloadFinding | None:
    """The first rule (in scheme order) that holds on `on`, with when its run of weeks started; else None."""
    series = readings if isinstance(readings, ReadingSeries) else ReadingSeries(readings)
    for rule in rules:
        if rule_holds(series, rule, on):
            run = _run_above(series, rule.above_percent, on)
            return OverloadFinding(
                rule=rule,
                on=on,
                since=run[-1].on,
                weeks_above=len(run),
                readings=tuple(run[: rule.consecutive_weeks]),
            )
    return None


def _run_above(series: ReadingSeries, above: Decimal, on: date) -> list[Reading]:
    """The unbroken run of weekly readings above `above` counted back from `on`, most recent first."""
    run: list[Reading] = []
    first_day = series.first_day
    week_ending = on
    while first_day is not None and week_ending >= first_day:
        reading = series.weekly_reading(week_ending).reading
        if reading is None or reading.percent <= above:
            break
        run.append(reading)
        week_ending -= timedelta(days=DAYS_PER_WEEK)
    return run


# -- escalation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanState:
    """What the escalation rule needs to know of a recorded action plan."""

    recorded_on: date
    review_on: date


@dataclass(frozen=True)
class EscalationDue:
    """The deepest escalation step due on a date: its position in the scheme (0 = first) and why."""

    level: int
    step: EscalationStep
    due_on: date
    reason: str


def action_plan_due(opened_on: date, due_days: int | None) -> date | None:
    """The date an action plan is due: `due_days` after the alert opened (None: the scheme sets none)."""
    return None if due_days is None else opened_on + timedelta(days=due_days)


def needs_attention(plan: PlanState | None, problem_persists: bool, on: date) -> str | None:
    """Why the alert still needs escalating on `on`, or None when it does not."""
    if plan is None or plan.recorded_on > on:
        return "No action plan has been recorded."
    if problem_persists and on > plan.review_on:
        return "The overload persists after the action plan's review date."
    return None


def escalation_due(
    steps: Sequence[EscalationStep],
    *,
    opened_on: date,
    on: date,
    plan: PlanState | None,
    problem_persists: bool,
) -> EscalationDue | None:
    """The deepest step whose `after_days` have passed since `opened_on`, if the alert still needs attention
    on `on` (see the module docstring); None otherwise or before the first step is due."""
    reason = needs_attention(plan, problem_persists, on)
    if reason is None:
        return None
    due: EscalationDue | None = None
    for level, step in enumerate(steps):
        due_on = opened_on + timedelta(days=step.after_days)
        if due_on <= on:
            due = EscalationDue(level=level, step=step, due_on=due_on, reason=reason)
    return due


def should_resolve(plan: PlanState | None, problem_persists: bool, on: date) -> bool:
    """An alert resolves by itself once a plan has been recorded and the problem no longer holds."""
    return plan is not None and plan.recorded_on <= on and not problem_persists
