"""Applying an import recalculates, in its own transaction, the stored workload of every membership whose
inputs it changed, and only those: events (reports, support contacts, a later WMT extract's voided court
reports), grades, memberships and hours, and unit moves that change a team's scheme. Each test compares the
stored figures with a fresh calculation, after checking by hand that the figures really moved.

The generic file is the one of conftest.py (team NORTH-C under North Area, S001 a PO holding C0001, S002 a
PSO holding C0002), measured under probation-wmt-legacy (caseload/workloads/tests/fixtures.py): a standard
court report is 138 points for 30 days, a CMS03 support contact 18 points for 7 days."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from caseload.core.models import AuditEntry
from caseload.imports.models import ImportStatus
from caseload.imports.tests.helpers import applied, csv_bytes, xlsx_bytes
from caseload.imports.tests.test_wmt_extract_gaps import with_reports, workbook
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.workloads.inputs import current_memberships
from caseload.workloads.models import Workload, WorkloadSnapshot
from caseload.workloads.selectors import score_memberships
from caseload.workloads.services import recompute_snapshots
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
FROZEN_NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # conftest.FROZEN_NOW
TODAY = FROZEN_NOW.date()
EVENTS = ("organisation_code", "case_reference", "kind", "occurred_on", "staff_code", "report_type",
          "contact_type", "event_id")  # fmt: skip


def membership(staff_code: str, team: str = "NORTH-C") -> TeamMembership:
    return TeamMembership.objects.get(practitioner__staff_code=staff_code, team__code=team)


def stored_is_fresh(member: TeamMembership) -> Workload:
    """The stored workload, after checking it holds what a calculation from the data now gives."""
    stored = Workload.objects.get(membership=member)
    [fresh] = score_memberships(current_memberships(TODAY, membership_ids=[member.pk]), TODAY)
    result = fresh.result
    assert (
        stored.scheme_version_id, stored.total_points, stored.available_points, stored.workload_percent,
        stored.case_count, stored.contracted_hours, stored.reduction_hours, stored.calculated_for,
        len(stored.breakdown["items"]),
    ) == (
        fresh.version.pk, result.total_points, result.available_points,
        result.workload_percent.quantize(Decimal("0.0001"), ROUND_HALF_UP), result.case_count,
        result.contracted_hours, result.reduction_hours, TODAY, len(result.items),
    )  # fmt: skip
    return stored


def revisions() -> dict[str, int]:
    return dict(Workload.objects.values_list("membership__practitioner__staff_code", "revision"))


@pytest.fixture
def measured(legacy, sheets) -> dict[str, list[dict[str, Any]]]:  # noqa: F811
    """The file applied without its events, under the legacy scheme: S001 and S002 have stored figures."""
    base = {entity: rows for entity, rows in sheets.items() if entity != "events"}
    run = applied("all.xlsx", xlsx_bytes(base))
    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert run.counts["recalculation"] == "2 workloads recalculated"
    return sheets


def event(kind: str, reference: str, staff: str = "", **values: str) -> dict[str, str]:
    return {"organisation_code": "ORG", "case_reference": reference, "kind": kind,
            "occurred_on": "2026-03-13", "staff_code": staff, **values}  # fmt: skip


def test_an_import_of_events_only_recalculates_the_writer_the_doer_and_the_holder(measured):
    s001, s002 = stored_is_fresh(membership("S001")), stored_is_fresh(membership("S002"))
    rows = [
        event("report_completed", "C0001", "S001", report_type="court_standard"),
        event("cms_contact", "C0002", "S001", contact_type="CMS03", event_id="E-1"),  # on S002's case
        event("contact", "C0001"),
    ]

    run = applied("events.csv", csv_bytes("events", rows, header=list(EVENTS)))

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert run.counts["recalculation"] == "2 workloads recalculated"
    after = stored_is_fresh(membership("S001"))
    assert after.total_points == s001.total_points + 138 + 18
    assert after.revision == s001.revision + 1
    assert stored_is_fresh(membership("S002")).revision == s002.revision + 1


def test_an_import_of_unscored_events_recalculates_nobody(measured):
    before = revisions()
    rows = [event("contact", "C0001"), event("report_requested", "C0002", "S002", report_type="court_fast")]

    run = applied("events.csv", csv_bytes("events", rows, header=list(EVENTS)))

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert run.counts["recalculation"] == "nothing to recalculate"
    assert revisions() == before


def test_a_later_wmt_extract_that_voids_court_reports_updates_the_stored_figures(org):
    SchemeAssignment.objects.create(
        org_unit=org.organisation,
        scheme=_legacy_scheme(),
        effective_from=dt.date(2024, 4, 1),
    )
    assert applied("WMT_PS.xlsx", workbook(with_reports(3))).status == ImportStatus.APPLIED
    o1 = membership("O1", "NW1A")
    assert stored_is_fresh(o1).total_points == 2 * 206 + 65 + 3 * 138

    run = applied("WMT_PS.xlsx", workbook(with_reports(1)))  # two of the three reports are voided

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert (run.counts["events"]["added"], run.counts["cases"]["changed"]) == (2, 0)
    assert run.counts["recalculation"] == "1 workloads recalculated"
    assert stored_is_fresh(o1).total_points == 2 * 206 + 65 + 138


def test_a_grade_change_recalculates_every_membership_of_that_practitioner(measured, org):
    TeamMembership.objects.create(
        practitioner=membership("S002").practitioner, team=org.team, contracted_hours=Decimal(0),
        start_date=dt.date(2025, 1, 1),
    )  # fmt: skip
    assert stored_is_fresh(membership("S002")).available_points == 1088  # 18.5 of 37 hours
    assert not Workload.objects.filter(membership=membership("S002", "NORTH-A")).exists()  # never calculated
    before = revisions()
    measured["practitioners"][1]["grade_code"] = "SPO"  # the legacy seed gives an SPO no available time

    run = applied("practitioners.csv", csv_bytes("practitioners", measured["practitioners"]))

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert run.counts["practitioners"]["changed"] == 1
    assert run.counts["recalculation"] == "2 workloads recalculated"  # S002 in NORTH-C and in NORTH-A
    assert stored_is_fresh(membership("S002")).available_points == 0
    stored_is_fresh(membership("S002", "NORTH-A"))
    assert revisions()["S001"] == before["S001"]


def test_a_move_recalculates_the_teams_whose_scheme_changes_and_no_others(measured, org):
    SchemeAssignment.objects.create(
        org_unit=org.other_division,
        scheme=Scheme.objects.get(code="probation-2022"),
        effective_from=dt.date(2024, 4, 1),
    )
    [unit] = measured["org_units"]
    before = revisions()

    within_the_division = applied("org_units.csv", csv_bytes("org_units", [{**unit, "parent_code": "NORTH"}]))

    assert within_the_division.status == ImportStatus.APPLIED, within_the_division.errors
    assert OrgUnit.objects.get(code="NORTH-C").parent == org.division
    assert within_the_division.counts["recalculation"] == "nothing to recalculate"
    assert revisions() == before

    to_the_south = applied("org_units.csv", csv_bytes("org_units", [{**unit, "parent_code": "SOUTH"}]))

    assert to_the_south.status == ImportStatus.APPLIED, to_the_south.errors
    assert to_the_south.counts["recalculation"] == "2 workloads recalculated"
    for staff in ("S001", "S002"):
        assert stored_is_fresh(membership(staff)).scheme_version.scheme.code == "probation-2022"


def test_hours_changed_by_an_import_are_recalculated_and_audited_per_membership(measured, admin_user):
    before = stored_is_fresh(membership("S001"))
    measured["memberships"][0]["contracted_hours"] = 20

    run = applied("memberships.csv", csv_bytes("memberships", measured["memberships"]), actor=admin_user)

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    after = stored_is_fresh(membership("S001"))
    assert (before.contracted_hours, after.contracted_hours) == (Decimal(37), Decimal(20))
    assert after.available_points < before.available_points
    [entry] = AuditEntry.objects.filter(object_type="organisations.teammembership")
    assert (entry.object_id, entry.before, entry.after, entry.actor, entry.note) == (
        str(membership("S001").pk), {"contracted_hours": "37.00"}, {"contracted_hours": "20.00"}, admin_user,
        f"Import {run.pk}",
    )  # fmt: skip


def test_recomputed_snapshots_replay_hours_changed_by_imports(legacy, sheets, time_machine):  # noqa: F811
    time_machine.move_to(FROZEN_NOW - dt.timedelta(days=10), tick=False)  # 6 March: imported at 37 hours
    assert applied("all.xlsx", xlsx_bytes(sheets)).status == ImportStatus.APPLIED
    time_machine.move_to(FROZEN_NOW, tick=False)  # 16 March: a later file sets 20
    sheets["memberships"][0]["contracted_hours"] = 20
    assert applied("memberships.csv", csv_bytes("memberships", sheets["memberships"])).status == "applied"

    recompute_snapshots(dt.date(2026, 3, 10), TODAY)

    hours = dict(
        WorkloadSnapshot.objects.filter(membership=membership("S001")).values_list("on", "contracted_hours")
    )
    assert (hours[dt.date(2026, 3, 10)], hours[dt.date(2026, 3, 15)], hours[TODAY]) == (37, 37, 20)


def test_a_membership_the_import_ends_loses_its_stored_figures(measured):
    measured["memberships"][1]["end_date"] = "2026-03-01"
    measured["cases"][1]["staff_code"] = ""  # S002 can only leave once C0002 is handed back
    content = xlsx_bytes({e: measured[e] for e in ("memberships", "cases")})

    run = applied("all.xlsx", content)

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    assert not Workload.objects.filter(membership=membership("S002")).exists()
    stored_is_fresh(membership("S001"))


def _legacy_scheme() -> Scheme:
    from caseload.schemes.services import install_presets

    install_presets()
    return Scheme.objects.get(code="probation-wmt-legacy")


def test_a_case_handed_back_by_an_import_recalculates_who_did_support_contacts_on_it(measured):
    """S001 did a support contact on S002's case C0002. An import that unallocates C0002 (S002 leaves)
    takes that contact off S001's figures too: a contact counts only while the case has a holder."""
    contact = [event("cms_contact", "C0002", "S001", contact_type="CMS03", event_id="E-1")]
    run = applied("events.csv", csv_bytes("events", contact, header=list(EVENTS)))
    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    with_contact = stored_is_fresh(membership("S001"))

    measured["memberships"][1]["end_date"] = "2026-03-01"
    measured["cases"][1]["staff_code"] = ""
    run = applied("all.xlsx", xlsx_bytes({e: measured[e] for e in ("memberships", "cases")}))

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    after = stored_is_fresh(membership("S001"))
    assert after.total_points == with_contact.total_points - 18
    assert after.revision == with_contact.revision + 1


def test_a_doer_leaving_through_an_import_recalculates_the_holder_of_the_case(measured, org):
    """S002 did a support contact on S001's case C0001; when an import ends S002's only membership, the
    contact stops counting and S001, the holder, gets its points back."""
    contact = [event("cms_contact", "C0001", "S002", contact_type="CMS03", event_id="E-2")]
    run = applied("events.csv", csv_bytes("events", contact, header=list(EVENTS)))
    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    with_contact = stored_is_fresh(membership("S001"))

    measured["memberships"][1]["end_date"] = "2026-03-01"
    measured["cases"][1]["staff_code"] = ""  # S002 hands C0002 back so that the membership can end
    run = applied("all.xlsx", xlsx_bytes({e: measured[e] for e in ("memberships", "cases")}))

    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)
    after = stored_is_fresh(membership("S001"))
    assert after.total_points == with_contact.total_points + 18
    assert after.revision == with_contact.revision + 1
