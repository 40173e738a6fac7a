"""The WMT extract: falling court-report counts void the surplus, a CRN that loses its flag is closed,
stand-alone orders (wmt_extract_sa) are flagged, and the sheets Caseload reads past say why. The workbook
is the one of test_wmt_extract.py (officers O1 in NW1A, O2 and O3 in NW1B)."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter

from caseload.cases.models import Case, CaseEvent, EventKind
from caseload.imports.models import ImportStatus
from caseload.imports.tests.helpers import applied, checked
from caseload.imports.tests.test_wmt_extract import COUNT_HEADER, HEADERS, TODAY, extract_sheets, flag
from caseload.organisations.models import OrgUnit
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.schemes.services import install_presets
from caseload.workloads.selectors import team_workload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "org")]
FLAG_HEADER = HEADERS["Flag_UPW"]


def workbook(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        header = HEADERS.get(name) or (FLAG_HEADER if name == "WMT_Extract_SA" else COUNT_HEADER)
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(header):
                if row.get(column) is not None:
                    sheet.write(r, c, row[column])
    book.close()
    return buffer.getvalue()


def with_reports(standard: int) -> dict[str, list[dict[str, Any]]]:
    sheets = extract_sheets()
    sheets["Court_Reports"][0]["sdr_last_30"] = standard
    return sheets


def o1_points() -> Any:
    members = team_workload(OrgUnit.objects.get(code="NW1A"), TODAY).members
    return next(m.result for m in members if m.membership.practitioner.staff_code == "O1")


def measured() -> None:
    install_presets()
    SchemeAssignment.objects.create(
        org_unit=OrgUnit.objects.get(code="NW"),
        scheme=Scheme.objects.get(code="probation-wmt-legacy"),
        effective_from=TODAY,
    )


def test_a_falling_report_count_voids_the_surplus_and_the_window_counts_the_extracts_number():
    assert applied("WMT_PS.xlsx", workbook(with_reports(3))).status == ImportStatus.APPLIED
    measured()
    assert o1_points().total_points == 2 * 206 + 65 + 3 * 138

    run = applied("WMT_PS.xlsx", workbook(with_reports(1)))

    assert run.status == ImportStatus.APPLIED, run.errors
    assert run.counts["events"]["added"] == 2
    voids = CaseEvent.objects.filter(kind=EventKind.REPORT_VOIDED)
    assert voids.count() == 2
    assert {v.report_type for v in voids} == {"court_standard"}
    assert all(v.details["source_id"].startswith("VOID-") for v in voids)
    assert o1_points().total_points == 2 * 206 + 65 + 138
    assert sum(i.points for i in o1_points().items if i.kind == "report") == 138

    again = applied("WMT_PS.xlsx", workbook(with_reports(1)))  # the same count: nothing more to void
    assert again.counts["events"]["added"] == 0
    rising = applied("WMT_PS.xlsx", workbook(with_reports(2)))  # one new report on top of the one left
    assert rising.counts["events"]["added"] == 1
    assert o1_points().total_points == 2 * 206 + 65 + 2 * 138


def test_a_crn_that_loses_its_flag_is_closed_and_counted_in_its_cell_instead():
    applied("WMT_PS.xlsx", workbook(extract_sheets()))
    assert Case.objects.get(reference="X100001").status == "active"
    sheets = extract_sheets()
    sheets["Flag_Warr_4_N"] = []  # X100001's warrant was executed: it is an ordinary custody D1 case now

    run = applied("WMT_PS.xlsx", workbook(sheets))

    assert run.status == ImportStatus.APPLIED, run.errors
    old = Case.objects.get(reference="X100001")
    assert (old.status, old.closed_date) == ("closed", TODAY)
    replacement = Case.objects.get(reference="WMT-O1-NW1A-CUS-D1-1")
    assert (replacement.status, replacement.flags) == ("active", [])
    assert Case.objects.filter(team__code="NW1A", category="custody", status="active").count() == 1


def test_a_crn_that_moves_to_another_officer_is_updated_not_closed():
    applied("WMT_PS.xlsx", workbook(extract_sheets()))
    sheets = extract_sheets()
    sheets["Flag_UPW"] = [flag("U", "X100002", 7, "O3", "NW1B", "Community")]
    sheets["WMT_Extract_Filtered"][1]["CommTierB1"] = 0
    sheets["WMT_Extract_Filtered"][2]["CommTierB1"] = 1

    assert applied("WMT_PS.xlsx", workbook(sheets)).status == ImportStatus.APPLIED
    moved = Case.objects.get(reference="X100002")
    assert (moved.status, moved.practitioner.staff_code) == ("active", "O3")


def test_stand_alone_orders_are_flagged_suspended():
    sheets = extract_sheets()
    sheets["WMT_Extract_SA"] = [flag("S", "X300001", 12, "O3", "NW1B", "Community")]  # slot 12 is C0

    run = applied("WMT_PS.xlsx", workbook(sheets))

    assert run.status == ImportStatus.APPLIED, run.errors
    order = Case.objects.get(reference="X300001")
    assert (order.category, order.level, order.flags) == ("community", "C0", ["suspended"])


def test_sheets_read_past_say_why():
    sheets = extract_sheets()
    sheets["Suspended_Lifers"] = []
    sheets["T2A_Detail"] = []
    run = checked("WMT_PS.xlsx", workbook(sheets))
    messages = {p["sheet"]: p["message"] for p in run.warnings if p["row"] is None}
    assert "OMIC" in messages["OMIC_Teams"] and "§2.7" in messages["OMIC_Teams"]
    assert "no weighting" in messages["Suspended_Lifers"]
    assert "reporting only" in messages["T2A_Detail"]
