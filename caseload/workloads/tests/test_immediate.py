"""Memberships, extra responsibilities, scheme assignments and case flag or category changes are
recalculated at once, in the same transaction, through their services (docs/live-updates.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from caseload.cases.models import CaseEvent, EventKind
from caseload.cases.services import allocate_case, change_case_category, change_case_flags, record_case_event
from caseload.cases.tests.factories import CaseFactory
from caseload.core.models import AuditEntry
from caseload.organisations.services import (
    add_membership,
    add_responsibility,
    assign_scheme,
    end_membership,
    end_responsibility,
    end_scheme_assignment,
    move_org_unit,
)
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.workloads.models import Workload
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import officer, revisions, stored

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def po(legacy, frozen_now):
    """A full-time PO in North Team A holding one community A3 case (206 points), figures stored."""
    membership = officer(legacy.team)
    allocate_case(CaseFactory(team=legacy.team, level="A3"), membership.practitioner, actor=None)
    return membership


def test_a_warrant_flag_takes_the_case_off_at_once_and_back(po, team_manager):
    case = po.practitioner.cases.get()
    assert stored(po).total_points == 206

    event = change_case_flags(case, ["warrant"], actor=team_manager)

    assert event.kind == EventKind.FLAGS_CHANGED
    assert event.details == {"from": {"flags": []}, "to": {"flags": ["warrant"]}}
    assert event.recalculated == [po.pk]
    assert stored(po).total_points == 0  # the legacy preset keeps 0 % of a case on warrant
    assert stored(po).revision == 2
    case.refresh_from_db()
    assert case.flags == ["warrant"]
    assert AuditEntry.objects.filter(object_id=str(case.pk), before={"flags": []}).exists()

    change_case_flags(case, [], actor=team_manager)
    assert stored(po).total_points == 206


def test_unknown_or_unchanged_flags_are_refused(po):
    case = po.practitioner.cases.get()
    with pytest.raises(ValidationError) as unknown:
        change_case_flags(case, ["sparkly"], actor=None)
    assert "sparkly" in str(unknown.value)
    with pytest.raises(ValidationError):
        change_case_flags(case, [], actor=None)
    assert stored(po).revision == 1


def test_a_category_change_rescores_the_holder(po, team_manager):
    case = po.practitioner.cases.get()
    community = stored(po).total_points

    event = change_case_category(case, "custody", actor=team_manager)

    assert event.kind == EventKind.CATEGORY_CHANGED
    assert event.details["from"] == {"category": "community", "level": "A3"}
    assert stored(po).total_points != community
    assert stored(po).breakdown["items"][-1]["rule"].lower().count("custody") >= 1
    case.refresh_from_db()
    assert (case.category, case.level) == ("custody", "A3")


def test_a_category_the_scheme_lacks_or_a_level_it_lacks_is_refused(po):
    case = po.practitioner.cases.get()
    with pytest.raises(ValidationError) as no_category:
        change_case_category(case, "asylum", actor=None)
    assert "category" in no_category.value.message_dict
    with pytest.raises(ValidationError) as no_level:
        change_case_category(case, "licence", level="Z9", actor=None)
    assert "level" in no_level.value.message_dict
    assert stored(po).revision == 1


def test_joining_a_second_team_moves_report_credit_and_scores_the_new_membership(po, legacy, team_manager):
    """A report on a Team B case counted in the PO's first membership until they join Team B."""
    team_b_case = CaseFactory(team=legacy.team_b, level="C2")
    allocate_case(team_b_case, officer(legacy.team_b).practitioner, actor=None)
    record_case_event(
        team_b_case, EventKind.REPORT_COMPLETED, actor=None, occurred_on=TODAY, practitioner=po.practitioner,
        report_type="court_standard",
    )  # fmt: skip
    assert stored(po).total_points == 206 + 138

    joined = add_membership(po.practitioner, legacy.team_b, Decimal("7.5"), actor=team_manager)

    assert stored(po).total_points == 206
    assert stored(joined).total_points == 138
    assert stored(joined).contracted_hours == Decimal("7.50")
    assert AuditEntry.objects.filter(object_id=str(joined.pk), action=AuditEntry.Action.CREATE).exists()


def test_a_second_open_membership_of_the_same_team_is_refused(po):
    with pytest.raises(ValidationError):
        add_membership(po.practitioner, po.team, Decimal(37), actor=None)


