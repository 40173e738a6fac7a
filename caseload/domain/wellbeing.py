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
A missed plan deadline brings escalation forward (`step_due_dates`): when no plan was recorded by the
date the plan was due, the first step not already due by that date falls due the day after it (if its own
`after_days` would come later). With the presets (plan due after 10 days, steps after 0, 14, 28 and 56
days) the step to the area is taken on day 11 instead of day 14; later steps keep their own days.
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


def plan_missed(plan: PlanState | None, plan_due_on: date | None, on: date) -> bool:
    """Whether the action plan's deadline has passed by `on` without a plan recorded by the deadline (a
    plan recorded late still missed it). False when the scheme sets no deadline."""
    if plan_due_on is None or on <= plan_due_on:
        return False
    return plan is None or plan.recorded_on > plan_due_on


def step_due_dates(
    steps: Sequence[EscalationStep], *, opened_on: date, missed_plan_due_on: date | None
) -> list[date]:
    """The date each step falls due: `after_days` after the alert opened. When a plan deadline was missed
    (`missed_plan_due_on`), the first step not due by that deadline is brought forward to the day after
    it; steps already due by the deadline and the steps after the brought-forward one keep their days."""
    dates = [opened_on + timedelta(days=step.after_days) for step in steps]
    if missed_plan_due_on is not None:
        overdue_from = missed_plan_due_on + timedelta(days=1)
        for level, due_on in enumerate(dates):
            if due_on > missed_plan_due_on:
                dates[level] = min(due_on, overdue_from)
                break
    return dates


def needs_attention(
    plan: PlanState | None, problem_persists: bool, on: date, plan_due_on: date | None = None
) -> str | None:
    """Why the alert still needs escalating on `on`, or None when it does not."""
    if plan is None or plan.recorded_on > on:
        if plan_due_on is not None and on > plan_due_on:
            return f"The action plan was due by {_long_date(plan_due_on)} and has not been recorded."
        return "No action plan has been recorded."
    if problem_persists and on > plan.review_on:
        return "The overload persists after the action plan's review date."
    return None


def _long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def escalation_due(
    steps: Sequence[EscalationStep],
    *,
    opened_on: date,
    on: date,
    plan: PlanState | None,
    problem_persists: bool,
    plan_due_on: date | None,
) -> EscalationDue | None:
    """The deepest step due by `on` (after its `after_days`, or brought forward by a missed plan deadline
    `plan_due_on`), if the alert still needs attention on `on` (see the module docstring); None otherwise
    or before the first step is due."""
    reason = needs_attention(plan, problem_persists, on, plan_due_on)
    if reason is None:
        return None
    missed = plan_due_on if plan_missed(plan, plan_due_on, on) else None
    dates = step_due_dates(steps, opened_on=opened_on, missed_plan_due_on=missed)
    due: EscalationDue | None = None
    for level, (step, due_on) in enumerate(zip(steps, dates, strict=True)):
        if due_on <= on:
            due = EscalationDue(level=level, step=step, due_on=due_on, reason=reason)
    return due


def should_resolve(plan: PlanState | None, problem_persists: bool, on: date) -> bool:
    """An alert resolves by itself once a plan has been recorded and the problem no longer holds."""
    return plan is not None and plan.recorded_on <= on and not problem_persists
