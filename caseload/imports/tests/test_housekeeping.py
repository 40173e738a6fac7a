"""Housekeeping of import runs: runs whose worker died are marked interrupted; old files are deleted."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from caseload.cases.models import Case
from caseload.core.models import AuditEntry
from caseload.imports import services
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.state import InvalidTransition, check_transition
from caseload.imports.tests.helpers import checked, xlsx_bytes

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)
COUNTS = {"cases": {"added": 2, "changed": 0, "unchanged": 0, "closed": 0}}


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


def working(status=ImportStatus.APPLYING, *, started=NOW, pid=None, host=None) -> ImportRun:
    run = services.create_run(file_name="cases.csv", content=b"x", layout="cases")
    ImportRun.objects.filter(pk=run.pk).update(
        status=status,
        started_at=started,
        worker_pid=os.getpid() if pid is None else pid,
        worker_host=services._worker_host() if host is None else host,
    )
    run.refresh_from_db()
    return run


# -- interrupted runs ------------------------------------------------------------------------------------


def test_a_run_whose_process_has_ended_is_interrupted(time_machine):
    time_machine.move_to(NOW, tick=False)
    gone = working(pid=dead_pid())
    checking = working(ImportStatus.VALIDATING, pid=dead_pid())
    alive = working()
    elsewhere = working(pid=dead_pid(), host="another-host|pid:[1]")  # cannot tell: left to the timeout

    marked = services.cleanup_interrupted()

    assert {r.pk for r in marked} == {gone.pk, checking.pk}
    for run in (gone, checking, alive, elsewhere):
        run.refresh_from_db()
    assert (gone.status, checking.status) == (ImportStatus.INTERRUPTED, ImportStatus.INTERRUPTED)
    assert (alive.status, elsewhere.status) == (ImportStatus.APPLYING, ImportStatus.APPLYING)
    assert gone.error_message == (
        "This import stopped while applying the changes (the process working on it ended). Nothing was "
        "changed: an import is applied all at once or not at all. You can apply it again."
    )
    assert "while checking the file" in checking.error_message
    assert gone.finished_at == NOW
    entry = AuditEntry.objects.get(object_type="imports.importrun", object_id=str(gone.pk))
    assert (entry.before, entry.after) == ({"status": "applying"}, {"status": "interrupted"})


def test_a_run_that_has_not_finished_in_time_is_interrupted(settings, time_machine):
    settings.IMPORTS_STALE_MINUTES = 30
    time_machine.move_to(NOW, tick=False)
    recent = working(started=NOW - dt.timedelta(minutes=29), host="another-host|pid:[1]")
    stuck = working(started=NOW - dt.timedelta(minutes=31), host="another-host|pid:[1]")
    hung_here = working(started=NOW - dt.timedelta(minutes=31))  # alive on this host, but no progress
    assert {r.pk for r in services.cleanup_interrupted()} == {stuck.pk, hung_here.pk}
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ImportStatus.INTERRUPTED and recent.status == ImportStatus.APPLYING
    assert "(it did not finish within 30 minutes)" in stuck.error_message


def test_finished_and_waiting_runs_are_left_alone(time_machine):
    time_machine.move_to(NOW, tick=False)
    for status in (ImportStatus.PENDING, ImportStatus.APPLIED, ImportStatus.FAILED, ImportStatus.VALIDATED):
        run = working(started=NOW - dt.timedelta(days=3), pid=dead_pid())
        ImportRun.objects.filter(pk=run.pk).update(status=status)
    assert services.cleanup_interrupted() == []
    assert not ImportRun.objects.filter(status=ImportStatus.INTERRUPTED).exists()


def test_a_worker_that_finishes_meanwhile_wins(time_machine):
    time_machine.move_to(NOW, tick=False)
    run = working(pid=dead_pid())
    stale_copy = ImportRun.objects.get(pk=run.pk)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.APPLIED)
    assert services._mark_interrupted(stale_copy, "test", NOW, None) is False
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED


def test_the_history_page_marks_and_shows_interrupted_runs(client, admin_user):
    run = working(pid=dead_pid())
    client.force_login(admin_user)
    page = client.get(reverse("imports:list")).content.decode()
    assert "govuk-tag--orange" in page and "Interrupted" in page
    run.refresh_from_db()
    assert run.status == ImportStatus.INTERRUPTED
    detail = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Nothing was changed" in detail and "Apply it again" in detail


def test_an_interrupted_run_can_be_applied_again(sheets, admin_user, django_capture_on_commit_callbacks):
    run = checked("all.xlsx", xlsx_bytes(sheets))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.APPLYING, worker_pid=dead_pid())
    [interrupted] = services.cleanup_interrupted()
    assert interrupted.can_apply
    services.request_apply(interrupted, admin_user)
    done = services.check_run(interrupted)
    assert done.status == ImportStatus.APPLIED and done.error_message == ""
    assert Case.objects.filter(reference="C0001").exists()


def test_the_life_cycle_refuses_impossible_moves():
    check_transition(ImportStatus.APPLYING, ImportStatus.INTERRUPTED)
    check_transition(ImportStatus.INTERRUPTED, ImportStatus.PENDING)
    with pytest.raises(InvalidTransition, match="cannot go from applied to interrupted"):
        check_transition(ImportStatus.APPLIED, ImportStatus.INTERRUPTED)
    with pytest.raises(InvalidTransition):
        check_transition(ImportStatus.INTERRUPTED, ImportStatus.APPLIED)
    run = working(ImportStatus.REJECTED)
    with pytest.raises(InvalidTransition):
        services._save(run, status=ImportStatus.APPLYING)


# -- stored files ----------------------------------------------------------------------------------------


def finished(days_ago: int, status=ImportStatus.APPLIED) -> ImportRun:
    run = services.create_run(file_name=f"{days_ago}.csv", content=b"a,b\n1,2\n", layout="cases")
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=timezone.now() - dt.timedelta(days=days_ago), counts=COUNTS
    )
    return ImportRun.objects.get(pk=run.pk)


def test_purge_deletes_old_files_and_keeps_the_record(time_machine):
    time_machine.move_to(NOW, tick=False)
    old, old_checked, recent = finished(91), finished(91, ImportStatus.VALIDATED), finished(89)
    running = working(started=NOW - dt.timedelta(days=100))
    ImportRun.objects.filter(pk=running.pk).update(created_at=NOW - dt.timedelta(days=100))

    assert services.purge_files() == [old.pk, old_checked.pk]

    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.content) == b"" and old.file_deleted_at == NOW and old.file_deleted
    assert (old.size, old.sha256, old.counts) == (8, recent.sha256, COUNTS)
    assert bytes(recent.content) == b"a,b\n1,2\n" and recent.file_deleted_at is None
    assert bytes(ImportRun.objects.get(pk=running.pk).content) == b"x"
    assert AuditEntry.objects.filter(object_type="imports.importrun", object_id=str(old.pk)).count() == 1
    assert services.purge_files() == []  # nothing twice


def test_a_checked_run_whose_file_was_deleted_cannot_be_applied(time_machine, admin_user):
    time_machine.move_to(NOW, tick=False)
    run = finished(100, ImportStatus.VALIDATED)
    services.purge_files()
    run.refresh_from_db()
    assert not run.can_apply
    with pytest.raises(services.ImportNotReady, match="was deleted on 16 March 2026, after 90 days"):
        services.request_apply(run, admin_user)


def test_retention_follows_the_setting(settings, time_machine):
    settings.IMPORTS_FILE_RETENTION_DAYS = 7
    time_machine.move_to(NOW, tick=False)
    week, days = finished(8), finished(6)
    assert services.purge_files() == [week.pk]
    assert days.pk not in services.purge_files()


def test_purge_command_and_history_show_file_deleted(client, admin_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    run = finished(120)
    out = StringIO()
    call_command("purge_import_files", stdout=out)
    assert out.getvalue().strip() == (
        "Deleted the stored files of 1 import run(s) finished more than 90 days ago."
    )
    client.force_login(admin_user)
    assert "file deleted" in client.get(reverse("imports:list")).content.decode()
    detail = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "120.csv (file deleted 16 Mar 2026" in detail
