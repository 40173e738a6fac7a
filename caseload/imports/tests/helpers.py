"""Building import files in tests."""

from __future__ import annotations

import csv
import io
from typing import Any

import xlsxwriter

from caseload.imports import services
from caseload.imports.layouts import GENERIC_LAYOUTS
from caseload.imports.models import ImportRun


def csv_bytes(entity: str, rows: list[dict[str, Any]], *, header: list[str] | None = None) -> bytes:
    """A CSV file of `rows` under the layout's header (or the given one)."""
    header = header or GENERIC_LAYOUTS[entity].column_names
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in header])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheets: dict[str, list[dict[str, Any]]], *, formulas: dict[str, str] | None = None) -> bytes:
    """A workbook with one sheet per entity; `formulas` puts a formula in a cell ("cases!B2": "=1+1")."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        header = (
            GENERIC_LAYOUTS[name].column_names
            if name in GENERIC_LAYOUTS
            else sorted({k for r in rows for k in r})
        )
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(header):
                value = row.get(column)
                if value is not None:
                    sheet.write(r, c, value)
    for ref, formula in (formulas or {}).items():
        sheet_name, cell = ref.split("!")
        book.get_worksheet_by_name(sheet_name).write_formula(cell, formula, None, 2)
    book.close()
    return buffer.getvalue()


def checked(
    name: str, content: bytes, *, layout: str = "", actor: Any = None, dry_run: bool = True
) -> ImportRun:
    """Create and check a run (applying it when not a dry run)."""
    run = services.create_run(file_name=name, content=content, layout=layout, dry_run=dry_run, actor=actor)
    return services.check_run(run)


def applied(name: str, content: bytes, *, layout: str = "", actor: Any = None) -> ImportRun:
    return checked(name, content, layout=layout, actor=actor, dry_run=False)
