"""Blank templates for the generic layouts: a CSV header row, or a workbook with one sheet per entity (header
row, text columns formatted as text) and a Guidance sheet describing every column."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from caseload.imports.layouts import DATE, GENERIC_LAYOUTS, GUIDANCE_SHEET, TEXT, TYPE_HELP, Layout

ALL = "all"


def csv_template(entity: str) -> bytes:
    """The header row of one layout, UTF-8 with a byte-order mark so spreadsheet programs read it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(GENERIC_LAYOUTS[entity].column_names)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_template(entity: str) -> bytes:
    """A workbook for one entity, or for every entity when `entity` is "all"."""
    layouts = list(GENERIC_LAYOUTS.values()) if entity == ALL else [GENERIC_LAYOUTS[entity]]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    as_text = book.add_format({"num_format": "@"})
    as_date = book.add_format({"num_format": "yyyy-mm-dd"})
    for layout in layouts:
        sheet = book.add_worksheet(layout.entity)
        for i, column in enumerate(layout.columns):
            cell_format = as_text if column.type == TEXT else as_date if column.type == DATE else None
            sheet.set_column(i, i, max(14, len(column.name) + 2), cell_format)
            sheet.write_string(0, i, column.name, bold)
        sheet.freeze_panes(1, 0)
    _guidance(book.add_worksheet(GUIDANCE_SHEET), layouts, bold)
    book.close()
    return buffer.getvalue()


def _guidance(sheet: xlsxwriter.worksheet.Worksheet, layouts: list[Layout], bold: object) -> None:
    headings = ["Sheet", "Column", "Type", "Required", "Allowed values", "Help", "Example"]
    for i, heading in enumerate(headings):
        sheet.write_string(0, i, heading, bold)
    row = 1
    for layout in layouts:
        for column in layout.columns:
            values = [
                layout.entity,
                column.name,
                TYPE_HELP[column.type],
                "yes" if column.required else "no",
                column.allowed,
                column.help,
                column.example,
            ]
            for i, value in enumerate(values):
                sheet.write_string(row, i, value)
            row += 1
    sheet.set_column(0, 1, 22)
    sheet.set_column(2, 4, 20)
    sheet.set_column(5, 5, 80)
    sheet.set_column(6, 6, 20)
