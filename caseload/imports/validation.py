"""From raw rows to plain values, with every problem as (sheet, row, column, message).

`parse_rows` checks each sheet's header and each cell against its layout. `check_rows` then checks rows
against each other and against the database (through a `State`, see planning.py): unknown codes, duplicates,
a team outside the case's organisation, a reduction over its reason's maximum. Errors stop an import;
warnings are counted and listed, and the import may go ahead."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from caseload.imports.layouts import CHOICE, DATE, DECIMAL, GENERIC_LAYOUTS, LIST, TEXT, Column, Layout
from caseload.imports.readers import Cell, Problem, RawFile

if TYPE_CHECKING:
    from caseload.imports.state import State

HOURS = Decimal("0.01")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class Row:
    """One spreadsheet row's plain values. Every column of the layout has a value (blank when the column is
    not in the file); `present` names the columns the file has, so that a missing column leaves existing
    records' values alone."""

    sheet: str
    number: int
    values: dict[str, Any]
    present: frozenset[str] = frozenset()

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class ParsedFile:
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, row: Row, column: str, message: str) -> None:
        self.errors.append(Problem(row.sheet, row.number, column, message))

    def warn(self, row: Row, column: str, message: str) -> None:
        self.warnings.append(Problem(row.sheet, row.number, column, message))

    @property
    def total_rows(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def parse_rows(raw: RawFile) -> ParsedFile:
    parsed = ParsedFile(errors=list(raw.problems), warnings=list(raw.warnings))
    seen_entities: dict[str, str] = {}
    for sheet in raw.sheets:
        if sheet.entity in seen_entities:
            parsed.errors.append(
                Problem(sheet.name, None, "", f"Two sheets hold {sheet.entity}: “{seen_entities[sheet.entity]}” "
                        f"and “{sheet.name}”. Put them in one sheet.")
            )  # fmt: skip
            continue
        seen_entities[sheet.entity] = sheet.name
        layout = GENERIC_LAYOUTS[sheet.entity]
        if not _header_ok(sheet.name, sheet.header, layout, parsed):
            continue
        present = frozenset(sheet.header) & set(layout.column_names)
        blanks = {c.name: [] if c.type == LIST else None for c in layout.columns}
        for index, cells in enumerate(sheet.rows):
            if all(_blank(c) for c in cells):
                continue
            row = Row(
                sheet.name,
                index + 2,
                {name: list(v) if isinstance(v, list) else v for name, v in blanks.items()},
                present,
            )
            for position, name in enumerate(sheet.header):
                if name not in layout.column_names:
                    continue
                column = layout.column(name)
                cell = cells[position] if position < len(cells) else None
                value, message = parse_cell(column, cell)
                row.values[name] = value
                if message:
                    parsed.error(row, name, message)
            parsed.rows[sheet.entity].append(row)
    return parsed


def _header_ok(sheet: str, header: list[str], layout: Layout, parsed: ParsedFile) -> bool:
    if not any(header):
        parsed.errors.append(
            Problem(sheet, 1, "", "The sheet is empty: the first row must name the columns.")
        )
        return False
    ok = True
    for position, name in enumerate(header):
        if name and header.index(name) != position:
            parsed.errors.append(Problem(sheet, 1, name, "This column appears more than once."))
            ok = False
        elif name and name not in layout.column_names:
            parsed.warnings.append(
                Problem(sheet, 1, name, "This column is not part of the layout and was ignored.")
            )
    for column in layout.columns:
        if column.required and column.name not in header:
            parsed.errors.append(Problem(sheet, 1, column.name, "This required column is missing."))
            ok = False
    return ok


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_cell(column: Column, cell: Cell) -> tuple[Any, str]:
    """The plain value of a cell and an error message ("" when fine). Blank cells are None (or [])."""
    if _blank(cell):
        blank = [] if column.type == LIST else None
        return blank, ("Enter a value: this column is required." if column.required else "")
    parse = {TEXT: _text, DECIMAL: _decimal, DATE: _date, CHOICE: _choice, LIST: _list}[column.type]
    return parse(column, cell)


def _as_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _text(column: Column, cell: Cell) -> tuple[Any, str]:
    text = _as_text(cell)
    if column.max_length and len(text) > column.max_length:
        return text, f"This is {len(text)} characters long; the most allowed is {column.max_length}."
    return text, ""


def _decimal(column: Column, cell: Cell) -> tuple[Any, str]:
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        return None, f"Enter a number, not “{_as_text(cell)}”."
    try:
        value = Decimal(str(cell).strip())
    except InvalidOperation:
        return None, f"Enter a number, not “{_as_text(cell)}”."
    if not value.is_finite():
        return None, f"Enter a number, not “{_as_text(cell)}”."
    value = value.quantize(HOURS)
    if (column.minimum is not None and value < column.minimum) or (
        column.maximum is not None and value > column.maximum
    ):
        return value, f"{value} is out of range: enter a number from {column.minimum} to {column.maximum}."
    return value, ""


def _date(column: Column, cell: Cell) -> tuple[Any, str]:
    if isinstance(cell, dt.datetime):
        return cell.date(), ""
    if isinstance(cell, dt.date):
        return cell, ""
    text = _as_text(cell)
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        pass
    match = _UK_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day), ""
        except ValueError:
            pass
    return None, f"“{text}” is not a date: enter it as YYYY-MM-DD, for example 2026-03-16."


