"""How often the daily run takes snapshots and how long it keeps them (CASELOAD_SNAPSHOT_EVERY_DAYS and
CASELOAD_SNAPSHOT_RETENTION_DAYS), and the limits that keep the well-being overload rules working."""

import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.domain.scheme_parser import SchemeError, parse_scheme
from caseload.domain.wellbeing import DAYS_PER_WEEK, Reading, weekly_readings
from caseload.schemes.models import SchemeVersion
from caseload.wellbeing.models import WellbeingAlert
from caseload.wellbeing.services import SINCE_LOOKBACK_DAYS, check_wellbeing
from caseload.workloads.models import UnitSnapshot, WorkloadSnapshot
from caseload.workloads.services import run_daily
from caseload.workloads.snapshot_policy import (
    LONGEST_OVERLOAD_WEEKS,
    MAX_EVERY_DAYS,
    MIN_RETENTION_DAYS,
    SnapshotPolicy,
)
from caseload.workloads.tests.fixtures import officer, revisions

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)  # a Monday
ROOT = Path(__file__).resolve().parents[3]


def days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


def move_to(time_machine, day: dt.date) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(0, 5), tzinfo=dt.UTC), tick=False)


# -- the settings ----------------------------------------------------------------------------------------


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with these environment variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CASELOAD_SNAPSHOT_")}
    code = (
        "import caseload.config.settings.base as s; "
        "print(s.CASELOAD_SNAPSHOT_EVERY_DAYS, s.CASELOAD_SNAPSHOT_RETENTION_DAYS)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "printed"),
    [
        ({}, "1 0"),  # every day, kept for ever
        ({"CASELOAD_SNAPSHOT_EVERY_DAYS": "7", "CASELOAD_SNAPSHOT_RETENTION_DAYS": "730"}, "7 730"),
        ({"CASELOAD_SNAPSHOT_EVERY_DAYS": " ", "CASELOAD_SNAPSHOT_RETENTION_DAYS": "366"}, "1 366"),
    ],
)
def test_the_settings_are_read_from_the_environment(env, printed):
    loaded = load_settings(**env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == printed


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CASELOAD_SNAPSHOT_EVERY_DAYS": "weekly"},
            "CASELOAD_SNAPSHOT_EVERY_DAYS='weekly' is not a whole number",
        ),
        ({"CASELOAD_SNAPSHOT_EVERY_DAYS": "8"}, "CASELOAD_SNAPSHOT_EVERY_DAYS=8 is not between 1 and 7"),
        ({"CASELOAD_SNAPSHOT_EVERY_DAYS": "0"}, "CASELOAD_SNAPSHOT_EVERY_DAYS=0 is not between 1 and 7"),
        ({"CASELOAD_SNAPSHOT_RETENTION_DAYS": "90"}, "CASELOAD_SNAPSHOT_RETENTION_DAYS=90 is too short"),
        ({"CASELOAD_SNAPSHOT_RETENTION_DAYS": "-1"}, "CASELOAD_SNAPSHOT_RETENTION_DAYS=-1 is too short"),
        (
            {"CASELOAD_SNAPSHOT_RETENTION_DAYS": "1.5"},
            "CASELOAD_SNAPSHOT_RETENTION_DAYS='1.5' is not a whole",
        ),
    ],
)
def test_bad_values_stop_the_settings_loading_with_a_clear_message(env, message):
    loaded = load_settings(**env)
    assert loaded.returncode != 0
    assert "ImproperlyConfigured" in loaded.stderr
    assert message in loaded.stderr


def test_a_policy_checks_its_values_too():
    with pytest.raises(ImproperlyConfigured, match="at least once a week"):
        SnapshotPolicy(every_days=14)
    with pytest.raises(ImproperlyConfigured, match="at least 366 days"):
        SnapshotPolicy(retention_days=365)
    assert SnapshotPolicy(every_days=7, retention_days=366).keep_from(TODAY) == dt.date(2025, 3, 15)
    assert SnapshotPolicy().keep_from(TODAY) is None


