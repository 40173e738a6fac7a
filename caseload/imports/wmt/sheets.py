"""The WMT extract workbook (probation-wmt-model.md §7): which sheets and columns Caseload reads, how their
names are cleaned, and reading the workbook into plain rows with every problem as (sheet, row, column).

Sheet and column names are cleaned as WMT does: lower-cased, trimmed and the first hyphen removed
(`WMT_Extract` → `wmt_extract`, `V-CRN_Count` → `vcrn_count`). Counts are whole numbers, blank meaning 0."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from caseload.imports.readers import (
    MAX_ROWS,
    Cell,
    FileRejected,
    Problem,
    _check_zip,
    _column_name,
    check_size,
)

LAYOUT = "wmt_extract"
MAX_EXTRACT_COLUMNS = 200

LOCATIONS = {"comm": "community", "licence": "licence", "cust": "custody"}
LOCATION_NAMES = {"community": "community", "licence": "licence", "license": "licence", "custody": "custody"}
# Tier slots of §2.1: 1..16 are A3, A2, A1, A0, B3 … D0; 17..32 the same with S (unsupervised); 0 untiered.
TIERS = [f"{letter}{digit}" for letter in "ABCD" for digit in (3, 2, 1, 0)]
SLOTS = ["untiered", *TIERS, *(f"{tier}S" for tier in TIERS)]
UNTIERED = "untiered"


def tier_columns() -> dict[str, tuple[str, str]]:
    """Count column → (category, level): `commtiera3` → (community, A3), `custtierd0s` → (custody, D0S),
    `licencetier0` → (licence, untiered)."""
    columns: dict[str, tuple[str, str]] = {}
    for prefix, category in LOCATIONS.items():
        columns[f"{prefix}tier0"] = (category, UNTIERED)
        for tier in TIERS:
            columns[f"{prefix}tier{tier.lower()}"] = (category, tier)
            columns[f"{prefix}tier{tier.lower()}s"] = (category, f"{tier}S")
    return columns


TIER_COLUMNS = tier_columns()
IDENTITY = ("om_key", "team_code")
OFFICER = (
    "region_code", "region_desc", "pdu_code", "pdu_desc", "team_code", "team_desc", "om_key", "om_surname",
    "om_forename", "om_grade_code",
)  # fmt: skip
FLAG_COLUMNS = ("case_ref_no", "tier_code", "team_code", "om_key", "location")
FLAG_SHEETS = {
    "flag_warr_4_n": "warrant",
    "flag_upw": "unpaid_work_only",
    "flag_o_due": "overdue_termination",
    "flag_priority": "priority",
}
# Sheet → the columns Caseload needs in it (others are read and ignored).
REQUIRED_SHEETS: dict[str, tuple[str, ...]] = {
    "wmt_extract": OFFICER,
    "wmt_extract_filtered": IDENTITY,
    "t2a": IDENTITY,
    "court_reports": (*IDENTITY, "sdr_last_30", "sdr_conv_last_30"),
    **dict.fromkeys(FLAG_SHEETS, FLAG_COLUMNS),
    "cms": ("contact_id", "crn", "contact_date", "contact_type_code", "contact_staff_key", "om_key",
            "om_team_key"),
}  # fmt: skip
# Read when present (newer extracts): stand-alone order cases (row type S), flagged like the flag sheets.
OPTIONAL_FLAG_SHEETS = {"wmt_extract_sa": "suspended"}
READ_SHEETS = {**REQUIRED_SHEETS, **dict.fromkeys(OPTIONAL_FLAG_SHEETS, FLAG_COLUMNS)}
# Sheets of §7 that Caseload reads past on purpose, and why (docs/imports.md says more).
NOT_IMPORTED = {
    "omic_teams": "OMIC (custody) teams are measured by WMT's own variant (custody points plus projected "
    "licence points, reductions set to 0, §2.7), which Caseload's schemes do not model, so the sheet was not "
    "imported.",
    "suspended_lifers": "WMT lists suspended lifers (row type L) but the reference gives no weighting or flag "
    "for them, so the sheet was not imported.",
    "t2a_detail": "This sheet is for reporting only in WMT (the T2A counts come from the t2a sheet), so it was "
    "not imported.",
}
COUNT_SHEETS = ("wmt_extract", "wmt_extract_filtered", "t2a")
INTEGER_COLUMNS = {*TIER_COLUMNS, "sdr_last_30", "sdr_conv_last_30", "tier_code"}
DATE_COLUMNS = {"datestamp", "contact_date"}


def clean_name(name: object) -> str:
    """WMT's name cleaning: lower case, trimmed, the first hyphen removed."""
    return str(name if name is not None else "").strip().lower().replace("-", "", 1)


