"""The WMT extract workbook as an import: reading and name cleaning, problems with sheet/row/column, the
dry run, applying, points under the legacy WMT scheme, importing twice, closing surplus cases, the command.

The workbook built here: region NW with PDU NW1 and teams NW1A and NW1B; officers O1 (PO, code M) in NW1A,
O2 (PSO, code PSQ) and O3 (an unknown grade code) in NW1B."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.core.management import call_command

from caseload.cases.models import Case, CaseEvent
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.tests.helpers import applied, checked
from caseload.imports.wmt import is_extract
from caseload.imports.wmt.sheets import clean_name
from caseload.organisations.models import OrgUnit, Practitioner, TeamMembership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "org")]
TODAY = dt.date(2026, 3, 16)  # FROZEN_NOW's date
STAMP = "2026-03-16 06:00:00"


def officer(om_key: str, team: str, grade: str, surname: str, **counts: int) -> dict[str, Any]:
    return {"Region_Code": "NW", "Region_Desc": "North West", "PDU_Code": "NW1", "PDU_Desc": "Manchester",
            "Team_Code": team, "Team_Desc": f"Team {team}", "OM_Key": om_key, "OM_Surname": surname,
            "OM_Forename": "Sam", "OM_Grade_Code": grade, "DateStamp": STAMP, **counts}  # fmt: skip


def flag(row_type: str, crn: str, slot: int, om_key: str, team: str, location: str) -> dict[str, Any]:
    return {"row_type": row_type, "case_ref_no": crn, "tier_code": slot, "team_code": team,
            "om_grade_code": "", "om_key": om_key, "location": location}  # fmt: skip


def extract_sheets() -> dict[str, list[dict[str, Any]]]:
    filtered = [
        # O1: 2 community A3, 1 licence C2, 1 untiered, 1 unsupervised B2S, 1 custody D1 (the warrant case).
        officer("O1", "NW1A", "M", "Okoro", CommTierA3=2, LicenceTierC2=1, CommTier0=1, CommTierB2S=1,
                CustTierD1=1),
        officer("O2", "NW1B", "PSQ", "Patel", CommTierB1=1),  # the unpaid-work case
        officer("O3", "NW1B", "ZZ9", "Quinn", CommTierD2=1),
    ]  # fmt: skip
    unfiltered = [{**row, "CommTierA3": row.get("CommTierA3", 0) + 1} for row in filtered]
    return {
        "WMT_Extract": [{**row, "V-CRN_Count": 7} for row in unfiltered],
        "WMT_Extract_Filtered": filtered,
        "T2A": [officer("O2", "NW1B", "PSQ", "Patel", CommTierC1=1)],
        "Court_Reports": [
            {"om_key": "O1", "team_code": "NW1A", "sdr_last_30": 1, "sdr_due_next_30": 3, "sdr_conv_last_30": 0},
            {"om_key": "C9", "team_code": "NW1A", "sdr_last_30": 4, "sdr_conv_last_30": 0},  # court only
        ],
        # Slot 15 is D1 (§2.1); slot 7 is B1.
        "Flag_Warr_4_N": [flag("W", "X100001", 15, "O1", "NW1A", "Custody")],
        "Flag_UPW": [flag("U", "X100002", 7, "O2", "NW1B", "Community")],
        "Flag_O_Due": [],
        "Flag_Priority": [],
        "CMS": [
            {"contact_id": "C-1", "crn": "X200001", "contact_date": "2026-03-13 10:00:00",
             "contact_type_code": "CMS01", "contact_staff_key": "O2", "contact_team_key": "NW1B",
             "om_key": "O3", "om_team_key": "NW1B"},
            {"contact_id": "C-2", "crn": "X200002", "contact_date": "2026-02-20 10:00:00",
             "contact_type_code": "CMS02", "contact_staff_key": "O3", "contact_team_key": "NW1B",
             "om_key": "O2", "om_team_key": "NW1B"},
        ],
        "OMIC_Teams": [],
    }  # fmt: skip


HEADERS = {
    "Court_Reports": ["om_key", "team_code", "sdr_last_30", "sdr_due_next_30", "sdr_conv_last_30"],
    "CMS": ["contact_id", "crn", "contact_date", "contact_type_code", "contact_staff_key", "contact_team_key",
            "om_key", "om_team_key"],
    **{name: ["row_type", "case_ref_no", "tier_code", "team_code", "om_grade_code", "om_key", "location"]
       for name in ("Flag_Warr_4_N", "Flag_UPW", "Flag_O_Due", "Flag_Priority")},
}  # fmt: skip
COUNT_HEADER = [*officer("", "", "", "").keys(), "CommTierA3", "LicenceTierC2", "CommTier0", "CommTierB2S",
                "CustTierD1", "CommTierB1", "CommTierD2", "CommTierC1", "V-CRN_Count"]  # fmt: skip


def workbook(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        header = HEADERS.get(name, COUNT_HEADER)
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(header):
                if row.get(column) is not None:
                    sheet.write(r, c, row[column])
    book.close()
    return buffer.getvalue()


def problems(run: ImportRun, kind: str = "errors") -> list[tuple[str, int | None, str]]:
    return [(p["sheet"], p["row"], p["column"]) for p in getattr(run, kind)]


def test_names_are_cleaned_as_wmt_does():
    assert clean_name(" WMT_Extract ") == "wmt_extract"
    assert clean_name("V-CRN_Count") == "vcrn_count"
    assert clean_name("Flag_Warr-4-N") == "flag_warr4-n"  # only the first hyphen goes


def test_the_workbook_is_recognised_by_its_sheets():
    assert is_extract("WMT_PS.xlsx", workbook(extract_sheets()))
    assert not is_extract("cases.csv", b"reference\n")
    assert is_extract("anything.csv", b"", "wmt_extract")


def test_dry_run_counts_and_warnings():
    run = checked("WMT_PS.xlsx", workbook(extract_sheets()))
    assert run.status == ImportStatus.VALIDATED, run.errors
    assert (run.kind, run.layout) == ("wmt_extract", "wmt_extract")
    counts = {entity: run.counts[entity]["added"] for entity in ("org_units", "practitioners", "memberships",
                                                                 "cases", "events")}  # fmt: skip
    # cases: O1 6 (+ the court-report holder), O2 the UPW CRN and a T2A case, O3 1, two CMS CRNs.
    assert counts == {"org_units": 4, "practitioners": 3, "memberships": 3, "cases": 12, "events": 3}
    messages = [p["message"] for p in run.warnings]
    assert run.counts["problems"]["warnings"] == len(run.warnings) == 4
    assert "Unknown grade code “ZZ9”: measured as DMY (Not measured)." in messages
    assert "Grade DMY (Not measured) is not recorded yet and will be added." in messages
    assert ("Court_Reports", 3, "om_key") in problems(run, "warnings")  # the court-only reporter
    assert ("OMIC_Teams", None, "") in problems(run, "warnings")
    assert not Case.objects.exists() and not Practitioner.objects.filter(staff_code="O1").exists()


def test_each_problem_names_its_sheet_row_and_column():
    sheets = extract_sheets()
    sheets["WMT_Extract_Filtered"][1]["CommTierB1"] = "two"
    sheets["WMT_Extract_Filtered"].append(officer("O7", "NW1A", "M", "Nobody"))
    sheets["Flag_UPW"][0]["location"] = "Prison"
    sheets["CMS"][0]["contact_date"] = "13/03/2026"
    run = checked("WMT_PS.xlsx", workbook(sheets))
    assert run.status == ImportStatus.REJECTED
    assert set(problems(run)) == {
        ("WMT_Extract_Filtered", 3, "commtierb1"),
        ("WMT_Extract_Filtered", 5, "team_code"),
        ("Flag_UPW", 2, "location"),
        ("CMS", 2, "contact_date"),
    }
    assert not OrgUnit.objects.filter(code="NW").exists()


def test_a_missing_column_is_reported_on_the_header_row():
    del HEADERS["Flag_UPW"][-2]  # om_key
    try:
        run = checked("WMT_PS.xlsx", workbook(extract_sheets()))
    finally:
        HEADERS["Flag_UPW"].insert(-1, "om_key")
    assert problems(run) == [("Flag_UPW", 1, "om_key")]
    assert run.errors[0]["message"] == "This required column is missing."


def test_a_missing_sheet_rejects_the_file_and_writes_nothing():
    sheets = extract_sheets()
    del sheets["CMS"]
    run = applied("WMT_PS.xlsx", workbook(sheets))
    assert run.status == ImportStatus.REJECTED
    assert "the sheet(s) cms are missing" in run.error_message
    assert not OrgUnit.objects.filter(code="NW").exists() and not Case.objects.exists()


def test_apply_then_points_under_the_legacy_scheme():
    from caseload.schemes.models import Scheme, SchemeAssignment
    from caseload.schemes.services import install_presets
    from caseload.workloads.selectors import team_workload

    run = applied("WMT_PS.xlsx", workbook(extract_sheets()))
    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    region = OrgUnit.objects.get(code="NW")
    assert (region.kind, region.parent.code) == ("region", "ORG")
    assert OrgUnit.objects.get(code="NW1A").parent.code == "NW1"
    grades = dict(Practitioner.objects.values_list("staff_code", "grade__code"))
    assert grades == {**grades, "O1": "PO", "O2": "PSO", "O3": "DMY"}
    hours = dict(TeamMembership.objects.values_list("practitioner__staff_code", "contracted_hours"))
    assert (hours["O1"], hours["O3"]) == (Decimal(37), Decimal(0))  # the grades' default hours
    warrant = Case.objects.get(reference="X100001")
    assert (warrant.category, warrant.level, warrant.flags) == ("custody", "D1", ["warrant"])
    assert not Case.objects.filter(reference__startswith="WMT-O1-NW1A-CUS-D1-").exists()  # replaced
    assert Case.objects.get(reference="WMT-O2-NW1B-COM-C1-Y1").flags == ["young_adult"]
    assert Case.objects.get(reference="WMT-O1-NW1A-COM-U-1").level == "untiered"
    assert CaseEvent.objects.filter(kind="report_completed", report_type="court_standard").count() == 1
    assert CaseEvent.objects.filter(kind="cms_contact").count() == 2

    install_presets()
    SchemeAssignment.objects.create(
        org_unit=region, scheme=Scheme.objects.get(code="probation-wmt-legacy"), effective_from=TODAY
    )
    points = {
        m.membership.practitioner.staff_code: m.result.total_points
        for team in ("NW1A", "NW1B")
        for m in team_workload(OrgUnit.objects.get(code=team), TODAY).members
    }
    # O1: 2 × community A3 (206) + licence C2 (65) + one standard court report (138); the untiered, the
    # unsupervised B2S and the warrant case (custody D1, keep 0%) earn 0.
    assert points["O1"] == 2 * 206 + 65 + 138 == 615
    # O2: community B1 with unpaid work only (102, keep 100%) + T2A community C1 (23) + CMS01 done on O3's
    # case three days ago (9); the CMS02 contact on O2's own case is outside the 7-day window.
    assert points["O2"] == 102 + 23 + 9


def test_the_same_workbook_twice_changes_nothing():
    content = workbook(extract_sheets())
    first = applied("WMT_PS.xlsx", content)
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    second = applied("WMT_PS.xlsx", content)
    assert second.status == ImportStatus.APPLIED and first.sha256 == second.sha256
    for entity in ("org_units", "practitioners", "memberships", "cases", "events"):
        assert second.counts[entity]["added"] == second.counts[entity]["changed"] == 0, entity
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_a_later_extract_with_lower_counts_closes_the_surplus_and_keeps_hours():
    applied("WMT_PS.xlsx", workbook(extract_sheets()))
    TeamMembership.objects.filter(practitioner__staff_code="O1").update(contracted_hours=Decimal("18.5"))
    sheets = extract_sheets()
    sheets["WMT_Extract_Filtered"][0]["CommTierA3"] = 1
    run = applied("WMT_PS.xlsx", workbook(sheets))
    assert run.status == ImportStatus.APPLIED, run.errors
    assert run.counts["cases"]["closed"] == 1
    closed = Case.objects.get(reference="WMT-O1-NW1A-COM-A3-2")
    assert (closed.status, closed.closed_date) == ("closed", TODAY)
    assert Case.objects.get(reference="WMT-O1-NW1A-COM-A3-1").status == "active"
    assert TeamMembership.objects.get(practitioner__staff_code="O1").contracted_hours == Decimal("18.5")
    assert run.counts["memberships"]["changed"] == 0


def test_the_command_detects_the_extract_and_takes_the_layout(tmp_path):
    path = tmp_path / "WMT_PS.xlsx"
    path.write_bytes(workbook(extract_sheets()))
    out = io.StringIO()
    call_command("import_file", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "  cases          added      12" in out.getvalue()
    assert "Unknown grade code “ZZ9”" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import_file", str(path), "--layout", "wmt_extract", "--organisation", "ORG", "--yes",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert "Applied import" in out.getvalue()
    assert Case.objects.filter(reference__startswith="WMT-").count() == 8  # and 4 real CRNs