@pytest.mark.parametrize(
    ("every", "taken"),
    [
        (1, list(range(14))),
        (2, [1, 3, 5, 7, 9, 11, 13]),  # 16 March 2026 is 9569 days after Monday 3 January 2000: odd
        (7, [0, 7]),  # Mondays
    ],
)
def test_snapshot_days_are_counted_from_a_fixed_monday(every, taken):
    policy = SnapshotPolicy(every_days=every)
    fortnight = days(TODAY, 14)
    assert [n for n, day in enumerate(fortnight) if policy.takes_snapshots_on(day)] == taken
    assert all(policy.takes_snapshots_on(policy.next_snapshot_day(day)) for day in fortnight)
    following = next(n for n in taken if n >= 2)
    assert policy.next_snapshot_day(TODAY + dt.timedelta(days=2)) == fortnight[following]


# -- the limits that keep the well-being rules working ---------------------------------------------------


@pytest.mark.parametrize("every", range(1, MAX_EVERY_DAYS + 1))
def test_up_to_a_week_apart_every_week_of_the_overload_rules_has_a_reading(every):
    policy = SnapshotPolicy(every_days=every)
    history = days(TODAY - dt.timedelta(days=120), 121)
    readings = [Reading(day, Decimal(120)) for day in history if policy.takes_snapshots_on(day)]
    for on in history[-DAYS_PER_WEEK * 2 :]:
        assert all(week.reading is not None for week in weekly_readings(readings, on, 10)), (every, on)


def test_eight_days_apart_would_leave_weeks_without_a_reading():
    """Why the interval is capped at 7: with 8, some seven-day window has no snapshot."""
    history = days(TODAY - dt.timedelta(days=120), 121)
    readings = [Reading(day, Decimal(120)) for day in history if day.toordinal() % 8 == 0]
    missing = [
        on for on in history[-16:] if any(w.reading is None for w in weekly_readings(readings, on, 10))
    ]
    assert missing


def test_the_minimum_retention_covers_the_longest_rule_a_scheme_may_hold_and_the_alerts_look_back(legacy):
    definition = SchemeVersion.objects.get(scheme__code="probation-wmt-legacy", version="2024-04").definition

    def with_rule(weeks: int) -> dict:
        rule = {"above_percent": 110, "consecutive_weeks": weeks}
        return {**definition, "wellbeing": {**definition["wellbeing"], "sustained_overload": [rule]}}

    parse_scheme(with_rule(LONGEST_OVERLOAD_WEEKS))
    with pytest.raises(SchemeError):
        parse_scheme(with_rule(LONGEST_OVERLOAD_WEEKS + 1))
    assert MIN_RETENTION_DAYS >= LONGEST_OVERLOAD_WEEKS * DAYS_PER_WEEK
    assert MIN_RETENTION_DAYS >= SINCE_LOOKBACK_DAYS


# -- the daily run ---------------------------------------------------------------------------------------


@pytest.fixture
def po(legacy, frozen_now):
    """A full-time PO in North Team A holding a community A3 case (206 points)."""
    membership = officer(legacy.team)
    allocate_case(CaseFactory(team=legacy.team, level="A3"), membership.practitioner, actor=None)
    return membership


def test_weekly_snapshots_are_taken_on_mondays_and_figures_are_recalculated_every_day(
    po, settings, time_machine
):
    settings.CASELOAD_SNAPSHOT_EVERY_DAYS = 7
    runs = []
    for day in days(TODAY, 9):
        move_to(time_machine, day)
        runs.append(run_daily())

    assert [(r.on.day, r.snapshot_day, r.membership_snapshots, r.unit_snapshots) for r in runs] == [
        (16, True, 1, 4),  # Monday: the PO, North Team A, North Area, North Division, the organisation
        *[(day, False, 0, 0) for day in range(17, 23)],
        (23, True, 1, 4),
        (24, False, 0, 0),
    ]
    assert sorted(set(WorkloadSnapshot.objects.values_list("on", flat=True))) == [TODAY, dt.date(2026, 3, 23)]
    assert sorted(set(UnitSnapshot.objects.values_list("on", flat=True))) == [TODAY, dt.date(2026, 3, 23)]
    assert revisions(po) == [1 + 9]  # allocated, then nine daily runs


def test_the_command_says_when_no_snapshots_are_due(po, settings):
    settings.CASELOAD_SNAPSHOT_EVERY_DAYS = 7
    out = io.StringIO()
    call_command("daily_workload", "--date", "2026-03-17", stdout=out)
    assert "No snapshots for 2026-03-17: they are taken every 7 days, next on 2026-03-23" in out.getvalue()
    assert "2026-03-17: 1 workloads recalculated, no snapshots due" in out.getvalue()
    assert not WorkloadSnapshot.objects.exists()


