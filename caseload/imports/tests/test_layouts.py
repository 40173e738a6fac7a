"""The layouts are the one source of truth: templates come from them, the documentation is generated from
them, and a template filled with each layout's examples imports cleanly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from caseload.imports import downloads
from caseload.imports.layouts import ENTITIES, GENERIC_LAYOUTS, entity_for_name, markdown_reference
from caseload.imports.models import ImportStatus
from caseload.imports.tests.helpers import applied

DOCS = Path(__file__).resolve().parents[3] / "docs" / "imports.md"
START = "<!-- layouts: generated from caseload/imports/layouts.py; keep in step (a test checks) -->\n\n"
END = "<!-- end of layouts -->"


def test_docs_describe_every_column_of_every_layout():
    text = DOCS.read_text(encoding="utf-8")
    generated = text[text.index(START) + len(START) : text.index(END)]
    assert generated == markdown_reference(), (
        "docs/imports.md is out of step with layouts.py: replace the generated section with "
        "markdown_reference()"
    )
    for layout in GENERIC_LAYOUTS.values():
        for column in layout.columns:
            assert f"| `{column.name}` |" in generated


@pytest.mark.parametrize(
    ("name", "entity"),
    [("cases.csv", "cases"), ("cases-2026-03.csv", "cases"), ("Org units.csv", "org_units"),
     ("org_units_march.csv", "org_units"), ("export.csv", None), ("casesX.csv", None)],
)  # fmt: skip
def test_entity_from_a_file_name(name, entity):
    assert entity_for_name(name) == entity


def test_xlsx_template_has_a_header_row_and_guidance():
    book = load_workbook(io.BytesIO(downloads.xlsx_template("cases")), read_only=True)
    assert book.sheetnames == ["cases", "Guidance"]
    header = next(book["cases"].iter_rows(values_only=True))
    assert list(header) == GENERIC_LAYOUTS["cases"].column_names
    guidance = list(book["Guidance"].iter_rows(values_only=True))
    assert guidance[0] == ("Sheet", "Column", "Type", "Required", "Allowed values", "Help", "Example")
    assert guidance[4][:5] == (
        "cases",
        "service",
        "One of the allowed values",
        "yes",
        "probation, children, adult",
    )


def fill_xlsx(template: bytes) -> bytes:
    """Open a downloaded template as a person would and type each layout's example rows under the header."""
    book = load_workbook(io.BytesIO(template))
    for entity in ENTITIES:
        if entity in book.sheetnames:
            sheet = book[entity]
            header = [cell.value for cell in sheet[1]]
            for example in GENERIC_LAYOUTS[entity].examples:
                sheet.append([example.get(name) or None for name in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_the_all_layouts_workbook_round_trips():
    content = fill_xlsx(downloads.xlsx_template(downloads.ALL))
    assert CalamineWorkbook.from_filelike(io.BytesIO(content)).sheet_names == [*ENTITIES, "Guidance"]
    run = applied("filled.xlsx", content)
    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert {e: run.counts[e]["added"] for e in ENTITIES} == {
        e: len(GENERIC_LAYOUTS[e].examples) for e in ENTITIES
    }
    assert run.warnings == []


@pytest.mark.django_db
def test_each_csv_template_round_trips_in_order():
    for entity in ENTITIES:
        text = downloads.csv_template(entity).decode("utf-8")
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        lines = [text.rstrip("\r\n")]
        lines += [",".join(ex.get(name, "") for name in header) for ex in GENERIC_LAYOUTS[entity].examples]
        run = applied(f"{entity}.csv", ("\r\n".join(lines) + "\r\n").encode("utf-8"))
        assert run.status == ImportStatus.APPLIED, (entity, run.errors)
        assert run.counts[entity]["added"] == len(GENERIC_LAYOUTS[entity].examples)


@pytest.mark.django_db
def test_each_single_layout_xlsx_template_round_trips_in_order():
    for entity in ENTITIES:
        run = applied(f"{entity}.xlsx", fill_xlsx(downloads.xlsx_template(entity)))
        assert run.status == ImportStatus.APPLIED, (entity, run.errors)
        assert run.counts[entity]["added"] == len(GENERIC_LAYOUTS[entity].examples)