def _choice(column: Column, cell: Cell) -> tuple[Any, str]:
    text = _as_text(cell).lower()
    refused = dict(column.refused)
    if text in refused:
        return text, refused[text]
    if text not in column.choices:
        return text, f"“{text}” is not allowed here. Use one of: {column.allowed}."
    return text, ""


def _list(column: Column, cell: Cell) -> tuple[Any, str]:
    values = sorted(
        {part.strip().lower() for part in _as_text(cell).replace(",", ";").split(";") if part.strip()}
    )
    unknown = [v for v in values if column.choices and v not in column.choices]
    if unknown:
        return values, f"Unknown value(s): {', '.join(unknown)}. Use any of: {column.allowed}."
    return values, ""


# -- checks across rows and against the database ------------------------------------------------------------


def check_rows(parsed: ParsedFile, state: State) -> None:
    """Add cross-row and database problems to `parsed`."""
    _check_org_units(parsed, state)
    _check_practitioners(parsed, state)
    _check_memberships(parsed, state)
    _check_reductions(parsed, state)
    _check_cases(parsed, state)
    _check_events(parsed, state)


def _duplicates(parsed: ParsedFile, entity: str, what: str) -> None:
    key_columns = GENERIC_LAYOUTS[entity].key
    first: dict[tuple[Any, ...], int] = {}
    for row in parsed.rows.get(entity, []):
        key = tuple(row[c] for c in key_columns)
        if key in first:
            parsed.error(row, key_columns[-1], f"The same {what} is already on row {first[key]}.")
        else:
            first[key] = row.number


def _dates_in_order(parsed: ParsedFile, row: Row, start: str, end: str) -> None:
    if row[start] and row[end] and row[end] < row[start]:
        parsed.error(row, end, f"{end} must be on or after {start}.")


def _check_org_units(parsed: ParsedFile, state: State) -> None:
    _duplicates(parsed, "org_units", "unit code")
    for row in parsed.rows.get("org_units", []):
        _dates_in_order(parsed, row, "effective_from", "effective_to")
        parent = row["parent_code"]
        if parent and not state.unit_exists(parent):
            parsed.error(
                row, "parent_code", f"There is no unit with code “{parent}” in the file or the database."
            )
        elif parent and state.is_under(parent, row["code"]):
            parsed.error(
                row, "parent_code", f"“{parent}” is inside “{row['code']}”; a unit cannot be under itself."
            )


def _check_practitioners(parsed: ParsedFile, state: State) -> None:
    _duplicates(parsed, "practitioners", "staff code")
    for row in parsed.rows.get("practitioners", []):
        _dates_in_order(parsed, row, "start_date", "leave_date")
        grade = row["grade_code"]
        if grade and grade not in state.grades:
            if row["staff_code"] in state.practitioners:
                parsed.warn(
                    row,
                    "grade_code",
                    f"Unknown grade code “{grade}”: the practitioner's grade is left as it is.",
                )
            else:
                parsed.error(
                    row,
                    "grade_code",
                    f"Unknown grade code “{grade}”. Known codes: {', '.join(sorted(state.grades))}.",
                )


