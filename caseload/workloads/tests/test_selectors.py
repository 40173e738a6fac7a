"""Scoring from the database: the edge builds the engine's inputs from memberships, cases, reductions,
reports and support contacts, under the scheme version assigned to the team."""

import datetime as dt
from decimal import Decimal

import pytest

from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.organisations.models import ReductionReason
from caseload.organisations.tests.factories import (
    PractitionerFactory,
    ReductionFactory,
    TeamMembershipFactory,
)
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.schemes.services import install_presets
from caseload.workloads.selectors import team_workload

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 16)


@pytest.fixture
def legacy_team(org):
    install_presets()
    SchemeAssignment.objects.create(
        org_unit=org.division,
        scheme=Scheme.objects.get(code="probation-wmt-legacy"),
        effective_from=dt.date(2024, 4, 1),
    )
    return org.team


def officer(team, hours="37", grade="PO"):
    practitioner = PractitionerFactory(grade__code=grade)
    return TeamMembershipFactory(practitioner=practitioner, team=team, contracted_hours=Decimal(hours))


def test_team_members_are_scored_with_cases_reports_and_reductions(legacy_team):
    po = officer(legacy_team)
    CaseFactory.create_batch(
        2, team=legacy_team, practitioner=po.practitioner, category="community", level="A3"
    )
    CaseFactory(team=legacy_team, practitioner=po.practitioner, category="community", level="")  # untiered: 0
    CaseFactory(
        team=legacy_team, practitioner=po.practitioner, level="A3", closed=True
    )  # closed: not counted
    CaseEventFactory(
        case__team=legacy_team,
        kind="report_completed",
        report_type="court_standard",
        practitioner=po.practitioner,
        occurred_on=ON - dt.timedelta(days=3),
    )
    CaseEventFactory(  # older than the 30-day window: no points
        case__team=legacy_team,
        kind="report_completed",
        report_type="court_standard",
        practitioner=po.practitioner,
        occurred_on=ON - dt.timedelta(days=45),
    )
    ReductionFactory(
        membership=po,
        reason=ReductionReason.objects.get(code="other"),
        hours=Decimal("3.70"),
        effective_from=dt.date(2026, 1, 1),
    )

    workload = team_workload(legacy_team, ON)

    [member] = workload.members
    result = member.result
    assert workload.version.scheme.code == "probation-wmt-legacy"
    assert result.total_points == Decimal(206 * 2 + 138)
    assert result.available_points == Decimal(1958)  # 2176 × (37 − 3.7) ÷ 37 = 1958.4, truncated
    assert result.case_count == 3
    assert [(i.reference, i.points) for i in result.items if i.kind == "report"] == [
        ("court_standard", Decimal(138))
    ]
    assert [step.label for step in result.capacity_steps][-1] == "Available"
    assert workload.total.total_points == result.total_points


def test_support_contacts_move_points_from_holder_to_doer(legacy_team):
    holder, helper = officer(legacy_team), officer(legacy_team)
    case = CaseFactory(
        team=legacy_team, practitioner=holder.practitioner, category="community", level="C2"
    )  # 63
    CaseEventFactory(
        case=case,
        cms=True,
        contact_type="CMS03",
        practitioner=helper.practitioner,
        occurred_on=ON - dt.timedelta(days=2),
    )  # 18 points for 7 days
    CaseEventFactory(
        case=case,
        cms=True,
        contact_type="CMS03",
        practitioner=helper.practitioner,
        occurred_on=ON - dt.timedelta(days=20),
    )  # outside the window

    workload = team_workload(legacy_team, ON)

    by_id = {m.membership.pk: m.result for m in workload.members}
    assert by_id[holder.pk].total_points == Decimal(63 - 18)
    assert by_id[helper.pk].total_points == Decimal(18)
    assert workload.total.total_points == Decimal(63)


def test_a_team_without_a_scheme_has_no_workload(org):
    assert team_workload(org.team, ON) is None