@dataclass
class ExtractRow:
    sheet: str  # the sheet's name as in the file, for messages
    number: int  # spreadsheet row number
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class Extract:
    """The sheets Caseload reads, by cleaned name, as plain rows."""

    rows: dict[str, list[ExtractRow]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)  # cleaned → as in the file
    headers: dict[str, list[str]] = field(default_factory=dict)  # as in the file → cleaned column names
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, row: ExtractRow, column: str, message: str) -> None:
        self.errors.append(Problem(row.sheet, row.number, column, message))

    def warn(self, row: ExtractRow, column: str, message: str) -> None:
        self.warnings.append(Problem(row.sheet, row.number, column, message))


def looks_like_extract(sheet_names: list[str]) -> bool:
    cleaned = {clean_name(n) for n in sheet_names}
    return {"wmt_extract", "wmt_extract_filtered"} <= cleaned


def read_extract(content: bytes) -> Extract:
    """Read the workbook. Raises FileRejected for an empty, oversized or damaged file or a missing sheet
    (nothing can be done without it), with the limits of every import (readers.py); cell and header problems
    are collected on the result."""
    check_size(content)
    formulas = _check_zip(content)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, OSError, ValueError) as error:
        raise FileRejected(f"The workbook cannot be read ({error}). Save it again as .xlsx.") from error
    extract = Extract()
    with book:
        for name in book.sheet_names:
            cleaned = clean_name(name)
            if cleaned not in READ_SHEETS:
                why = NOT_IMPORTED.get(
                    cleaned, "Caseload does not use this sheet of the extract; it was ignored."
                )
                extract.warnings.append(Problem(name, None, "", why))
                continue
            if cleaned in extract.sheet_names:
                raise FileRejected(f"Two sheets are named “{extract.sheet_names[cleaned]}” and “{name}”.")
            sheet = book.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS + 1:
                raise FileRejected(f"Sheet “{name}” has more than {MAX_ROWS:,} rows, the most accepted.")
            if sheet.width > MAX_EXTRACT_COLUMNS:
                raise FileRejected(
                    f"Sheet “{name}” has {sheet.width} columns; the most accepted is {MAX_EXTRACT_COLUMNS}."
                )
            extract.sheet_names[cleaned] = name
            _read_sheet(extract, name, cleaned, sheet.to_python(skip_empty_area=False))
    missing = [sheet for sheet in REQUIRED_SHEETS if sheet not in extract.sheet_names]
    if missing:
        raise FileRejected(
            f"This is not a complete WMT extract: the sheet(s) {', '.join(missing)} are missing. "
            f"An extract needs the sheets {', '.join(REQUIRED_SHEETS)}."
        )
    for sheet_name, row, letters in formulas:
        if sheet_name in extract.headers:
            column = _column_name(extract.headers[sheet_name], letters)
            extract.errors.append(
                Problem(
                    sheet_name, row, column, "This cell is a formula. Replace formulas with their values."
                )
            )
    return extract


def _read_sheet(extract: Extract, name: str, cleaned: str, cells: list[list[Any]]) -> None:
    header = [clean_name(h) for h in cells[0]] if cells else []
    extract.headers[name] = header
    ok = True
    for column in READ_SHEETS[cleaned]:
        if column not in header:
            extract.errors.append(Problem(name, 1, column, "This required column is missing."))
            ok = False
    for position, column in enumerate(header):
        if column and header.index(column) != position:
            extract.errors.append(Problem(name, 1, column, "This column appears more than once."))
            ok = False
    rows: list[ExtractRow] = []
    extract.rows[cleaned] = rows
    if not ok:
        return
    wanted = {*READ_SHEETS[cleaned], *DATE_COLUMNS, "contact_team_key"}
    if cleaned in COUNT_SHEETS:
        wanted |= set(TIER_COLUMNS)
    for index, row_cells in enumerate(cells[1:]):
        if all(_blank(c) for c in row_cells):
            continue
        row = ExtractRow(name, index + 2, {})
        for position, column in enumerate(header):
            if column not in wanted:
                continue
            cell = row_cells[position] if position < len(row_cells) else None
            row.values[column] = _value(extract, row, column, cell)
        rows.append(row)


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _value(extract: Extract, row: ExtractRow, column: str, cell: Cell) -> Any:
    if column in INTEGER_COLUMNS:
        return _integer(extract, row, column, cell)
    if column in DATE_COLUMNS:
        return _date(extract, row, column, cell)
    if _blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _integer(extract: Extract, row: ExtractRow, column: str, cell: Cell) -> int:
    if _blank(cell):
        return 0  # WMT reads nulls as 0
    text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell).strip()
    if isinstance(cell, bool) or not text.isdigit():
        extract.error(row, column, f"Enter a whole number of 0 or more, not “{text}”.")
        return 0
    return int(text)


def _date(extract: Extract, row: ExtractRow, column: str, cell: Cell) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if _blank(cell):
        return None
    text = str(cell).strip()
    try:
        return dt.date.fromisoformat(text[:10])  # WMT writes dates as yyyy-mm-dd hh:mm:ss
    except ValueError:
        extract.error(row, column, f"“{text}” is not a date: WMT writes dates as YYYY-MM-DD hh:mm:ss.")
        return None
