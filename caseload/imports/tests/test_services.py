"""Planning (the dry run), applying, idempotency and all-or-nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from caseload.cases.models import Case, CaseAllocation, CaseEvent, EventKind
from caseload.core.models import AuditEntry
from caseload.imports import applying, services
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.tests.helpers import applied, checked, csv_bytes, xlsx_bytes
from caseload.organisations.models import (
    OrgUnit,
    OrgUnitParentHistory,
    Practitioner,
    Reduction,
    TeamMembership,
)
from caseload.workloads.inputs import current_memberships
from caseload.workloads.models import Workload
from caseload.workloads.selectors import score_memberships
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

MODELS = [
    OrgUnit,
    OrgUnitParentHistory,
    Practitioner,
    TeamMembership,
    Reduction,
    Case,
    CaseAllocation,
    CaseEvent,
]


def digest() -> str:
    """Counts and every row's values of every model an import writes."""
    parts = []
    for model in MODELS:
        rows = list(model.objects.order_by("pk").values())
        for row in rows:
            row.pop("updated_at", None)
        parts.append(f"{model.__name__}:{len(rows)}:{rows!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def counts(run: ImportRun, entity: str) -> tuple[int, int, int, int]:
    c = run.counts[entity]
    return c["added"], c["changed"], c["unchanged"], c["closed"]


def test_dry_run_counts_and_changes_nothing(sheets, admin_user):
    before = digest()
    run = checked("all.xlsx", xlsx_bytes(sheets), actor=admin_user)
    assert run.status == ImportStatus.VALIDATED, run.errors
    assert [counts(run, e) for e in ("org_units", "practitioners", "memberships", "reductions", "cases", "events")] == [
        (1, 0, 0, 0), (2, 0, 0, 0), (2, 0, 0, 0), (1, 0, 0, 0), (3, 0, 0, 0), (4, 0, 0, 0),
    ]  # fmt: skip
    assert run.counts["summary"] == {"practitioners_moved": 0, "hours_changed": 0, "holders_changed": 2}
    assert {
        "entity": "org_units",
        "row": 2,
        "sheet": "org_units",
        "key": "NORTH-C",
        "action": "add",
        "fields": {},
    } in run.changes
    assert digest() == before
    assert not AuditEntry.objects.exists()


def test_apply_writes_everything_with_one_audit_entry(sheets, admin_user, org):
    run = applied("all.xlsx", xlsx_bytes(sheets), actor=admin_user)
    assert run.status == ImportStatus.APPLIED, (run.errors, run.error_message)

    team = OrgUnit.objects.get(code="NORTH-C")
    assert team.parent == org.area and team.path == f"{org.area.path}{team.pk}/"
    assert OrgUnitParentHistory.objects.filter(unit=team, parent=org.area, valid_to=None).exists()
    priya = Practitioner.objects.get(staff_code="S001")
    assert (priya.grade.code, priya.email, priya.start_date) == (
        "PO",
        "priya@example.org",
        dt.date(2021, 9, 1),
    )
    membership = TeamMembership.objects.get(practitioner=priya, team=team)
    assert membership.contracted_hours == Decimal("37.00")
    assert TeamMembership.objects.get(practitioner__staff_code="S002").contracted_hours == Decimal("18.50")
    reduction = Reduction.objects.get(membership=membership)
    assert (reduction.reason.code, reduction.hours, reduction.created_by) == (
        "trade-union",
        Decimal("7.40"),
        admin_user,
    )

    c1 = Case.objects.get(reference="C0001")
    assert (c1.organisation, c1.team, c1.practitioner, c1.flags, c1.level) == (
        org.organisation,
        team,
        priya,
        ["young_adult"],
        "B2",
    )
    assert Case.objects.get(reference="C0003").practitioner is None
    spell = CaseAllocation.objects.get(case=c1)
    assert (spell.practitioner, spell.team, spell.ended_at, spell.allocated_by) == (
        priya,
        team,
        None,
        admin_user,
    )
    assert CaseEvent.objects.filter(case=c1, kind=EventKind.ALLOCATED).count() == 1
    assert CaseEvent.objects.filter(case=c1, kind=EventKind.CONTACT).count() == 2
    cms = CaseEvent.objects.get(kind=EventKind.CMS_CONTACT)
    assert (cms.practitioner, cms.contact_type, cms.details["source_id"]) == (priya, "CMS01", "E-1")

    [entry] = AuditEntry.objects.all()
    assert (entry.object_type, entry.object_id, entry.actor) == ("imports.importrun", str(run.pk), admin_user)
    assert entry.after["counts"]["cases"]["added"] == 3
    assert run.applied_by == admin_user and run.finished_at is not None


def test_the_same_file_twice_changes_nothing(sheets, admin_user):
    content = xlsx_bytes(sheets)
    assert applied("all.xlsx", content, actor=admin_user).status == ImportStatus.APPLIED
    after_first = digest()
    second = applied("all.xlsx", content, actor=admin_user)
    assert second.status == ImportStatus.APPLIED
    assert digest() == after_first
    for entity in sheets:
        added, changed, unchanged, closed = counts(second, entity)
        assert (added, changed, closed) == (0, 0, 0), entity
        assert unchanged == len(sheets[entity])
    assert second.counts["recalculation"] == "nothing to recalculate"


def test_changes_moves_closures_and_allocation_history(sheets, admin_user, org):
    applied("all.xlsx", xlsx_bytes(sheets), actor=admin_user)
    c1 = Case.objects.get(reference="C0001")
    first_spell = CaseAllocation.objects.get(case=c1)

    sheets["org_units"][0].update(parent_code="SOUTH", name="Team C (moved)")
    sheets["memberships"] = [
        {"staff_code": "S001", "team_code": "NORTH-C", "contracted_hours": 30, "start_date": "2025-01-01"},
        {"staff_code": "S002", "team_code": "NORTH-C", "contracted_hours": "18.5", "start_date": "2025-01-01",
         "end_date": "2026-03-01"},
        {"staff_code": "S002", "team_code": "SOUTH-T", "contracted_hours": "18.5", "start_date": "2026-03-02"},
    ]  # fmt: skip
    sheets["cases"][0]["staff_code"] = "S002"  # S002 is no longer in NORTH-C: refused
    second = checked("v2.xlsx", xlsx_bytes(sheets))
    assert second.status == ImportStatus.REJECTED
    assert {"sheet": "cases", "row": 2, "column": "staff_code",
            "message": "S002 is not a current member of team NORTH-C; add the membership first."} in second.errors  # fmt: skip

    sheets["memberships"].append({"staff_code": "S002", "team_code": "NORTH-B", "contracted_hours": 10})
    sheets["cases"][0].update(team_code="NORTH-B", level="A1")
    sheets["cases"][1].update(status="closed", closed_date="2026-03-10")
    run = checked("v3.xlsx", xlsx_bytes(sheets), actor=admin_user)
    assert run.status == ImportStatus.VALIDATED, run.errors
    assert counts(run, "org_units") == (0, 1, 0, 0)
    assert counts(run, "memberships") == (2, 2, 0, 1)
    assert counts(run, "cases") == (0, 2, 1, 1)
    assert run.counts["summary"] == {"practitioners_moved": 1, "hours_changed": 1, "holders_changed": 1}
    change = next(c for c in run.changes if c["key"] == "ORG / C0001")
    assert change["fields"]["practitioner__staff_code"] == ["S001", "S002"]
    assert change["fields"]["level"] == ["B2", "A1"]

    run = services.apply_import(run, admin_user)
    assert run.status == ImportStatus.APPLIED, run.error_message
    team_c = OrgUnit.objects.get(code="NORTH-C")
    assert team_c.parent == org.other_division and team_c.path.startswith(org.other_division.path)
    assert OrgUnitParentHistory.objects.filter(
        unit=team_c, parent=org.area, valid_to=dt.date(2026, 3, 15)
    ).exists()
    c1.refresh_from_db()
    assert (c1.practitioner.staff_code, c1.team.code, c1.level) == ("S002", "NORTH-B", "A1")
    spells = list(CaseAllocation.objects.filter(case=c1).order_by("started_at", "pk"))
    assert [s.practitioner.staff_code for s in spells] == ["S001", "S002"]
    assert spells[0].pk == first_spell.pk and spells[0].ended_at is not None and spells[1].ended_at is None
    assert CaseEvent.objects.filter(case=c1, kind=EventKind.REALLOCATED).count() == 1
    c2 = Case.objects.get(reference="C0002")
    assert (c2.status, c2.closed_date) == ("closed", dt.date(2026, 3, 10))
    assert not CaseAllocation.objects.filter(case=c2, ended_at=None).exists()
    s2 = TeamMembership.objects.filter(practitioner__staff_code="S002")
    assert sorted((m.team.code, m.end_date) for m in s2) == [
        ("NORTH-B", None), ("NORTH-C", dt.date(2026, 3, 1)), ("SOUTH-T", None)
    ]  # fmt: skip
    assert TeamMembership.objects.get(practitioner__staff_code="S001").contracted_hours == Decimal(30)
    # and once more: nothing left to do
    after = digest()
    again = applied("v3.xlsx", xlsx_bytes(sheets))
    assert again.status == ImportStatus.APPLIED and digest() == after
    assert all(again.counts[e]["added"] + again.counts[e]["changed"] == 0 for e in sheets)


def test_an_error_part_way_through_applying_changes_nothing(sheets, admin_user, monkeypatch):
    applied("first.xlsx", xlsx_bytes({k: sheets[k] for k in ("org_units", "practitioners", "memberships")}))
    before = digest()
    audit_before = AuditEntry.objects.count()
    run = checked("all.xlsx", xlsx_bytes(sheets), actor=admin_user)

    original = applying.Writer._events

    def events_then_fail(self, plan):
        original(self, plan)  # cases, spells and events are written…
        assert CaseEvent.objects.filter(kind="contact").count() == 2
        raise RuntimeError("disk full")  # …then the process fails

    monkeypatch.setattr(applying.Writer, "_events", events_then_fail)
    run = services.apply_import(run, admin_user)
    assert run.status == ImportStatus.FAILED
    assert run.error_message == "Nothing was changed: RuntimeError: disk full"
    assert digest() == before
    assert AuditEntry.objects.count() == audit_before


def test_progress_is_reported_per_batch(sheets, monkeypatch):
    monkeypatch.setattr(applying, "BATCH", 1)
    seen = []
    run = checked("all.xlsx", xlsx_bytes(sheets))
    services.apply_import(run, None, progress=lambda entity, done, total: seen.append((entity, done, total)))
    assert ("cases", 0, 3) in seen and ("cases", 2, 3) in seen and ("cases", 3, 3) in seen


def test_apply_needs_a_clean_check(sheets):
    run = services.create_run(file_name="cases.csv", content=csv_bytes("cases", sheets["cases"]))
    with pytest.raises(services.ImportNotReady):
        services.apply_import(run, None)


def test_apply_plans_again_and_refuses_when_the_database_moved_on(sheets):
    applied("base.xlsx", xlsx_bytes({k: sheets[k] for k in ("org_units", "practitioners", "memberships")}))
    run = checked("cases.csv", csv_bytes("cases", sheets["cases"]))
    assert run.status == ImportStatus.VALIDATED
    TeamMembership.objects.filter(practitioner__staff_code="S001").update(end_date=dt.date(2026, 3, 1))
    run = services.apply_import(run, None)
    assert run.status == ImportStatus.REJECTED
    assert (
        run.errors[0]["message"] == "S001 is not a current member of team NORTH-C; add the membership first."
    )
    assert not Case.objects.exists()


@pytest.mark.usefixtures("legacy")
def test_the_touched_memberships_are_recalculated_in_the_import(sheets):
    run = applied("all.xlsx", xlsx_bytes(sheets))
    assert run.counts["recalculation"] == "2 workloads recalculated"
    today = dt.date(2026, 3, 16)
    memberships = TeamMembership.objects.filter(team__code="NORTH-C").order_by("practitioner__staff_code")
    scored = score_memberships(current_memberships(today, membership_ids=[m.pk for m in memberships]), today)
    stored = {w.membership_id: w for w in Workload.objects.all()}
    assert [m.practitioner.staff_code for m in memberships] == ["S001", "S002"]
    assert set(stored) == {m.pk for m in memberships}
    for fresh in scored:
        workload = stored[fresh.membership.pk]
        assert (workload.total_points, workload.available_points, workload.case_count, workload.reduction_hours) == (
            fresh.result.total_points, fresh.result.available_points, fresh.result.case_count,
            fresh.result.reduction_hours,
        )  # fmt: skip
        assert (workload.calculated_for, workload.reason) == (today, f"Import {run.pk} of all.xlsx")
    # S002 holds C0002 (community C1, 50 points) in 18.5 of 37 hours; S001's reduction is 7.4 hours.
    s002 = stored[memberships[1].pk]
    assert (s002.total_points, s002.available_points, s002.case_count) == (50, 1088, 1)
    assert stored[memberships[0].pk].reduction_hours == Decimal("7.4")


def test_memberships_no_scheme_measures_get_no_figures_and_the_import_applies(sheets):
    run = applied("all.xlsx", xlsx_bytes(sheets))
    assert run.status == ImportStatus.APPLIED
    assert run.counts["recalculation"] == (
        "0 workloads recalculated; 2 memberships not measured (no scheme in force for their team)"
    )
    assert not Workload.objects.exists()


def test_a_failing_recalculation_undoes_the_import(sheets, monkeypatch):
    before = digest()

    def broken(memberships, **kwargs):
        raise ValueError("no scheme")

    monkeypatch.setattr(services, "recalculate", broken)
    run = applied("all.xlsx", xlsx_bytes(sheets))
    assert run.status == ImportStatus.FAILED
    assert run.error_message == "Nothing was changed: ValueError: no scheme"
    assert digest() == before
    assert not AuditEntry.objects.exists()


def test_run_records_file_name_hash_and_size(admin_user):
    content = csv_bytes("practitioners", [])
    run = services.create_run(file_name="practitioners.csv", content=content, actor=admin_user)
    assert (run.file_name, run.size, run.sha256, run.created_by) == (
        "practitioners.csv", len(content), hashlib.sha256(content).hexdigest(), admin_user
    )  # fmt: skip
    assert bytes(ImportRun.objects.get(pk=run.pk).content) == content


def test_a_column_missing_from_the_file_leaves_existing_values_alone(sheets):
    applied("all.xlsx", xlsx_bytes(sheets))
    rows = [
        {k: v for k, v in row.items() if k not in ("staff_code", "flags", "level")} for row in sheets["cases"]
    ]
    header = [c for c in rows[0] if True] + ["team_code"]
    run = applied("cases.csv", csv_bytes("cases", rows, header=list(dict.fromkeys(header))))
    assert run.status == ImportStatus.APPLIED, run.errors
    assert run.counts["cases"] == {"added": 0, "changed": 0, "unchanged": 3, "closed": 0}
    c1 = Case.objects.get(reference="C0001")
    assert (c1.practitioner.staff_code, c1.flags, c1.level) == ("S001", ["young_adult"], "B2")
