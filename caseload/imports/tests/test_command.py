"""The import_file command: summary, progress on stderr, exit codes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseload.cases.models import Case
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.tests.helpers import csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_file", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_counts_and_changes_nothing(sheets, tmp_path):
    path = tmp_path / "all.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    out, err = run_command(str(path), "--dry-run")
    assert "Checking all.xlsx" in err
    assert "  cases          added       3  changed       0  unchanged       0  closed       0" in out
    assert "case holders changed 2" in out
    assert out.strip().endswith("Dry run: nothing was changed.")
    assert not Case.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.VALIDATED


def test_apply_with_yes_shows_progress_and_records_the_user(sheets, tmp_path, admin_user):
    path = tmp_path / "all.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    out, err = run_command(str(path), "--yes", "--user", "admin")
    assert "[##############################] cases 3/3" in err
    assert "Applied import" in out
    assert Case.objects.count() == 3
    run = ImportRun.objects.get()
    assert (run.status, run.created_by, run.applied_by) == (ImportStatus.APPLIED, admin_user, admin_user)


def test_without_yes_it_asks(sheets, tmp_path, monkeypatch):
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes("practitioners", sheets["practitioners"]))
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    out, _ = run_command(str(path), "--layout", "practitioners")
    assert "Not applied." in out
    assert ImportRun.objects.get().status == ImportStatus.VALIDATED


def test_problems_are_listed_and_the_exit_is_non_zero(sheets, tmp_path):
    sheets["cases"][0]["team_code"] = "NOPE"
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes("cases", sheets["cases"]))
    with pytest.raises(CommandError) as error:
        run_command(str(path), "--yes")
    message = str(error.value)
    assert "was rejected" in message
    assert (
        "sheet cases, row 2, column team_code: There is no unit with code “NOPE” in the file or the database."
        in message
    )


def test_unreadable_file(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match=r"This is not a valid \.xlsx workbook"):
        run_command(str(path))


def test_missing_file_and_unknown_user(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        run_command(str(tmp_path / "nope.csv"))
    path = tmp_path / "cases.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="There is no user nobody"):
        run_command(str(path), "--user", "nobody")
