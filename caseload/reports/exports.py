"""Downloads: one table as CSV or XLSX (through `caseload.core.exports.table_download`), and the monthly
report as a workbook with a sheet per section."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse

from caseload.core.exports import XLSX_TYPE, neutralise, safe_filename, table_download
from caseload.reports.monthly_presenters import Section
from caseload.reports.presenters import Table


def download_table(stem: str, table: Table, fmt: str) -> HttpResponse:
    return table_download(f"{stem}-{table.key}", table.headers, table.rows, fmt)


def workbook(stem: str, title: str, sections: Sequence[Section]) -> HttpResponse:
    """An XLSX attachment: a sheet per section holding its notes and tables (numbers stored as numbers)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    formats = {
        places: book.add_format({"num_format": "#,##0" + ("." + "0" * places if places else "")})
        for places in range(4)
    }
    for section in sections:
        sheet = book.add_worksheet(section.title[:31])
        sheet.write_string(0, 0, neutralise(title), bold)
        row = 2
        for note in section.notes:
            sheet.write_string(row, 0, neutralise(note))
            row += 1
        widths: dict[int, int] = {0: 30}
        for table in section.tables:
            row += 1
            sheet.write_string(row, 0, neutralise(table.caption), bold)
            row += 1
            for c, header in enumerate(table.headers):
                sheet.write_string(row, c, neutralise(header), heading)
                widths[c] = max(widths.get(c, 0), min(len(header), 40))
            for values in table.rows:
                row += 1
                for c, value in enumerate(values):
                    if value is None:
                        continue
                    if isinstance(value, int):
                        sheet.write_number(row, c, value, formats[0])
                    elif isinstance(value, Decimal):
                        exponent = value.as_tuple().exponent
                        places = min(-exponent, 3) if isinstance(exponent, int) and exponent < 0 else 0
                        sheet.write_number(row, c, float(value), formats[places])
                    else:
                        sheet.write_string(row, c, neutralise(str(value)))
                        widths[c] = max(widths.get(c, 0), min(len(str(value)), 60))
            row += 1
        for c, width in widths.items():
            sheet.set_column(c, c, width + 2)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(stem)}.xlsx"'
    return response
