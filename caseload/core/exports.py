"""Download any table as CSV or XLSX: `table_download(filename_stem, headers, rows, fmt)`.

* CSV: UTF-8 with a byte-order mark (so Excel opens names with accents correctly), CRLF line ends.
* XLSX (XlsxWriter): a bold, frozen header row, column widths fitted to the content, numbers stored as
  numbers with a thousands separator and their decimal places, dates as dates.
* Formula injection: a text cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return) is written
  with a leading apostrophe so a spreadsheet shows it as text instead of running it. Numbers are written as
  numbers (a negative number is not text and is left alone).

Cells may be `str`, `int`, `Decimal`, `float`, `date`, `datetime`, `bool` or `None` (an empty cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

EXPORT_FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
Cell = str | int | float | Decimal | dt.date | dt.datetime | bool | None


def neutralise(text: str) -> str:
    """Text a spreadsheet will not read as a formula: prefix an apostrophe when it starts like one."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(value: Any) -> str:
    """A cell as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else (value.strftime("%Y-%m-%d %H:%M"))
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def safe_filename(stem: str) -> str:
    """Letters, digits, '-' and '_' only (the rest become '-'); never empty."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    return cleaned or "export"


def table_download(
    filename_stem: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], fmt: str
) -> HttpResponse:
    """An attachment response holding the table in `fmt` ("csv" or "xlsx"); ValueError for another."""
    if fmt == "csv":
        body, content_type = _csv(headers, rows), CSV_TYPE
    elif fmt == "xlsx":
        body, content_type = _xlsx(filename_stem, headers, rows), XLSX_TYPE
    else:
        raise ValueError(f"Unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename_stem)}.{fmt}"'
    return response


def _csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return min(-exponent, 4) if isinstance(exponent, int) and exponent < 0 else 0


def _xlsx(stem: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(safe_filename(stem)[:31])
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    date_format = book.add_format({"num_format": "d mmm yyyy"})
    datetime_format = book.add_format({"num_format": "d mmm yyyy hh:mm"})
    number_formats: dict[int, Any] = {}

    def number_format(places: int) -> Any:
        if places not in number_formats:
            pattern = "#,##0" + ("." + "0" * places if places else "")
            number_formats[places] = book.add_format({"num_format": pattern})
        return number_formats[places]

    widths = [len(h) for h in headers]
    for col, title in enumerate(headers):
        sheet.write_string(0, col, neutralise(title), header)
    row_count = 0
    for r, row in enumerate(rows, start=1):
        row_count = r
        for c, cell in enumerate(row):
            shown = _text(cell)
            if c < len(widths):
                widths[c] = max(widths[c], len(shown))
            else:
                widths.append(len(shown))
            if cell is None:
                continue
            if isinstance(cell, bool):
                sheet.write_string(r, c, shown)
            elif isinstance(cell, int):
                sheet.write_number(r, c, cell, number_format(0))
            elif isinstance(cell, Decimal):
                sheet.write_number(r, c, float(cell), number_format(_places(cell)))
            elif isinstance(cell, float):
                sheet.write_number(r, c, cell, number_format(2))
            elif isinstance(cell, dt.datetime):
                naive = timezone.localtime(cell).replace(tzinfo=None) if timezone.is_aware(cell) else cell
                sheet.write_datetime(r, c, naive, datetime_format)
            elif isinstance(cell, dt.date):
                sheet.write_datetime(r, c, cell, date_format)
            else:
                sheet.write_string(r, c, shown)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, min(max(width, 6) + 2, MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, max(row_count, 1), len(headers) - 1)
    book.close()
    return buffer.getvalue()
