"""table_download: CSV and XLSX exports of any table."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest

from caseload.core.exports import neutralise, safe_filename, table_download

HEADERS = ["Name", "Cases", "Workload %", "Updated", "On"]
ROWS = [
    ["Zoë Ndlovu", 12, D("94.25"), dt.date(2026, 3, 16), True],
    ['=HYPERLINK("http://evil")', 1_234, D("-5.5"), None, False],
    ["+44 7700", 0, D("110"), dt.date(2026, 1, 2), None],
]


def _csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_a_bom_a_header_and_text_for_every_cell():
    response = table_download("north team a", HEADERS, ROWS, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="north-team-a.csv"'
    assert b"\r\n" in response.content
    assert _csv_rows(response) == [
        HEADERS,
        ["Zoë Ndlovu", "12", "94.25", "2026-03-16", "Yes"],
        ['\'=HYPERLINK("http://evil")', "1234", "-5.5", "", "No"],
        ["'+44 7700", "0", "110", "2026-01-02", ""],
    ]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_ordinary_text_is_left_alone():
    assert neutralise("North Team A") == "North Team A"
    assert neutralise("a=b") == "a=b"


def test_xlsx_holds_numbers_as_numbers_with_formats_and_neutralised_text():
    response = table_download("Team A/ workloads", HEADERS, ROWS, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="Team-A-workloads.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "Team-A-workloads"
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2"
    name, cases, percent, updated, flag = sheet[2]
    assert (name.value, cases.value, percent.value, flag.value) == ("Zoë Ndlovu", 12, 94.25, "Yes")
    assert cases.number_format == "#,##0" and percent.number_format == "#,##0.00"
    assert updated.value == dt.datetime(2026, 3, 16) and updated.number_format == "d mmm yyyy"
    injected = sheet["A3"]
    assert injected.value == '\'=HYPERLINK("http://evil")' and injected.data_type == "s"
    assert sheet["C3"].value == -5.5 and sheet["C3"].number_format == "#,##0.0"
    assert sheet["C4"].number_format == "#,##0"
    assert sheet["D3"].value is None
    assert sheet.column_dimensions["A"].width >= len('=HYPERLINK("http://evil")')


def test_xlsx_datetimes_are_local_and_naive(settings):
    settings.TIME_ZONE = "Europe/London"
    when = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    response = table_download("t", ["At"], [[when]], "xlsx")
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.value == dt.datetime(2026, 7, 1, 10, 30)  # BST
    csv_response = table_download("t", ["At"], [[when]], "csv")
    assert _csv_rows(csv_response)[1] == ["2026-07-01 10:30"]


def test_empty_tables_still_have_their_header():
    assert _csv_rows(table_download("t", HEADERS, [], "csv")) == [HEADERS]
    sheet = openpyxl.load_workbook(io.BytesIO(table_download("t", HEADERS, [], "xlsx").content)).active
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unknown export format 'pdf'"):
        table_download("t", HEADERS, ROWS, "pdf")


def test_safe_filename():
    assert safe_filename('../"x"; y') == "x-y"
    assert safe_filename("///") == "export"
