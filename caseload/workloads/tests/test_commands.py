"""The daily run as a command and a task, and recomputing snapshots from the command line."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.workloads.models import UnitSnapshot, WorkloadSnapshot
from caseload.workloads.tasks import daily_workload
from caseload.workloads.tests.fixtures import officer, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def po(legacy, frozen_now):
    membership = officer(legacy.team)
    allocate_case(CaseFactory(team=legacy.team, level="A3"), membership.practitioner, actor=None)
    return membership


def test_daily_workload_command_reports_progress(po):
    out = io.StringIO()
    call_command("daily_workload", "--date", "2026-03-16", stdout=out)
    assert "Recalculated 1 of 1 teams (1 workloads)" in out.getvalue()
    assert "2026-03-16: 1 workloads recalculated, 1 workload and 4 org unit snapshots" in out.getvalue()
    assert stored(po).revision == 2


def test_daily_workload_refuses_a_bad_date(po):
    with pytest.raises(CommandError, match="is not a date"):
        call_command("daily_workload", "--date", "16/03/2026", stdout=io.StringIO())


def test_recompute_snapshots_command(po):
    out = io.StringIO()
    call_command("recompute_snapshots", "--from", "2026-03-14", "--to", "2026-03-16", stdout=out)
    assert "Recomputed the snapshots of 3 day(s)" in out.getvalue()
    assert list(WorkloadSnapshot.objects.values_list("on", "total_points").order_by("on")) == [
        (dt.date(2026, 3, 14), 0),  # allocated on the 16th
        (dt.date(2026, 3, 15), 0),
        (dt.date(2026, 3, 16), 206),
    ]
    with pytest.raises(CommandError, match="before"):
        call_command("recompute_snapshots", "--from", "2026-03-16", "--to", "2026-03-14")


def test_the_daily_task_runs_the_same_service(po):
    result = daily_workload.enqueue("2026-03-16")
    assert result.return_value == {
        "on": "2026-03-16",
        "recalculated": 1,
        "snapshot_day": True,
        "membership_snapshots": 1,
        "unit_snapshots": 4,
        "deleted_membership_snapshots": 0,
        "deleted_unit_snapshots": 0,
    }
    assert UnitSnapshot.objects.filter(on=dt.date(2026, 3, 16)).count() == 4
