"""Malformed and malicious files are refused with a clear message before anything is checked."""

from __future__ import annotations

import io
import zipfile

import pytest

from caseload.imports import readers
from caseload.imports.models import ImportStatus
from caseload.imports.readers import FileRejected, read_file
from caseload.imports.tests.helpers import checked, csv_bytes, xlsx_bytes

ROW = {"staff_code": "S1", "first_name": "A", "last_name": "B", "grade_code": "PO"}


def rejected(name: str, content: bytes, layout: str = "") -> str:
    with pytest.raises(FileRejected) as error:
        read_file(name, content, layout)
    return str(error.value)


def test_empty_file():
    assert rejected("cases.csv", b"") == "The file is empty."


def test_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1024 * 1024)
    assert "the largest file accepted is 1 MB" in rejected("cases.csv", b"x" * (1024 * 1024 + 1))


def test_csv_with_a_byte_order_mark_is_read():
    raw = read_file("practitioners.csv", b"\xef\xbb\xbf" + csv_bytes("practitioners", [ROW]))
    [sheet] = raw.sheets
    assert sheet.header[0] == "staff_code" and sheet.rows == [["S1", "A", "B", "PO", "", "", ""]]


def test_csv_in_another_encoding_is_refused():
    content = "staff_code,first_name\nS1,Zoë\n".encode("cp1252")
    message = rejected("practitioners.csv", content)
    assert message.startswith("The file is not UTF-8 text (unexpected byte 0xeb at position 27)")
    assert "CSV UTF-8" in message


def test_binary_file_named_csv_is_refused():
    assert "null bytes" in rejected("cases.csv", b"staff\x00code")


def test_csv_needs_a_layout_when_the_name_does_not_say():
    assert rejected("export.csv", b"a,b\n1,2\n").startswith("Choose the layout of this CSV file")
    assert read_file("export.csv", csv_bytes("cases", []), "cases").sheets[0].entity == "cases"
    assert read_file("Org units 2026.csv", csv_bytes("org_units", [])).sheets[0].entity == "org_units"


def test_old_excel_formats_are_refused():
    assert "Save the file as .xlsx or CSV" in rejected("cases.xls", b"\xd0\xcf\x11\xe0")


def test_not_a_zip():
    assert rejected("cases.xlsx", b"this is not a workbook").startswith("This is not a valid .xlsx workbook")


def test_broken_zip():
    content = xlsx_bytes({"practitioners": [ROW]})
    assert "not a readable zip archive" in rejected("book.xlsx", content[: len(content) // 2])


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not an .xlsx workbook" in rejected("book.xlsx", buffer.getvalue())


def test_zip_bomb_by_declared_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (201 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024  # small on disk…
    assert "would unpack to 201 MB" in rejected("bomb.xlsx", content)  # …refused before unpacking


def test_zip_bomb_lying_about_its_size(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED_BYTES", 10_000)
    content = xlsx_bytes({"practitioners": [ROW] * 500})
    # Lower the declared sizes in the central directory so the check on declared sizes passes.
    patched = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
    assert sum(i.file_size for i in infos) > 10_000
    start = content.rfind(b"PK\x01\x02", 0)
    position = content.find(b"PK\x01\x02")
    while position != -1:
        patched[position + 24 : position + 28] = (100).to_bytes(4, "little")
        position = content.find(b"PK\x01\x02", position + 4)
    assert start != -1
    message = rejected("liar.xlsx", bytes(patched))
    assert "damaged" in message or "malicious" in message


def test_the_bytes_unpacked_while_reading_count_against_one_limit_for_the_whole_file(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"a" * 600)
        archive.writestr("xl/worksheets/sheet2.xml", b"b" * 600)
    budget = readers._Budget(readers.MAX_UNCOMPRESSED_BYTES)
    with zipfile.ZipFile(buffer) as archive:
        assert budget.read(archive, "xl/worksheets/sheet1.xml") == b"a" * 600  # each part is under the limit…
        with pytest.raises(FileRejected, match="unpacks to more than"):
            budget.read(archive, "xl/worksheets/sheet2.xml")  # …both together are not


def test_too_many_entries():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(readers.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"x/{i}", "")
    assert "parts; the most accepted is 2,000" in rejected("many.xlsx", buffer.getvalue())


def test_sheet_over_the_row_limit(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 5)
    content = xlsx_bytes({"practitioners": [ROW] * 6})
    assert rejected("book.xlsx", content) == (
        "Sheet “practitioners” has more than 5 rows, the most accepted. Split it into smaller files."
    )
    assert "more than 5 rows" in rejected("practitioners.csv", csv_bytes("practitioners", [ROW] * 6))
    assert len(read_file("book.xlsx", xlsx_bytes({"practitioners": [ROW] * 5})).sheets[0].rows) == 5


def test_too_many_columns():
    header = ",".join(f"c{i}" for i in range(61)).encode()
    assert "61 columns; the most accepted is 60" in rejected("cases.csv", header + b"\n")


def test_formulas_are_errors_with_their_cell():
    content = xlsx_bytes(
        {"practitioners": [ROW, ROW | {"staff_code": "S2"}]}, formulas={"practitioners!B3": '="A"&"B"'}
    )
    raw = read_file("book.xlsx", content)
    assert [(p.sheet, p.row, p.column) for p in raw.problems] == [("practitioners", 3, "first_name")]
    assert raw.problems[0].message.startswith("This cell is a formula.")


def test_workbook_without_a_known_sheet():
    content = xlsx_bytes({"Sheet1": [{"a": 1}]})
    assert rejected("book.xlsx", content).startswith("No sheet of the workbook is named after a layout.")


def test_unknown_sheets_are_ignored_with_a_warning_and_guidance_silently():
    content = xlsx_bytes({"practitioners": [ROW], "Notes": [{"a": 1}], "Guidance": [{"a": 1}]})
    raw = read_file("book.xlsx", content)
    assert [s.name for s in raw.sheets] == ["practitioners"]
    assert [(w.sheet, w.message) for w in raw.warnings] == [
        ("Notes", "This sheet is not a known layout and was ignored.")
    ]


def test_single_sheet_workbook_with_a_chosen_layout():
    content = xlsx_bytes({"Sheet1": [ROW]})
    assert read_file("book.xlsx", content, "practitioners").sheets[0].entity == "practitioners"


@pytest.mark.django_db
def test_a_refused_file_gives_a_rejected_run_with_the_message():
    run = checked("cases.xlsx", b"PK\x03\x04 broken")
    assert run.status == ImportStatus.REJECTED
    assert run.error_message.startswith("This is not a valid .xlsx workbook")
