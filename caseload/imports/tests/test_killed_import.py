"""A process killed (SIGKILL) in the middle of applying an import leaves the previous state intact.

The import runs in a real subprocess against an SQLite file database. The hidden --pause-after-rows option
makes the command stop, inside its transaction, once that many rows have been written, and say so on
stderr; the test then kills it and compares every imported table with what it held before."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caseload.imports.tests.helpers import xlsx_bytes

ROOT = Path(__file__).resolve().parents[3]
TABLES = [
    "organisations_orgunit", "organisations_practitioner", "organisations_teammembership",
    "organisations_reduction", "cases_case", "cases_caseallocation", "cases_caseevent", "core_auditentry",
]  # fmt: skip


def digest(db: Path) -> tuple[dict[str, int], str]:
    with sqlite3.connect(db) as connection:
        counts, hasher = {}, hashlib.sha256()
        for table in TABLES:
            rows = connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608
            counts[table] = len(rows)
            hasher.update(repr(rows).encode())
    return counts, hasher.hexdigest()


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="caseload.config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CASELOAD_VAR_DIR=str(tmp_path),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_sigkill_mid_apply_leaves_the_previous_state(tmp_path, environment):
    db = tmp_path / "db.sqlite3"
    assert manage(environment, "migrate", "--verbosity", "0").returncode == 0
    base = tmp_path / "base.xlsx"
    base.write_bytes(
        xlsx_bytes({
            "org_units": [
                {"code": "ORG", "name": "Org", "kind": "organisation", "effective_from": "2020-01-01"},
                {"code": "T1", "name": "Team 1", "kind": "team", "parent_code": "ORG", "service": "probation",
                 "effective_from": "2020-01-01"},
            ],
            "practitioners": [{"staff_code": "S1", "first_name": "A", "last_name": "B", "grade_code": "PO"}],
            "memberships": [{"staff_code": "S1", "team_code": "T1", "contracted_hours": 37, "start_date": "2020-01-01"}],
            "cases": [{"organisation_code": "ORG", "reference": "OLD1", "name": "Old", "service": "probation",
                       "category": "community", "received_date": "2025-01-01", "team_code": "T1", "staff_code": "S1"}],
        })
    )  # fmt: skip
    seeded = manage(environment, "import_file", str(base), "--yes")
    assert seeded.returncode == 0, seeded.stderr
    before = digest(db)
    assert before[0]["cases_case"] == 1

    big = tmp_path / "cases.csv"
    rows = ["organisation_code,reference,name,service,category,received_date,team_code,staff_code"]
    rows += [f"ORG,N{i:05d},Person {i},probation,community,2026-01-05,T1,S1" for i in range(1500)]
    rows.append("ORG,OLD1,Old renamed,probation,community,2025-01-01,T1,")
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "import_file", str(big), "--yes", "--pause-after-rows", "1000"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen, deadline = [], time.monotonic() + 120
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("PAUSED"):
            break
    assert seen and seen[-1].startswith("PAUSED after 1000 rows"), "".join(seen) + process.stdout.read()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert digest(db) == before  # nothing of the half-applied file survives
    with sqlite3.connect(db) as connection:
        (killed_status, killed_pid) = connection.execute(
            "SELECT status, worker_pid FROM imports_importrun ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (killed_status, killed_pid) == ("applying", process.pid)  # as the killed process left it

    # The daily run notices that the process applying it has gone and marks the run interrupted.
    daily = manage(environment, "daily_workload")
    assert daily.returncode == 0, daily.stderr
    assert "was interrupted; nothing was changed" in daily.stdout
    with sqlite3.connect(db) as connection:
        (status, message) = connection.execute(
            "SELECT status, error_message FROM imports_importrun ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert status == "interrupted"
    assert "the process working on it ended" in message and "Nothing was changed" in message
    assert digest(db)[0] == before[0] | {
        "core_auditentry": before[0]["core_auditentry"] + 1
    }  # + the audit entry

    # The database is usable afterwards and the same file then applies in full.
    again = manage(environment, "import_file", str(big), "--yes")
    assert again.returncode == 0, again.stderr
    counts, _ = digest(db)
    assert counts["cases_case"] == 1501
    with sqlite3.connect(db) as connection:
        statuses = [s for (s,) in connection.execute("SELECT status FROM imports_importrun ORDER BY id")]
    assert statuses == ["applied", "interrupted", "applied"]


def test_a_rejected_file_exits_non_zero(tmp_path, environment):
    assert manage(environment, "migrate", "--verbosity", "0").returncode == 0
    path = tmp_path / "cases.csv"
    path.write_text("organisation_code,reference\nORG,X1\n", encoding="utf-8")
    result = manage(environment, "import_file", str(path))
    assert result.returncode == 1
    assert "sheet cases, row 1, column name: This required column is missing." in result.stderr
