"""A WMT extract is held to the limits of every import (readers.py), on every path: `read_extract` and
`plan_extract`, a run checked from the web or the API, and `manage.py import_file`. The workbook is the one of
test_wmt_extract.py."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from caseload.imports import readers
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.readers import FileRejected
from caseload.imports.tests.helpers import checked
from caseload.imports.tests.test_wmt_extract import COUNT_HEADER, HEADERS, extract_sheets, workbook
from caseload.imports.wmt.sheets import read_extract
from caseload.imports.wmt.translate import plan_extract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "org")]
TOO_BIG = "the largest file accepted is"


def rejected(content: bytes) -> str:
    """The message with which `read_extract`, `plan_extract` and a checked run all refuse the file."""
    with pytest.raises(FileRejected) as reading:
        read_extract(content)
    with pytest.raises(FileRejected) as planning:
        plan_extract(content, None)
    run = checked("WMT_PS.xlsx", content, layout="wmt_extract")
    assert run.status == ImportStatus.REJECTED
    assert str(reading.value) == str(planning.value) == run.error_message
    return run.error_message


def test_a_broken_zip_is_refused():
    content = workbook(extract_sheets())
    assert "not a readable zip archive" in rejected(content[: len(content) // 2])


def test_an_empty_file_is_refused():
    assert rejected(b"") == "The file is empty."


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    content = b"PK\x03\x04" + bytes(readers.MAX_FILE_BYTES)  # a zip header, then 20 MB of nothing
    assert rejected(content) == (
        "The file is 20.0 MB; the largest file accepted is 20 MB. Split it into smaller files."
    )


def test_a_workable_extract_over_a_lower_limit_is_refused(monkeypatch):
    content = workbook(extract_sheets())
    assert checked("WMT_PS.xlsx", content).status == ImportStatus.VALIDATED
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", len(content) - 1)
    assert TOO_BIG in rejected(content)


def test_the_command_refuses_an_oversized_extract_without_keeping_it(tmp_path, monkeypatch):
    path = tmp_path / "WMT_PS.xlsx"
    path.write_bytes(workbook(extract_sheets()))
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(CommandError, match=TOO_BIG):
        call_command("import_file", str(path), "--layout", "wmt_extract", "--dry-run", stdout=io.StringIO())
    with pytest.raises(CommandError, match=TOO_BIG):  # recognised by its sheets, without --layout
        call_command("import_file", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ImportRun.objects.exists()


def test_a_workbook_that_unpacks_bigger_than_the_limit_across_its_parts_is_refused(monkeypatch):
    """With a limit of 3 MB, two sheets of 2 MB each: each is under the limit, the whole workbook is over."""
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED_BYTES", 3 * 1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(workbook(extract_sheets()))) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    padded = sorted(name for name in parts if name.startswith("xl/worksheets/sheet"))[:2]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bomb:
        for name, data in parts.items():
            padding = b" " * (2 * 1024 * 1024) if name in padded else b""
            bomb.writestr(name, data.replace(b"</worksheet>", padding + b"</worksheet>"))
    content = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    assert len(content) < 100_000 and max(sizes) < readers.MAX_UNCOMPRESSED_BYTES < sum(sizes)
    assert "would unpack to 4 MB; the most accepted is 3 MB" in rejected(content)


def test_a_formula_cell_is_an_error_with_its_sheet_row_and_column():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in extract_sheets().items():
        header: list[Any] = HEADERS.get(name, COUNT_HEADER)
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            sheet.write_row(r, 0, [row.get(column) for column in header])
    column = COUNT_HEADER.index("CommTierA3")
    book.get_worksheet_by_name("WMT_Extract_Filtered").write_formula(1, column, "=1+1", None, 2)
    book.close()

    extract = read_extract(buffer.getvalue())
    run = checked("WMT_PS.xlsx", buffer.getvalue())

    assert [(p.sheet, p.row, p.column) for p in extract.errors] == [("WMT_Extract_Filtered", 2, "commtiera3")]
    assert run.status == ImportStatus.REJECTED
    assert [(p["sheet"], p["row"], p["column"], p["message"]) for p in run.errors] == [
        (
            "WMT_Extract_Filtered",
            2,
            "commtiera3",
            "This cell is a formula. Replace formulas with their values.",
        )
    ]