def _check_memberships(parsed: ParsedFile, state: State) -> None:
    first_open: dict[tuple[str, str], int] = {}
    for row in parsed.rows.get("memberships", []):
        _dates_in_order(parsed, row, "start_date", "end_date")
        _staff_known(parsed, state, row, "staff_code")
        _team_known(parsed, state, row, "team_code")
        key = (row["staff_code"], row["team_code"])
        if key in first_open:
            parsed.error(
                row, "team_code", f"{key[0]} already has a membership of {key[1]} on row {first_open[key]}: a "
                "practitioner has one open membership per team; put its end date on that row.",
            )  # fmt: skip
        else:
            first_open[key] = row.number


def _staff_known(parsed: ParsedFile, state: State, row: Row, column: str) -> bool:
    staff = row[column]
    if staff and not state.practitioner_exists(staff):
        parsed.error(
            row, column, f"There is no practitioner with staff code “{staff}” in the file or the database."
        )
        return False
    return bool(staff)


def _team_known(parsed: ParsedFile, state: State, row: Row, column: str) -> bool:
    code = row[column]
    if not code:
        return False
    kind = state.unit_kind(code)
    if kind is None:
        parsed.error(row, column, f"There is no unit with code “{code}” in the file or the database.")
        return False
    if kind != "team":
        parsed.error(row, column, f"“{code}” is a unit of kind {kind}, not a team.")
        return False
    return True


def _check_reductions(parsed: ParsedFile, state: State) -> None:
    _duplicates(parsed, "reductions", "reduction (practitioner, team, reason and start date)")
    for row in parsed.rows.get("reductions", []):
        _dates_in_order(parsed, row, "effective_from", "effective_to")
        staff, team, code = row["staff_code"], row["team_code"], row["reason_code"]
        reason = state.reasons.get(code) if code else None
        if code and reason is None:
            parsed.error(row, "reason_code", f"Unknown reduction reason “{code}”.")
        elif reason is not None and not reason.enabled:
            parsed.error(row, "reason_code", f"“{reason.name}” is no longer in use; choose another reason.")
        if not (staff and team):
            continue
        hours = state.hours_after(staff, team)
        if hours is None:
            parsed.error(
                row, "team_code", f"{staff} has no membership of {team} in the file or the database."
            )
            continue
        if reason is None or not reason.enabled:
            continue
        state.resolve_reduction(row, reason, hours, parsed)


def _check_cases(parsed: ParsedFile, state: State) -> None:
    _duplicates(parsed, "cases", "case reference in this organisation")
    for row in parsed.rows.get("cases", []):
        organisation, team, staff = row["organisation_code"], row["team_code"], row["staff_code"]
        team_ok = _team_known(parsed, state, row, "team_code")
        if organisation and not state.unit_exists(organisation):
            parsed.error(
                row,
                "organisation_code",
                f"There is no unit with code “{organisation}” in the file or the database.",
            )
        elif organisation and team_ok and not state.is_under(team, organisation):
            parsed.error(row, "team_code", f"Team “{team}” is not part of organisation “{organisation}”.")
        if row["status"] == "closed" and not row["closed_date"]:
            parsed.error(row, "closed_date", "A closed case needs a closed date.")
        if row["status"] != "closed" and row["closed_date"]:
            parsed.error(
                row, "closed_date", "Only a closed case has a closed date; set the status to closed."
            )
        staff_ok = _staff_known(parsed, state, row, "staff_code")
        if staff_ok and team_ok and row["status"] != "closed" and not state.member_after(staff, team):
            parsed.error(
                row,
                "staff_code",
                f"{staff} is not a current member of team {team}; add the membership first.",
            )


def _check_events(parsed: ParsedFile, state: State) -> None:
    for row in parsed.rows.get("events", []):
        key = (row["organisation_code"], row["case_reference"])
        if all(key) and not state.case_exists(key):
            parsed.error(
                row,
                "case_reference",
                f"There is no case {key[1]} in organisation {key[0]} in the file or the database.",
            )
        _staff_known(parsed, state, row, "staff_code")
        kind = row["kind"]
        if kind in ("report_requested", "report_completed") and not row["report_type"]:
            parsed.error(row, "report_type", "A report event needs a report type.")
        if kind == "cms_contact":
            if not row["contact_type"]:
                parsed.error(row, "contact_type", "A case-management-support contact needs a contact type.")
            if not row["staff_code"]:
                parsed.error(
                    row,
                    "staff_code",
                    "A case-management-support contact needs the staff code of who made it.",
                )