def test_ending_a_membership_needs_the_cases_reallocated_first(po, legacy, team_manager):
    with pytest.raises(ValidationError) as held:
        end_membership(po, TODAY, actor=team_manager)
    assert "reallocate" in str(held.value)

    case = po.practitioner.cases.get()
    allocate_case(case, officer(legacy.team).practitioner, actor=None)
    end_membership(po, TODAY - dt.timedelta(days=1), actor=team_manager)

    assert not Workload.objects.filter(membership=po).exists()


def test_a_future_end_keeps_the_figures_until_then(po, team_manager):
    end_membership(po, TODAY + dt.timedelta(days=30), actor=team_manager)
    assert stored(po).revision == 2
    with pytest.raises(ValidationError):
        end_membership(po, TODAY + dt.timedelta(days=40), actor=team_manager)


def test_extra_responsibilities_count_at_once_and_stop_when_ended(legacy, frozen_now, team_manager):
    """The other division is measured under adult-community-care, whose duty rota is worth 222."""
    assign_scheme(
        legacy.other_division, Scheme.objects.get(code="adult-community-care"), actor=team_manager,
        effective_from=dt.date(2024, 4, 1),
    )  # fmt: skip
    worker = officer(legacy.other_team)
    recalculate([worker])
    before = stored(worker).total_points

    duty = add_responsibility(
        worker, "duty-rota", actor=team_manager, effective_from=TODAY - dt.timedelta(days=10)
    )

    assert stored(worker).total_points == before + 222
    assert any(i["kind"] == "extra_responsibility" for i in stored(worker).breakdown["items"])

    end_responsibility(duty, TODAY - dt.timedelta(days=1), actor=team_manager)
    assert stored(worker).total_points == before
    with pytest.raises(ValidationError):
        add_responsibility(worker, "juggling", actor=team_manager)


def test_a_scheme_assignment_rescores_its_subtree_only(po, legacy, team_manager):
    outside = officer(legacy.other_team)
    assert revisions(outside) == [None]  # the other division has no scheme yet
    team_b = officer(legacy.team_b)
    recalculate([team_b, outside])

    pilot = assign_scheme(
        legacy.team, Scheme.objects.get(code="probation-2022"), actor=team_manager, effective_from=TODAY
    )

    assert stored(po).scheme_version.scheme.code == "probation-2022"
    assert stored(team_b).scheme_version.scheme.code == "probation-wmt-legacy"
    assert revisions(team_b, outside) == [1, None]

    end_scheme_assignment(pilot, TODAY, actor=team_manager)
    # Ended today: still in force today (its last day), so nothing changes until the daily run tomorrow.
    assert stored(po).scheme_version.scheme.code == "probation-2022"


def test_an_assignment_ended_yesterday_hands_the_teams_back(po, legacy, team_manager):
    division = SchemeAssignment.objects.get(org_unit=legacy.division)
    pilot = assign_scheme(
        legacy.team, Scheme.objects.get(code="probation-2022"), actor=team_manager,
        effective_from=TODAY - dt.timedelta(days=10),
    )  # fmt: skip
    assert stored(po).scheme_version.scheme.code == "probation-2022"

    end_scheme_assignment(pilot, TODAY - dt.timedelta(days=1), actor=team_manager)

    assert stored(po).scheme_version.scheme_id == division.scheme_id
    with pytest.raises(ValidationError):
        assign_scheme(
            legacy.division, division.scheme, actor=team_manager, effective_from=dt.date(2024, 1, 1)
        )


def test_moving_a_team_under_another_scheme_rescores_it_at_once(po, legacy, team_manager):
    team_b = officer(legacy.team_b)
    recalculate([team_b])
    assign_scheme(
        legacy.other_division, Scheme.objects.get(code="probation-2022"), actor=team_manager,
        effective_from=TODAY,
    )  # fmt: skip
    before = stored(po)
    assert before.scheme_version.scheme.code == "probation-wmt-legacy"

    move_org_unit(legacy.team, legacy.other_division, on=TODAY, actor=team_manager)

    after = stored(po)
    assert after.scheme_version.scheme.code == "probation-2022"
    assert after.revision == before.revision + 1
    assert after.reason == f"{legacy.team.name} moved under {legacy.other_division.name}"
    assert revisions(team_b) == [1]  # the team left behind keeps its scheme and figures


def test_changes_on_a_closed_case_are_refused(po):
    case = po.practitioner.cases.get()
    record_case_event(case, EventKind.CLOSED, actor=None, occurred_on=TODAY)
    with pytest.raises(ValidationError):
        change_case_flags(case, ["warrant"], actor=None)
    assert not CaseEvent.objects.filter(kind=EventKind.FLAGS_CHANGED).exists()
