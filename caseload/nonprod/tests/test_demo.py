"""The demo organisation: its shape, its consistency, its determinism and the load command.

The demo is built once for the module, inside a transaction rolled back at the end, on a fixed day."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus, EventKind
from caseload.core.models import Role, User
from caseload.nonprod import codes
from caseload.nonprod.demo import DEMO_PASSWORD, DEMO_USERS, ROOT_CODE, DemoSummary, build_demo, remove_demo
from caseload.nonprod.demo_staff import RESPONSIBILITIES
from caseload.organisations.models import (
    OrgUnit,
    Practitioner,
    Reduction,
    ReductionStatus,
    Responsibility,
    TeamMembership,
)
from caseload.organisations.tests.factories import OrgUnitFactory
from caseload.reports.figures import performance_report
from caseload.workloads.selectors import team_workload

DEMO_DAY = dt.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = DEMO_DAY.date()

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(DEMO_DAY, tick=False)]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[DemoSummary]:
    """The demo built once on DEMO_DAY; every test sees it and the build is undone after the module."""
    with django_db_blocker.unblock(), time_machine.travel(DEMO_DAY, tick=False), transaction.atomic():
        yield build_demo()
        transaction.set_rollback(True)


def digest() -> str:
    """A fingerprint of every case: reference, category, level, status, dates and holder."""
    rows = Case.objects.order_by("reference").values_list(
        "reference", "category", "level", "status", "received_date", "closed_date", "practitioner__staff_code"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.fixture(scope="module")
def demo_digest(demo: DemoSummary, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return digest()


# --- Shape -------------------------------------------------------------------------------------------------


def test_counts_are_in_the_expected_ranges(demo):
    assert demo.org_units == 22
    assert demo.teams == 14
    assert 140 <= demo.practitioners <= 160
    assert demo.memberships == demo.practitioners + 1  # one person works in two teams
    assert 4500 <= demo.cases <= 5500
    assert demo.open_cases + demo.closed_cases == demo.cases
    assert 0.10 <= demo.closed_cases / demo.cases <= 0.30
    assert demo.users == len(DEMO_USERS) == 6
    assert demo.events > demo.allocations > demo.open_cases - demo.unallocated_cases


def test_the_tree_has_a_probation_region_and_two_care_divisions(demo):
    root = OrgUnit.objects.get(code=ROOT_CODE)
    kinds = Counter(OrgUnit.objects.within(root).values_list("kind", "service"))
    assert kinds == {
        ("organisation", ""): 1,
        ("region", "probation"): 1,
        ("pdu", "probation"): 2,
        ("team", "probation"): 8,
        ("division", "children"): 1,
        ("area", "children"): 1,
        ("team", "children"): 3,
        ("division", "adult"): 1,
        ("area", "adult"): 1,
        ("team", "adult"): 3,
    }
    for pdu in OrgUnit.objects.filter(kind="pdu"):
        assert OrgUnit.objects.within(pdu).teams().count() == 4


def test_every_team_has_open_cases_and_about_three_percent_waiting(demo):
    teams = OrgUnit.objects.teams().annotate(
        open=Count("cases", filter=Q(cases__status=CaseStatus.ACTIVE)),
        waiting=Count("cases", filter=Q(cases__status=CaseStatus.ACTIVE, cases__practitioner__isnull=True)),
    )
    for team in teams:
        assert team.open > 50, team.name
        assert 0.01 <= team.waiting / team.open <= 0.06, team.name
    assert 0.02 <= demo.unallocated_cases / demo.open_cases <= 0.04


def test_unallocated_cases_arrived_in_the_last_forty_days(demo):
    received = Case.objects.unallocated().values_list("received_date", flat=True)
    assert min(received) >= TODAY - dt.timedelta(days=40)
    assert max(received) <= TODAY - dt.timedelta(days=1)
    assert not CaseAllocation.objects.filter(case__practitioner__isnull=True, case__status="active").exists()


def open_cases(membership: TeamMembership) -> int:
    return Case.objects.open().filter(practitioner=membership.practitioner, team=membership.team).count()


def test_caseloads_follow_grade_hours_and_reductions(demo):
    # Caseloads are sized from each person's available time under their team's scheme, so full-time POs vary
    # (their cases differ in weight and some are over, some under) but stay below HMI Probation's 50; part-time
    # POs hold fewer; a PQiP trainee in their first 6 months (80% reduction) holds a handful; managers none.
    members = TeamMembership.objects.select_related("practitioner__grade", "team")
    full_time = sorted(
        open_cases(m) for m in members.filter(practitioner__grade__code="PO", contracted_hours=37)
    )
    part_time = sorted(
        open_cases(m) for m in members.filter(practitioner__grade__code="PO", contracted_hours__lt=37)
    )
    assert full_time[0] >= 20 and full_time[-1] < 50 and full_time[-1] - full_time[0] >= 10, full_time
    assert part_time[len(part_time) // 2] < full_time[len(full_time) // 2]
    first_months = {
        r.membership
        for r in Reduction.objects.filter(reason__code="pqip-0-6")
        if r.status_on(TODAY) == "active"
    }
    assert first_months and all(open_cases(m) <= 8 for m in first_months)
    assert not Case.objects.filter(practitioner__grade__holds_cases=False).exists()


def test_every_team_scores_near_capacity_with_a_realistic_spread(demo):
    members = []
    for team in OrgUnit.objects.teams():
        workload = team_workload(team, TODAY)
        assert workload is not None, team.code
        assert 75 <= workload.total.workload_percent <= 115, (
            team.code,
            workload.total.workload_percent_display,
        )
        members += workload.members
    assert not [(m.membership, m.result.warnings) for m in members if m.result.warnings]
    holders = [m.result.workload_percent for m in members if m.membership.practitioner.grade.holds_cases]
    assert any(percent > 110 for percent in holders) and any(percent < 85 for percent in holders)
    assert sum(85 <= percent <= 110 for percent in holders) > len(holders) / 2  # most green or amber
    # Senior probation officers are not measured: no available time to inflate their team's capacity.
    assert {m.result.available_points for m in members if m.result.grade == "SPO"} == {0}


def test_extra_responsibilities_show_in_the_breakdown(demo):
    assert Responsibility.objects.count() == len(RESPONSIBILITIES)
    lines = [
        item
        for team in OrgUnit.objects.teams()
        for member in team_workload(team, TODAY).members  # type: ignore[union-attr]
        for item in member.result.items
        if item.kind == "extra_responsibility"
    ]
    assert {item.reference for item in lines} == {"duty-rota", "practice-educator", "champion", "nqsw-mentor"}
    assert all(item.points > 0 for item in lines)


def test_codes_come_from_the_scheme_lists(demo):
    for service in (codes.PROBATION, codes.CHILDREN, codes.ADULT):
        cases = Case.objects.filter(service=service)
        assert set(cases.values_list("category", flat=True)) == set(codes.CATEGORIES[service])
        for category, level in cases.values_list("category", "level").distinct():
            assert level in codes.levels_for(service, category), (service, category, level)
        assert cases.exclude(team__service=service).count() == 0


def test_probation_mix_is_realistic(demo):
    probation = Case.objects.filter(service=codes.PROBATION, status=CaseStatus.ACTIVE)
    total = probation.count()
    categories = Counter(probation.values_list("category", flat=True))
    letters = Counter(level[:1] for level in probation.values_list("level", flat=True))
    assert categories["community"] > total / 2 > categories["licence"] + categories["custody"] > total / 5
    assert letters["C"] + letters["D"] > total / 2 and letters["B"] > letters["A"] > 0
    assert 0 < letters[""] < total * 0.03  # untiered
    assert 0 < probation.filter(level__endswith="S").count() < total * 0.06
    assert not probation.filter(category="custody", expected_release_date__isnull=True).exists()
    assert probation.filter(category="custody", expected_release_date__lte=TODAY).count() == 0
    flags = Counter(flag for case_flags in probation.values_list("flags", flat=True) for flag in case_flags)
    for flag in ("warrant", "unpaid_work_only", "overdue_termination", "young_adult", "high_risk"):
        assert 0 < flags[flag] < total * 0.1, flag


def test_children_in_sibling_groups_share_a_practitioner(demo):
    groups = (
        Case.objects.exclude(sibling_group="")
        .values("sibling_group")
        .annotate(size=Count("id"), holders=Count("practitioner", distinct=True))
    )
    assert len(groups) >= 20
    assert {g["size"] for g in groups} <= {2, 3, 4}
    assert {g["holders"] for g in groups} == {1}
    assert set(Case.objects.exclude(sibling_group="").values_list("service", flat=True)) == {codes.CHILDREN}


def test_closed_cases_have_a_closed_date_and_no_open_allocation(demo):
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert not closed.filter(closed_date__isnull=True).exists()
    assert not CaseAllocation.objects.filter(case__in=closed, ended_at__isnull=True).exists()
    assert closed.filter(events__kind=EventKind.CLOSED).distinct().count() == closed.count()


# --- Consistency of the allocation history -----------------------------------------------------------------


def test_every_allocated_open_case_has_one_open_allocation_with_its_holder(demo):
    held = Case.objects.open().filter(practitioner__isnull=False)
    open_spells = CaseAllocation.objects.filter(ended_at__isnull=True)
    assert open_spells.count() == held.count()
    assert set(open_spells.values_list("case_id", flat=True)) == set(held.values_list("id", flat=True))
    assert not open_spells.exclude(practitioner=F("case__practitioner")).exists()
    assert not open_spells.exclude(team=F("case__team")).exists()
    assert not CaseAllocation.objects.exclude(team=F("case__team")).exists()


def test_some_cases_were_reallocated_within_the_team(demo):
    reallocated = CaseEvent.objects.filter(kind=EventKind.REALLOCATED)
    assert 100 <= reallocated.count() <= 600
    for event in reallocated.select_related("case")[:50]:
        spells = list(event.case.allocations.order_by("started_at"))
        assert len(spells) == 2
        assert spells[0].ended_at == spells[1].started_at
        assert spells[0].practitioner != spells[1].practitioner
        assert spells[0].team == spells[1].team == event.case.team
        assert event.details["to"] == spells[1].practitioner_id
        assert event.details["from"] == spells[0].practitioner_id


def test_one_practitioner_works_in_two_teams_with_split_hours(demo):
    two_team = Practitioner.objects.annotate(teams=Count("memberships")).filter(teams=2)
    assert two_team.count() == 1
    hours = sorted(two_team.get().memberships.values_list("contracted_hours", flat=True))
    assert [str(h) for h in hours] == ["14.50", "22.50"]
    assert Case.objects.open().filter(practitioner=two_team.get()).values("team").distinct().count() == 2


def test_references_are_unique_and_service_prefixed(demo):
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert (
        Case.objects.filter(service="probation", reference__startswith="N").count()
        == Case.objects.filter(service="probation").count()
    )


# --- Events ------------------------------------------------------------------------------------------------


def test_court_and_parole_reports_in_the_last_sixty_days(demo):
    reports = CaseEvent.objects.filter(kind__in=[EventKind.REPORT_REQUESTED, EventKind.REPORT_COMPLETED])
    types = Counter(reports.filter(kind=EventKind.REPORT_REQUESTED).values_list("report_type", flat=True))
    assert types["court_standard"] > 50 and types["court_fast"] > 50 and types["parole"] > 0
    requested = reports.filter(kind=EventKind.REPORT_REQUESTED)
    assert min(requested.values_list("occurred_on", flat=True)) >= TODAY - dt.timedelta(days=59)
    assert max(reports.values_list("occurred_on", flat=True)) <= TODAY
    assert set(reports.values_list("case__service", flat=True)) == {codes.PROBATION}
    assert set(reports.filter(report_type="parole").values_list("practitioner__grade__code", flat=True)) == {
        "PO"
    }


def test_cms_contacts_are_recent_and_by_someone_in_the_team_other_than_the_holder(demo):
    contacts = CaseEvent.objects.filter(kind=EventKind.CMS_CONTACT).select_related("case")
    assert 8 * 15 <= contacts.count() <= 8 * 40
    assert set(contacts.values_list("contact_type", flat=True)) <= set(codes.CMS_CONTACT_TYPES)
    assert min(contacts.values_list("occurred_on", flat=True)) >= TODAY - dt.timedelta(days=13)
    members = set(TeamMembership.objects.values_list("team_id", "practitioner_id"))
    for contact in contacts:
        assert contact.practitioner_id != contact.case.practitioner_id
        assert (contact.case.team_id, contact.practitioner_id) in members


def test_social_care_milestones_give_the_performance_trend_recurring_clocks(demo):
    milestones = CaseEvent.objects.filter(
        kind__in=[EventKind.VISIT, EventKind.REVIEW, EventKind.ASSESSMENT_COMPLETED]
    )
    assert not milestones.filter(case__service=codes.PROBATION).exists()
    assert not milestones.filter(case__closed_date__lt=F("occurred_on")).exists()
    visits = milestones.filter(kind=EventKind.VISIT)
    assert set(visits.values_list("case__category", flat=True)) == {
        "child-protection",
        "child-in-need",
        "looked-after-child",
    }
    assert min(visits.values_list("occurred_on", flat=True)) >= TODAY - dt.timedelta(days=400)
    children = OrgUnit.objects.get(code="NSP-CS")
    report = performance_report(
        children, OrgUnit.objects.within(children), TODAY.replace(day=1), TODAY, TODAY, trend_months=12
    )
    assert len(report.trend) == 12
    for month in report.trend:
        visits_due = month.tallies["cp-visit"]
        # about two clocks a month per child protection case, mostly on time, some late
        assert visits_due.due > 50, month.first
        assert 60 <= (visits_due.percent_on_time or 0) < 100, month.first
    adults = OrgUnit.objects.get(code="NSP-AC")
    report = performance_report(adults, OrgUnit.objects.within(adults), TODAY, TODAY, TODAY, trend_months=12)
    assert sum(m.tallies["plan-review"].due for m in report.trend) > 100


# --- Reductions and users ----------------------------------------------------------------------------------


def test_reductions_cover_every_status_and_the_trainee_stages(demo):
    reductions = list(Reduction.objects.select_related("reason", "membership__practitioner__grade"))
    statuses = Counter(r.status_on(TODAY) for r in reductions)
    assert statuses[ReductionStatus.DELETED] == 1
    assert statuses[ReductionStatus.SCHEDULED] >= 2
    assert statuses[ReductionStatus.ARCHIVED] >= 3
    assert statuses[ReductionStatus.ACTIVE] >= 10
    pqip = [r for r in reductions if r.membership.practitioner.grade.code == "PQIP"]
    assert sorted({r.reason.code for r in pqip}) == ["pqip-0-6", "pqip-12-18", "pqip-6-12"]
    shares = {r.reason.code: float(r.hours / r.membership.contracted_hours) for r in reductions}
    assert shares["nqo"] == pytest.approx(0.2, abs=0.001)
    assert shares["asye-protected-time"] == pytest.approx(0.1, abs=0.001)
    assert shares["spoc-lead"] <= 0.05
    assert {"trade-union", "maternity-leave", "long-term-sickness"} <= set(shares)


def test_demo_users_can_sign_in_and_have_sensible_scopes(demo, client):
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    assert {u.username: u.role for u in DEMO_USERS} == {name: user.role for name, user in users.items()}
    practitioner = users["demo-practitioner"]
    assert practitioner.practitioner.grade.code == "PO"
    assert Case.objects.open().filter(practitioner=practitioner.practitioner).count() > 0
    assert practitioner.get_full_name() == practitioner.practitioner.full_name
    assert list(users["demo-team-manager"].org_units.values_list("code", flat=True)) == ["NSP-AB-1"]
    assert users["demo-team-manager"].practitioner.grade.code == "SPO"
    assert list(users["demo-area-manager"].org_units.values_list("kind", flat=True)) == ["pdu"]
    assert list(users["demo-senior-leader"].org_units.values_list("code", flat=True)) == [ROOT_CODE]
    admin = users["demo-admin"]
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert all(client.login(username=name, password=DEMO_PASSWORD) for name in users)


def test_dates_are_relative_to_today(demo):
    assert max(Case.objects.values_list("received_date", flat=True)) <= TODAY
    assert max(CaseEvent.objects.values_list("occurred_on", flat=True)) <= TODAY
    assert max(Case.objects.values_list("closed_date", flat=True).exclude(closed_date=None)) <= TODAY
    assert CaseAllocation.objects.filter(started_at__date__gt=TODAY).count() == 0


# --- Determinism and the command ---------------------------------------------------------------------------


def test_the_same_seed_and_day_rebuild_the_same_demo(demo, demo_digest):
    output = StringIO()
    call_command("load_demo_data", "--force", stdout=output)
    assert "Removed the earlier demo organisation" in output.getvalue()
    assert digest() == demo_digest
    assert Case.objects.count() == demo.cases


def test_another_seed_builds_a_different_demo(demo, demo_digest):
    remove_demo()
    build_demo(seed=7)
    assert digest() != demo_digest


def test_if_empty_loads_into_an_empty_database(demo):
    assert remove_demo() is True
    assert not OrgUnit.objects.exists()
    output = StringIO()
    call_command("load_demo_data", "--if-empty", stdout=output)
    assert Case.objects.count() == demo.cases
    assert "Demo loaded" in output.getvalue()


def test_if_empty_does_nothing_when_an_organisation_exists(demo):
    remove_demo()
    OrgUnitFactory(code="OTHER")
    output = StringIO()
    call_command("load_demo_data", "--if-empty", stdout=output)
    assert list(OrgUnit.objects.values_list("code", flat=True)) == ["OTHER"]
    assert not Case.objects.exists()
    assert "already has an organisation" in output.getvalue()


def test_without_a_flag_the_command_refuses_when_data_exists(demo):
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo_data", stdout=StringIO())
    assert OrgUnit.objects.filter(code=ROOT_CODE).count() == 1


def test_remove_demo_reports_when_there_is_nothing_to_remove(demo):
    assert remove_demo() is True
    assert remove_demo() is False
    assert not Practitioner.objects.exists() and not User.objects.filter(role=Role.ADMINISTRATOR).exists()
