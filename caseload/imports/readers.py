"""Reading an uploaded file into sheets of raw rows, refusing what is too big, damaged or unsafe.

CSV: UTF-8 with or without a byte-order mark; anything else is refused with a clear message.
XLSX: read with calamine. Before calamine sees the file, the zip directory is checked (a broken zip, too
many entries or too many uncompressed bytes declared by all its parts together — a zip bomb — is refused) and the worksheet XML is
scanned for formula elements: calamine returns only computed values, and an import must not depend on a
formula's cached result, so every formula cell is reported as an error with its sheet and cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from caseload.imports.layouts import ENTITIES, GUIDANCE_SHEET, entity_for_name

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_ROWS = 300_000
MAX_COLUMNS = 60
XLSX_MAGIC = b"PK\x03\x04"

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


class FileRejected(Exception):
    """The file cannot be read at all; the message says why, in plain words."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Sheet:
    """One entity's raw rows. `rows[i]` is spreadsheet row `i + 2` (row 1 is the header)."""

    name: str
    entity: str
    header: list[str]
    rows: list[list[Cell]]


@dataclass
class RawFile:
    sheets: list[Sheet]
    problems: list[Problem] = field(default_factory=list)  # errors found while reading (formulas)
    warnings: list[Problem] = field(default_factory=list)


def read_file(file_name: str, content: bytes, layout: str = "") -> RawFile:
    """Sheets of raw rows from a CSV or XLSX file. Raises FileRejected for files that cannot be read."""
    check_size(content)
    lower = file_name.lower()
    if lower.endswith((".xls", ".xlsb", ".ods")):
        raise FileRejected(
            "Only .xlsx workbooks and .csv files can be imported. Save the file as .xlsx or CSV."
        )
    if lower.endswith(".xlsx") or content.startswith(XLSX_MAGIC):
        return _read_xlsx(content, layout)
    if lower.endswith(".csv") or not lower.rsplit("/", 1)[-1].count("."):
        return _read_csv(file_name, content, layout)
    raise FileRejected("Only .xlsx workbooks and .csv files can be imported.")


def check_size(content: bytes) -> None:
    """Refuse an empty file, or one over MAX_FILE_BYTES: the same limit for every kind of file (generic
    layouts and the WMT extract) on every path (the web, the API, the command)."""
    if not content:
        raise FileRejected("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise FileRejected(too_big(len(content)))


def too_big(size: int) -> str:
    """The message for a file of `size` bytes over the limit."""
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the largest file accepted is "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB. Split it into smaller files."
    )


def _read_csv(file_name: str, content: bytes, layout: str) -> RawFile:
    entity = layout or entity_for_name(file_name)
    if entity not in ENTITIES:
        raise FileRejected(
            "Choose the layout of this CSV file, or name the file after it (for example cases.csv). "
            f"Layouts: {', '.join(ENTITIES)}."
        )
    if b"\x00" in content:
        raise FileRejected("This is not a text file (it contains null bytes). Save it as CSV UTF-8.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"The file is not UTF-8 text (unexpected byte 0x{content[error.start]:02x} at position "
            f"{error.start}). Save it as “CSV UTF-8 (comma delimited)” and try again."
        ) from error
    try:
        rows: list[list[Cell]] = []
        for row in csv.reader(io.StringIO(text, newline="")):
            if len(rows) > MAX_ROWS:
                raise FileRejected(_too_many_rows(entity))
            rows.append(list(row))
    except csv.Error as error:
        raise FileRejected(f"The CSV file is malformed: {error}.") from error
    return RawFile(sheets=[_sheet(entity, entity, rows)])


def _read_xlsx(content: bytes, layout: str) -> RawFile:
    formulas = _check_zip(content)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, OSError, ValueError) as error:
        raise FileRejected(f"The workbook cannot be read ({error}). Save it again as .xlsx.") from error
    sheets: list[Sheet] = []
    warnings: list[Problem] = []
    with book:
        names = book.sheet_names
        for name in names:
            entity = _entity_of_sheet(name, names, layout)
            if entity is None:
                if name != GUIDANCE_SHEET:
                    warnings.append(
                        Problem(name, None, "", "This sheet is not a known layout and was ignored.")
                    )
                continue
            sheet = book.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS + 1:
                raise FileRejected(_too_many_rows(name))
            if sheet.width > MAX_COLUMNS:
                raise FileRejected(
                    f"Sheet “{name}” has {sheet.width} columns; the most accepted is {MAX_COLUMNS}."
                )
            sheets.append(_sheet(name, entity, sheet.to_python(skip_empty_area=False)))
    if not sheets:
        raise FileRejected(
            f"No sheet of the workbook is named after a layout. Name each sheet after its layout: "
            f"{', '.join(ENTITIES)}."
        )
    headers = {s.name: s.header for s in sheets}
    problems = [
        Problem(sheet, row, _column_name(headers[sheet], letters), "This cell is a formula. Replace formulas "
                "with their values (Paste special → Values) and import again.")
        for sheet, row, letters in formulas
        if sheet in headers
    ]  # fmt: skip
    return RawFile(sheets=sheets, problems=problems, warnings=warnings)


