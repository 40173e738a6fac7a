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


def test_many_memberships_are_read_by_team_with_the_same_results(legacy_team, org, monkeypatch):
    """Beyond FEW_PRACTITIONERS the inputs are read by team or for everyone and picked in Python; the
    results must equal those read by ids (today's state and a recomputed past day)."""
    from caseload.organisations.tests.factories import ResponsibilityFactory
    from caseload.workloads import inputs
    from caseload.workloads.history import past_state
    from caseload.workloads.inputs import current_memberships
    from caseload.workloads.selectors import score_memberships

    team_b = org.team_b
    team_a_people = [officer(legacy_team) for _ in range(4)]
    team_b_people = [officer(team_b, hours="30") for _ in range(2)]
    both = TeamMembershipFactory(practitioner=team_a_people[0].practitioner, team=team_b)
    outsider = officer(org.other_team)  # not measured under this scheme, and not scored below
    levels = ["A3", "C2", "D0", ""]
    for number, member in enumerate([*team_a_people, *team_b_people, both]):
        CaseFactory.create_batch(
            2,
            team=member.team,
            practitioner=member.practitioner,
            category="community",
            level=levels[number % 4],
        )
    ReductionFactory(membership=team_a_people[1], reason=ReductionReason.objects.first())
    ResponsibilityFactory(membership=team_b_people[0])
    held = CaseFactory(team=legacy_team, practitioner=team_a_people[2].practitioner, level="A3")
    for doer in (team_a_people[3], team_b_people[1], outsider):  # same team, other team, other division
        CaseEventFactory(
            case=held,
            kind="cms_contact",
            contact_type="CMS03",
            practitioner=doer.practitioner,
            occurred_on=ON - dt.timedelta(days=2),
        )
    CaseEventFactory(
        case__team=team_b,
        kind="report_completed",
        report_type="court_standard",
        practitioner=both.practitioner,
        occurred_on=ON - dt.timedelta(days=3),
    )
    memberships = [m for m in current_memberships(ON) if m.team_id in {legacy_team.pk, team_b.pk}]
    by_ids = score_memberships(memberships, ON)
    by_ids_past = score_memberships(memberships, ON, past_state(ON))
    monkeypatch.setattr(inputs, "FEW_PRACTITIONERS", 0)
    by_team = score_memberships(memberships, ON)
    by_team_past = score_memberships(memberships, ON, past_state(ON))

    assert len(by_ids) == 7
    assert any(m.result.items and any(i.kind == "cms" for i in m.result.items) for m in by_ids)
    assert [(m.membership.pk, m.result) for m in by_team] == [(m.membership.pk, m.result) for m in by_ids]
    assert [m.result for m in by_team_past] == [m.result for m in by_ids_past]

    # Every threshold in between: the scored few and their contacts' doers and holders read in one index,
    # or in two when only the scored are few (the outsider makes one more), or everyone's.
    real_index_for = inputs._index_for
    reads: dict[int, int] = {}
    for few in [*range(9), 50]:
        monkeypatch.setattr(inputs, "FEW_PRACTITIONERS", few)
        monkeypatch.setattr(
            inputs,
            "_index_for",
            lambda ids, on, few=few: reads.__setitem__(few, reads.get(few, 0) + 1) or real_index_for(ids, on),
        )
        scored = score_memberships(memberships, ON)
        assert [(m.membership.pk, m.result) for m in scored] == [(m.membership.pk, m.result) for m in by_ids]
        assert [m.result for m in score_memberships(memberships, ON, past_state(ON))] == [
            m.result for m in by_ids_past
        ]
    assert max(reads.values()) > reads[50]  # the two-index reading was taken for some threshold
