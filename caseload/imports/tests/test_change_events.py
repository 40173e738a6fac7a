"""An import that changes a case's category, level or flags records the change events the case services
record (with "from" and "to"), so recomputed snapshots undo it; the events sheet refuses those kinds.

The generic file is the one of conftest.py (team NORTH-C under North Area, S001 a PO, S002 a PSO), measured
under probation-wmt-legacy: community A3 = 206, C1 = 50, C2 = 63; licence B1 = 119; a warrant keeps 0 %."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from caseload.cases.models import Case, CaseEvent, EventKind
from caseload.imports import applying, services
from caseload.imports.models import ImportStatus
from caseload.imports.tests.helpers import applied, checked, xlsx_bytes
from caseload.imports.tests.test_wmt_extract import extract_sheets, flag, workbook
from caseload.organisations.models import TeamMembership
from caseload.workloads.history import past_state
from caseload.workloads.models import Workload, WorkloadSnapshot
from caseload.workloads.services import recompute_snapshots
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
FROZEN_NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # conftest.FROZEN_NOW
TODAY = FROZEN_NOW.date()  # the day of the second import
DAY_BEFORE = TODAY - dt.timedelta(days=1)
FIRST_IMPORT = FROZEN_NOW - dt.timedelta(days=11)  # 5 March 2026
CHANGE_KINDS = (EventKind.LEVEL_CHANGED, EventKind.CATEGORY_CHANGED, EventKind.FLAGS_CHANGED)


def changes() -> list[tuple[str, str, dict[str, Any]]]:
    """(case reference, kind, details without the run id) of every change event, in the order recorded."""
    events = CaseEvent.objects.filter(kind__in=CHANGE_KINDS).order_by("pk")
    return [
        (e.case.reference, e.kind, {k: v for k, v in e.details.items() if k != "import_run"}) for e in events
    ]


@pytest.fixture
def first(sheets, time_machine, admin_user) -> dict[str, list[dict[str, Any]]]:
    """The file applied on 5 March with C0001 community A3 (S001) and C0002 community C1 (S002), no flags;
    the clock is back at FROZEN_NOW afterwards. Returns the sheets, to change for the second import."""
    sheets["cases"][0].update(level="A3", flags=None)
    sheets["cases"][1].update(level="C1")
    time_machine.move_to(FIRST_IMPORT, tick=False)
    assert applied("all.xlsx", xlsx_bytes(sheets), actor=admin_user).status == ImportStatus.APPLIED
    time_machine.move_to(FROZEN_NOW, tick=False)
    return sheets


def change_the_cases(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """C0001 to licence B1; C0002 to C2 and on warrant; C0003 (unallocated) from untiered to D2."""
    sheets["cases"][0].update(category="licence", level="B1")
    sheets["cases"][1].update(level="C2", flags="warrant")
    sheets["cases"][2].update(level="D2")
    return xlsx_bytes(sheets)


def test_a_generic_import_records_each_change_with_from_and_to(first, admin_user):
    assert not changes()  # adding cases records no change
    content = change_the_cases(first)

    run = applied("all.xlsx", content, actor=admin_user)

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert changes() == [
        ("C0001", "category_changed",
         {"from": {"category": "community", "level": "A3"}, "to": {"category": "licence", "level": "B1"}}),
        ("C0002", "level_changed", {"from": "C1", "to": "C2"}),
        ("C0002", "flags_changed", {"from": {"flags": []}, "to": {"flags": ["warrant"]}}),
        ("C0003", "level_changed", {"from": "", "to": "D2"}),
    ]  # fmt: skip
    events = CaseEvent.objects.filter(kind__in=CHANGE_KINDS)
    assert {(e.occurred_on, e.recorded_by, e.details["import_run"]) for e in events} == {
        (TODAY, admin_user, run.pk)
    }
    holders = {e.case.reference: e.practitioner and e.practitioner.staff_code for e in events}
    assert holders == {"C0001": "S001", "C0002": "S002", "C0003": None}

    again = applied("all.xlsx", content, actor=admin_user)
    assert again.status == ImportStatus.APPLIED
    assert again.counts["cases"]["changed"] == 0
    assert CaseEvent.objects.filter(kind__in=CHANGE_KINDS).count() == 4


def test_a_change_of_flags_alone_records_only_a_flags_change(first):
    first["cases"][0].update(flags="young_adult;interpreter")

    assert applied("all.xlsx", xlsx_bytes(first)).status == ImportStatus.APPLIED

    assert changes() == [
        ("C0001", "flags_changed", {"from": {"flags": []}, "to": {"flags": ["interpreter", "young_adult"]}})
    ]


def membership(staff_code: str) -> TeamMembership:
    return TeamMembership.objects.get(practitioner__staff_code=staff_code, team__code="NORTH-C")


def recomputed(staff_code: str, *days: dt.date) -> list[int]:
    recompute_snapshots(min(days), max(days))
    totals = dict(
        WorkloadSnapshot.objects.filter(membership=membership(staff_code)).values_list("on", "total_points")
    )
    return [totals[day] for day in days]


@pytest.mark.usefixtures("legacy")
def test_snapshots_recomputed_for_the_day_before_the_import_score_the_old_values(first, admin_user):
    run = applied("all.xlsx", change_the_cases(first), actor=admin_user)
    assert run.status == ImportStatus.APPLIED
    assert run.counts["recalculation"] == "2 workloads recalculated"  # the holders of the changed cases
    assert Workload.objects.get(membership=membership("S001")).total_points == 119
    assert Workload.objects.get(membership=membership("S002")).total_points == 0

    # community A3, then licence B1; community C1, then C2 on warrant (kept at 0 %)
    assert recomputed("S001", DAY_BEFORE, TODAY) == [206, 119]
    assert recomputed("S002", DAY_BEFORE, TODAY) == [50, 0]
    before = {c.reference: c for c, _holder, _team in past_state(DAY_BEFORE).cases.values()}
    assert (before["C0001"].category, before["C0001"].level) == ("community", "A3")
    assert (before["C0002"].level, before["C0002"].flags) == ("C1", frozenset())


def test_a_failed_import_records_no_change_event(first, admin_user, monkeypatch):
    run = checked("all.xlsx", change_the_cases(first), actor=admin_user)
    assert run.status == ImportStatus.VALIDATED, run.errors
    original = applying.Writer._events
    written = []

    def events_then_fail(self, plan):
        original(self, plan)  # the cases and their change events are written by now…
        written.append(CaseEvent.objects.filter(kind__in=CHANGE_KINDS).count())
        raise RuntimeError("disk full")  # …then the process fails

    monkeypatch.setattr(applying.Writer, "_events", events_then_fail)
    run = services.apply_import(run, admin_user)

    assert run.status == ImportStatus.FAILED
    assert written == [4]
    assert not CaseEvent.objects.filter(kind__in=CHANGE_KINDS).exists()
    assert Case.objects.get(reference="C0001").category == "community"


@pytest.mark.parametrize(
    ("kind", "field"),
    [("level_changed", "level"), ("category_changed", "category (and level)"), ("flags_changed", "flags")],
)
def test_the_events_sheet_refuses_case_changes(sheets, kind, field):
    sheets["events"][1].update(kind=kind)

    run = checked("all.xlsx", xlsx_bytes(sheets))

    assert run.status == ImportStatus.REJECTED
    message = (
        f"{kind} cannot be imported as an event: change the case's {field} in the cases sheet instead, "
        "and the import records the change with the values before and after."
    )
    assert run.errors == [{"sheet": "events", "row": 3, "column": "kind", "message": message}]


# -- the WMT extract: X100001 is O1's custody D1 case on warrant (officers in test_wmt_extract.py)

FIRST_STAMP = "2026-03-05 06:00:00"


def test_an_extract_that_moves_a_crn_records_its_changes_and_history_replays_them(
    org, admin_user, time_machine
):
    sheets = extract_sheets()
    for row in sheets["WMT_Extract"]:
        row["DateStamp"] = FIRST_STAMP
    time_machine.move_to(FIRST_IMPORT, tick=False)
    assert applied("WMT_PS.xlsx", workbook(sheets), actor=admin_user).status == ImportStatus.APPLIED
    time_machine.move_to(FROZEN_NOW, tick=False)
    assert not changes()
    # The next extract: X100001 is now a community B1 case (slot 7), on warrant and unpaid work only.
    sheets = extract_sheets()
    sheets["WMT_Extract_Filtered"][0].update(CustTierD1=0, CommTierB1=1)
    sheets["Flag_Warr_4_N"] = [flag("W", "X100001", 7, "O1", "NW1A", "Community")]
    sheets["Flag_UPW"].append(flag("U", "X100001", 7, "O1", "NW1A", "Community"))

    run = applied("WMT_PS.xlsx", workbook(sheets), actor=admin_user)

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert changes() == [
        ("X100001", "category_changed",
         {"from": {"category": "custody", "level": "D1"}, "to": {"category": "community", "level": "B1"}}),
        ("X100001", "flags_changed",
         {"from": {"flags": ["warrant"]}, "to": {"flags": ["unpaid_work_only", "warrant"]}}),
    ]  # fmt: skip
    events = CaseEvent.objects.filter(kind__in=CHANGE_KINDS)
    assert {(e.occurred_on, e.recorded_by, e.practitioner.staff_code) for e in events} == {
        (TODAY, admin_user, "O1")
    }
    crn = Case.objects.get(reference="X100001")
    before, _holder, _team = past_state(DAY_BEFORE).cases[crn.pk]
    assert (before.category, before.level, before.flags) == ("custody", "D1", {"warrant"})
    after, _holder, _team = past_state(TODAY).cases[crn.pk]
    assert (after.category, after.level, after.flags) == ("community", "B1", {"warrant", "unpaid_work_only"})

    assert applied("WMT_PS.xlsx", workbook(sheets)).status == ImportStatus.APPLIED
    assert CaseEvent.objects.filter(kind__in=CHANGE_KINDS).count() == 2