def _column_name(header: list[str], letters: str) -> str:
    """The header of a spreadsheet column ("C" → the third header), or the letters when it has none."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return header[index - 1] if 0 < index <= len(header) and header[index - 1] else letters


def _entity_of_sheet(name: str, names: list[str], layout: str) -> str | None:
    key = name.strip().lower().replace(" ", "_")
    if key in ENTITIES:
        return key
    # A single-sheet workbook for a chosen layout may keep any sheet name.
    data_sheets = [n for n in names if n != GUIDANCE_SHEET]
    return layout if layout and len(data_sheets) == 1 else None


def _sheet(name: str, entity: str, rows: list[list[Cell]]) -> Sheet:
    if not rows:
        return Sheet(name=name, entity=entity, header=[], rows=[])
    if len(rows[0]) > MAX_COLUMNS:
        raise FileRejected(f"Sheet “{name}” has {len(rows[0])} columns; the most accepted is {MAX_COLUMNS}.")
    header = [str(h).strip().lower().replace(" ", "_") if h is not None else "" for h in rows[0]]
    return Sheet(name=name, entity=entity, header=header, rows=rows[1:])


def _too_many_rows(name: str) -> str:
    return f"Sheet “{name}” has more than {MAX_ROWS:,} rows, the most accepted. Split it into smaller files."


# -- zip and formula checks --------------------------------------------------------------------------------

_SHEET_REL = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]+)\"")
_REL = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]+)\"[^>]*?\bTarget=\"([^\"]+)\"")
_REL_REVERSED = re.compile(rb"<Relationship\b[^>]*?\bTarget=\"([^\"]+)\"[^>]*?\bId=\"([^\"]+)\"")
_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+)(\d+)\"[^>]*>\s*<(?:\w+:)?f\b")


def _check_zip(content: bytes) -> list[tuple[str, int, str]]:
    """Refuse a broken or oversized zip; return the (sheet, row, column) of every formula cell.

    "Oversized" is measured across the whole file: the sizes the zip directory declares for all its parts
    together, before anything is unpacked, and then every byte unpacked while reading, against one budget
    shared by all the parts read (so many parts each under the limit cannot add up to more)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise FileRejected(
            "This is not a valid .xlsx workbook (the file is not a readable zip archive). "
            "Open it in a spreadsheet program and save it again as .xlsx."
        ) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise FileRejected(
                f"The workbook holds {len(entries):,} parts; the most accepted is {MAX_ZIP_ENTRIES:,}."
            )
        declared = sum(e.file_size for e in entries)
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise FileRejected(
                f"The workbook would unpack to {declared / 1024 / 1024:,.0f} MB; the most accepted is "
                f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB. It may be damaged or malicious."
            )
        names = {e.filename for e in entries}
        if "xl/workbook.xml" not in names:
            raise FileRejected("This is a zip file but not an .xlsx workbook. Save the file as .xlsx or CSV.")
        budget = _Budget(MAX_UNCOMPRESSED_BYTES)
        try:
            return [
                (sheet, int(row), column.decode())
                for sheet, path in _sheet_paths(archive, names, budget).items()
                for column, row in _FORMULA_CELL.findall(budget.read(archive, path))
            ]
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:  # CRC or size mismatch
            raise FileRejected(f"The workbook is damaged ({error}). Save it again as .xlsx.") from error


class _Budget:
    """The bytes the whole workbook may still unpack to, shared by every part read."""

    def __init__(self, left: int) -> None:
        self.left = left

    def read(self, archive: zipfile.ZipFile, path: str) -> bytes:
        """Read one part, refusing the file once the parts read so far unpack to more than the whole-file
        limit, even when the sizes the zip declares are a lie."""
        with archive.open(path) as part:
            data = part.read(self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise FileRejected(
                f"The workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB, more than it "
                "declares. It may be damaged or malicious."
            )
        return data


def _sheet_paths(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> dict[str, str]:
    """Sheet name → worksheet XML path, from the workbook and its relationships."""
    workbook = budget.read(archive, "xl/workbook.xml")
    rels_path = "xl/_rels/workbook.xml.rels"
    rels_xml = budget.read(archive, rels_path) if rels_path in names else b""
    targets = dict(_REL.findall(rels_xml))
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels_xml)})
    paths: dict[str, str] = {}
    for name, rid in _SHEET_REL.findall(workbook):
        target = targets.get(rid, b"").decode()
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if path in names:
            paths[_unescape(name.decode())] = path
    return paths


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
