"""`manage.py daily` runs every daily job in order and keeps going past a failure."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseload.core.management.commands import daily
from caseload.workloads.models import Workload, WorkloadSnapshot
from caseload.workloads.tests.fixtures import officer


def test_it_runs_every_job_in_order(legacy, frozen_now):
    member = officer(legacy.team)
    out = io.StringIO()
    call_command("daily", stdout=out)
    text = out.getvalue()
    positions = [text.index(f"- {name}:") for name, _ in daily.JOBS]
    assert positions == sorted(positions)
    assert "All daily jobs finished." in text
    assert Workload.objects.filter(membership=member).exists()
    assert WorkloadSnapshot.objects.filter(membership=member, on=frozen_now.date()).exists()


def test_a_failing_job_is_reported_and_the_others_still_run(legacy, frozen_now, monkeypatch):
    ran = []

    def fake_call_command(name, **kwargs):
        ran.append(name)
        if name == "check_wellbeing":
            raise RuntimeError("mail server down")

    monkeypatch.setattr(daily, "call_command", fake_call_command)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 daily job\\(s\\) failed: check_wellbeing"):
        call_command("daily", stdout=io.StringIO(), stderr=err)
    assert ran == [name for name, _ in daily.JOBS]
    assert "check_wellbeing failed: mail server down" in err.getvalue()


def test_jobs_can_be_skipped_and_unknown_names_are_refused(legacy, frozen_now, monkeypatch):
    ran = []
    monkeypatch.setattr(daily, "call_command", lambda name, **kwargs: ran.append(name))
    call_command("daily", skip=["purge_import_files"], stdout=io.StringIO())
    assert "purge_import_files" not in ran and len(ran) == len(daily.JOBS) - 1
    with pytest.raises(CommandError, match="Unknown job"):
        call_command("daily", skip=["nonsense"], stdout=io.StringIO())
