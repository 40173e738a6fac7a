"""Every problem the checks report, with its sheet, row, column and message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseload.imports.layouts import CASES, MEMBERSHIPS, PRACTITIONERS
from caseload.imports.models import ImportStatus
from caseload.imports.tests.helpers import applied, checked, csv_bytes, xlsx_bytes
from caseload.imports.validation import parse_cell
from caseload.organisations.models import ReductionReason

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        (CASES.column("reference"), 123456.0, ("123456", "")),
        (CASES.column("reference"), "", (None, "Enter a value: this column is required.")),
        (CASES.column("reference"), "X" * 41, ("X" * 41, "This is 41 characters long; the most allowed is 40.")),
        (CASES.column("received_date"), dt.datetime(2026, 1, 5), (dt.date(2026, 1, 5), "")),
        (CASES.column("received_date"), "05/01/2026", (dt.date(2026, 1, 5), "")),
        (CASES.column("received_date"), "2026-02-30",
         (None, "“2026-02-30” is not a date: enter it as YYYY-MM-DD, for example 2026-03-16.")),
        (CASES.column("received_date"), 46000.0, (None, "“46000” is not a date: enter it as YYYY-MM-DD, for example 2026-03-16.")),
        (CASES.column("service"), "Probation", ("probation", "")),
        (CASES.column("service"), "police", ("police", "“police” is not allowed here. Use one of: probation, children, adult.")),
        (CASES.column("flags"), "Warrant; young_adult", (["warrant", "young_adult"], "")),
        (CASES.column("flags"), "", ([], "")),
        (MEMBERSHIPS.column("contracted_hours"), 37, (Decimal("37.00"), "")),
        (MEMBERSHIPS.column("contracted_hours"), "lots", (None, "Enter a number, not “lots”.")),
        (MEMBERSHIPS.column("contracted_hours"), "NaN", (None, "Enter a number, not “NaN”.")),
        (MEMBERSHIPS.column("contracted_hours"), 49, (Decimal("49.00"), "49.00 is out of range: enter a number from 0 to 48.")),
        (PRACTITIONERS.column("email"), None, (None, "")),
    ],
)  # fmt: skip
def test_parse_cell(column, cell, expected):
    assert parse_cell(column, cell) == expected


def test_unknown_flags_are_listed():
    values, message = parse_cell(CASES.column("flags"), "warrant;sparkly")
    assert values == ["sparkly", "warrant"]
    assert message.startswith("Unknown value(s): sparkly. Use any of: warrant, unpaid_work_only")


def problem(run, sheet, row, column):
    return next(
        p["message"] for p in run.errors if (p["sheet"], p["row"], p["column"]) == (sheet, row, column)
    )


def test_header_problems():
    content = b"staff_code,first_name,first_name,colour\nS1,A,A,red\n"
    run = checked("practitioners.csv", content)
    assert run.status == ImportStatus.REJECTED
    assert problem(run, "practitioners", 1, "first_name") == "This column appears more than once."
    assert problem(run, "practitioners", 1, "last_name") == "This required column is missing."
    assert problem(run, "practitioners", 1, "grade_code") == "This required column is missing."
    assert {"sheet": "practitioners", "row": 1, "column": "colour",
            "message": "This column is not part of the layout and was ignored."} in run.warnings  # fmt: skip


def test_empty_sheet():
    run = checked("cases.csv", b"\n")
    assert problem(run, "cases", 1, "") == "The sheet is empty: the first row must name the columns."


def test_blank_rows_are_skipped(sheets):
    content = csv_bytes("practitioners", [{}, sheets["practitioners"][0], {}])
    run = checked("practitioners.csv", content)
    assert run.status == ImportStatus.VALIDATED and run.counts["practitioners"]["added"] == 1


def test_two_sheets_for_one_layout(sheets):
    run = checked("book.xlsx", xlsx_bytes({"practitioners": sheets["practitioners"], "Practitioners ": []}))
    assert problem(run, "Practitioners ", None, "").startswith("Two sheets hold practitioners")


def mutate(sheets, entity, index, **changes):
    sheets[entity][index].update(changes)
    return checked("book.xlsx", xlsx_bytes(sheets))


CASES_ROW2 = ("cases", 2)


@pytest.mark.parametrize(
    ("entity", "index", "changes", "column", "message"),
    [
        ("org_units", 0, {"parent_code": "NOPE"}, "parent_code", "There is no unit with code “NOPE” in the file or the database."),
        ("org_units", 0, {"parent_code": "NORTH-C"}, "parent_code", "“NORTH-C” is inside “NORTH-C”; a unit cannot be under itself."),
        ("org_units", 0, {"effective_to": "2024-01-01"}, "effective_to", "effective_to must be on or after effective_from."),
        ("practitioners", 1, {"staff_code": "S001"}, "staff_code", "The same staff code is already on row 2."),
        ("practitioners", 0, {"grade_code": "XX"}, "grade_code", "Unknown grade code “XX”. Known codes: CM, NQO, NQSW, OT, PO, PQIP, PSO, SP, SPO, SW, TM."),
        ("practitioners", 0, {"leave_date": "2020-01-01"}, "leave_date", "leave_date must be on or after start_date."),
        ("memberships", 0, {"staff_code": "S999"}, "staff_code", "There is no practitioner with staff code “S999” in the file or the database."),
        ("memberships", 0, {"team_code": "NOPE"}, "team_code", "There is no unit with code “NOPE” in the file or the database."),
        ("memberships", 0, {"team_code": "NORTH-AREA"}, "team_code", "“NORTH-AREA” is a unit of kind area, not a team."),
        ("memberships", 1, {"staff_code": "S001"}, "team_code",
         "S001 already has a membership of NORTH-C on row 2: a practitioner has one open membership per team; put its end date on that row."),
        ("reductions", 0, {"reason_code": "nope"}, "reason_code", "Unknown reduction reason “nope”."),
        ("reductions", 0, {"team_code": "NORTH-A"}, "team_code", "S001 has no membership of NORTH-A in the file or the database."),
        ("reductions", 0, {"hours": "20"}, "hours", "Hours must be 18.50 or fewer (50.00% of 37.00 contracted hours)."),
        ("reductions", 0, {"reason_code": "other", "hours": None}, "hours", "Enter the hours per week the reduction takes off."),
        ("cases", 0, {"organisation_code": "NOPE"}, "organisation_code", "There is no unit with code “NOPE” in the file or the database."),
        ("cases", 0, {"organisation_code": "SOUTH"}, "team_code", "Team “NORTH-C” is not part of organisation “SOUTH”."),
        ("cases", 0, {"team_code": "NOPE"}, "team_code", "There is no unit with code “NOPE” in the file or the database."),
        ("cases", 0, {"status": "closed"}, "closed_date", "A closed case needs a closed date."),
        ("cases", 0, {"closed_date": "2026-03-01"}, "closed_date", "Only a closed case has a closed date; set the status to closed."),
        ("cases", 0, {"staff_code": "S999"}, "staff_code", "There is no practitioner with staff code “S999” in the file or the database."),
        ("cases", 0, {"team_code": "NORTH-A"}, "staff_code", "S001 is not a current member of team NORTH-A; add the membership first."),
        ("cases", 1, {"reference": "C0001"}, "reference", "The same case reference in this organisation is already on row 2."),
        ("cases", 0, {"flags": "warrant;bogus"}, "flags", "Unknown value(s): bogus. Use any of: " + ", ".join(CASES.column("flags").choices) + "."),
        ("events", 0, {"case_reference": "C9999"}, "case_reference", "There is no case C9999 in organisation ORG in the file or the database."),
        ("events", 0, {"staff_code": "S999"}, "staff_code", "There is no practitioner with staff code “S999” in the file or the database."),
        ("events", 0, {"kind": "report_completed"}, "report_type", "A report event needs a report type."),
        ("events", 3, {"contact_type": None}, "contact_type", "A case-management-support contact needs a contact type."),
        ("events", 3, {"staff_code": None}, "staff_code", "A case-management-support contact needs the staff code of who made it."),
    ],
)  # fmt: skip
def test_cross_row_and_database_errors(sheets, entity, index, changes, column, message):
    run = mutate(sheets, entity, index, **changes)
    assert run.status == ImportStatus.REJECTED
    assert {"sheet": entity, "row": index + 2, "column": column, "message": message} in run.errors, run.errors


def test_a_unit_moved_under_its_own_child_is_refused(sheets):
    sheets["org_units"].append(
        {"code": "NORTH-AREA", "name": "North Area", "kind": "area", "parent_code": "NORTH-C"}
    )
    run = checked("book.xlsx", xlsx_bytes(sheets))
    assert (
        problem(run, "org_units", 3, "parent_code")
        == "“NORTH-C” is inside “NORTH-AREA”; a unit cannot be under itself."
    )


def test_a_disabled_reason_is_refused(sheets):
    ReductionReason.objects.filter(code="trade-union").update(enabled=False)
    run = checked("book.xlsx", xlsx_bytes(sheets))
    assert (
        problem(run, "reductions", 2, "reason_code")
        == "“Trade union facility time” is no longer in use; choose another reason."
    )


def test_unknown_grade_of_someone_known_is_a_warning_and_keeps_their_grade(sheets):
    applied("book.xlsx", xlsx_bytes(sheets))
    sheets["practitioners"][0]["grade_code"] = "ZZ"
    run = checked("book.xlsx", xlsx_bytes(sheets))
    assert run.status == ImportStatus.VALIDATED
    assert run.warnings == [{"sheet": "practitioners", "row": 2, "column": "grade_code",
                             "message": "Unknown grade code “ZZ”: the practitioner's grade is left as it is."}]  # fmt: skip
    assert run.counts["practitioners"]["unchanged"] == 2
    assert run.counts["problems"] == {"errors": 0, "warnings": 1}


def test_reason_rules_replace_hours_and_end_date_with_warnings(sheets):
    sheets["reductions"][0].update(reason_code="maternity-leave", hours="10", effective_to="2026-12-31")
    run = applied("book.xlsx", xlsx_bytes(sheets))
    assert run.status == ImportStatus.APPLIED
    assert [(w["column"], w["message"]) for w in run.warnings] == [
        ("hours", "“Maternity leave” fixes the hours at 37.00; 10.00 was replaced."),
        ("effective_to", "“Maternity leave” ends after 6 months: the end date is 2026-06-30."),
    ]
    from caseload.organisations.models import Reduction

    reduction = Reduction.objects.get()
    assert (reduction.hours, reduction.effective_to) == (Decimal("37.00"), dt.date(2026, 6, 30))


def test_cell_errors_carry_sheet_row_and_column(sheets):
    sheets["memberships"][1]["contracted_hours"] = "lots"
    run = checked("book.xlsx", xlsx_bytes(sheets))
    assert {
        "sheet": "memberships",
        "row": 3,
        "column": "contracted_hours",
        "message": "Enter a number, not “lots”.",
    } in run.errors