def copy_snapshots(source: dt.date, *targets: dt.date) -> None:
    """Today's snapshot rows again, dated on earlier days (as if the daily run had taken them then)."""
    for model in (WorkloadSnapshot, UnitSnapshot):
        rows = list(model.objects.filter(on=source))
        for target in targets:
            for row in rows:
                row.pk, row.on = None, target
            model.objects.bulk_create(rows)


def test_the_daily_run_deletes_snapshots_older_than_the_retention(po, settings):
    settings.CASELOAD_SNAPSHOT_RETENTION_DAYS = 400
    run_daily(TODAY)
    oldest_kept = TODAY - dt.timedelta(days=400)  # 11 February 2025
    too_old = [oldest_kept - dt.timedelta(days=1), oldest_kept - dt.timedelta(days=100)]
    copy_snapshots(TODAY, oldest_kept, *too_old)

    result = run_daily(TODAY)

    assert (result.deleted_membership_snapshots, result.deleted_unit_snapshots) == (2, 8)  # 2 days × (1, 4)
    assert sorted(set(WorkloadSnapshot.objects.values_list("on", flat=True))) == [oldest_kept, TODAY]
    assert sorted(set(UnitSnapshot.objects.values_list("on", flat=True))) == [oldest_kept, TODAY]
    again = run_daily(TODAY)
    assert (again.deleted_membership_snapshots, again.deleted_unit_snapshots) == (0, 0)


def test_retention_applies_on_days_without_snapshots_and_is_reported(po, settings):
    settings.CASELOAD_SNAPSHOT_EVERY_DAYS = 7
    settings.CASELOAD_SNAPSHOT_RETENTION_DAYS = 366
    run_daily(TODAY)
    copy_snapshots(TODAY, dt.date(2025, 1, 1))
    messages: list[str] = []

    result = run_daily(TODAY + dt.timedelta(days=1), progress=messages.append)

    assert (result.snapshot_day, result.deleted_membership_snapshots, result.deleted_unit_snapshots) == (
        False,
        1,
        4,
    )
    assert (
        "Deleted 1 workload and 4 org unit snapshots dated before 2025-03-16 (kept for 366 days)" in messages
    )
    assert sorted(set(WorkloadSnapshot.objects.values_list("on", flat=True))) == [TODAY]


def test_by_default_snapshots_are_kept_for_ever(po):
    run_daily(TODAY)
    copy_snapshots(TODAY, dt.date(2016, 3, 16))

    result = run_daily(TODAY)

    assert (result.deleted_membership_snapshots, result.deleted_unit_snapshots) == (0, 0)
    assert WorkloadSnapshot.objects.filter(on=dt.date(2016, 3, 16)).count() == 1


@pytest.mark.parametrize(
    ("name", "value"), [("CASELOAD_SNAPSHOT_EVERY_DAYS", 10), ("CASELOAD_SNAPSHOT_RETENTION_DAYS", 30)]
)
def test_the_daily_run_refuses_overridden_bad_values_before_changing_anything(po, settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=f"{name}={value}"):
        run_daily(TODAY)
    assert revisions(po) == [1]
    assert not WorkloadSnapshot.objects.exists()


def test_weekly_snapshots_still_open_an_overload_alert_after_four_weeks(legacy, settings, time_machine):
    """Above 110 % for 4 consecutive weeks (the preset's first rule), read from Monday snapshots only."""
    settings.CASELOAD_SNAPSHOT_EVERY_DAYS = 7
    move_to(time_machine, TODAY)
    tiny = officer(legacy.team, hours="3")  # 2176 × 3 ÷ 37 = 176 available; an A3 case (206) is 117 %
    allocate_case(CaseFactory(team=legacy.team, level="A3"), tiny.practitioner, actor=None)
    for day in days(TODAY, 22):  # four Mondays: the 16th, 23rd, 30th and 6 April
        move_to(time_machine, day)
        run_daily()
        if day < dt.date(2026, 4, 6):  # the fourth weekly reading is not there yet
            assert not check_wellbeing().opened, day
    assert WorkloadSnapshot.objects.filter(membership=tiny).count() == 4

    result = check_wellbeing()

    [alert] = WellbeingAlert.objects.filter(pk__in=result.opened)
    assert (alert.membership, alert.opened_on) == (tiny, dt.date(2026, 4, 6))
