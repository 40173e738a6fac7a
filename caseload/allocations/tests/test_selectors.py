"""Reads: the register, the count badge, the case summary and candidates with projections and forecasts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseload.allocations.selectors import (
    RegisterFilters,
    candidate_memberships,
    candidates_for,
    case_summary,
    register,
    unallocated_count,
)
from caseload.allocations.tests.helpers import loaded_officer, waiting_case
from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseAllocationFactory, CaseFactory
from caseload.core.scope import scope_for
from caseload.domain.allocation import Guardrail, Priority
from caseload.organisations.tests.factories import ReductionFactory, ReductionReasonFactory
from caseload.supervision.models import Agreement

ON = dt.date(2026, 3, 16)


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


def test_the_badge_counts_open_unallocated_cases_in_scope(team, legacy, team_manager, senior_leader):
    waiting_case(team)
    waiting_case(team, closed=True)
    waiting_case(legacy.team_b)
    CaseFactory(team=team, practitioner=loaded_officer(team).practitioner)
    assert unallocated_count(scope_for(team_manager)) == 1
    assert unallocated_count(scope_for(senior_leader)) == 0  # may not allocate


def test_the_register_has_waiting_days_key_dates_priority_filters_and_sorting(
    team, legacy, team_manager, area_manager
):
    old = waiting_case(team, received_date=dt.date(2026, 3, 2), reference="OLD")
    risky = waiting_case(team, flags=["high_risk"], reference="RISK", received_date=dt.date(2026, 3, 16))
    calm = waiting_case(legacy.team_b, reference="CALM", received_date=dt.date(2026, 3, 15), start_date=ON)
    rows = register(scope_for(area_manager).cases, ON)
    by_ref = {r.case.reference: r for r in rows}
    assert by_ref["OLD"].days_waiting == 14 and by_ref["OLD"].overdue
    assert by_ref["OLD"].priority is Priority.HIGH and by_ref["RISK"].priority is Priority.HIGH
    assert by_ref["RISK"].risk_flags == ("high_risk",)
    assert by_ref["CALM"].first_appointment_due == ON + dt.timedelta(days=5)  # 5 days after sentence
    assert by_ref["CALM"].priority is Priority.MEDIUM  # first appointment due within a week
    assert [r.case for r in rows] == [old, risky, calm]  # priority, then longest waiting
    waiting = register(scope_for(area_manager).cases, ON, RegisterFilters(sort="received"))
    assert [r.case.reference for r in waiting] == ["OLD", "CALM", "RISK"]
    only_b = register(scope_for(area_manager).cases, ON, RegisterFilters(unit=legacy.team_b.pk))
    assert [r.case for r in only_b] == [calm]
    assert [r.case for r in register(scope_for(team_manager).cases, ON)] == [old, risky]
    medium = register(scope_for(area_manager).cases, ON, RegisterFilters(priority="medium"))
    assert [r.case for r in medium] == [calm]


def test_projection_adds_the_case_and_the_forecast_drops_cases_ending_within_four_weeks(team):
    officer = loaded_officer(team, 2)
    CaseFactory(
        team=team, practitioner=officer.practitioner, level="A3", expected_end_date=ON + dt.timedelta(days=10)
    )
    CaseFactory(
        team=team,
        practitioner=officer.practitioner,
        level="C2",
        expected_release_date=ON + dt.timedelta(days=20),
    )
    case = waiting_case(team)
    [figures] = candidates_for(case, [officer], ON).figures
    assert figures.current.total_points == 3 * 206 + 63
    assert figures.projected.total_points == 4 * 206 + 63
    assert figures.forecast.total_points == 3 * 206 + 63  # the ending case is gone, this case added
    assert figures.forecast.on == ON + dt.timedelta(days=28)
    assert figures.projected.remaining_points == 2176 - (4 * 206 + 63)
    assert (figures.ending_soon, figures.releases_soon) == (1, 1)
    assert figures.tier_mix == {"A3": 3, "C2": 1}


def test_reductions_and_long_absence(team):
    sick_reason = ReductionReasonFactory(code="long-term-sickness")
    training = ReductionReasonFactory(code="other")
    absent = loaded_officer(team, first_name="Abe")
    ReductionFactory(
        membership=absent, reason=sick_reason, hours=Decimal(37), effective_from=dt.date(2026, 3, 1)
    )
    reduced = loaded_officer(team, first_name="Cy")
    ReductionFactory(
        membership=reduced,
        reason=training,
        hours=Decimal("3.7"),
        effective_from=dt.date(2026, 3, 1),
        effective_to=dt.date(2026, 3, 31),
    )
    found = candidates_for(waiting_case(team), [absent, reduced], ON)
    assert [f.membership for f in found.figures] == [reduced, absent]  # eligible first
    cy = found.by_membership(reduced.pk)
    assert cy.next_reduction_change == dt.date(2026, 4, 1)
    assert [(r.hours, r.until) for r in cy.reductions] == [(Decimal("3.70"), dt.date(2026, 3, 31))]
    abe = found.by_membership(absent.pk)
    assert abe.ranked.eligibility.reasons == ("On a long absence (long-term-sickness).",)
    assert found.recommended == cy


def test_continuity_with_the_person_or_a_sibling_is_found_and_ranks_first(team):
    fresh = loaded_officer(team, 0, first_name="Fay")
    knows = loaded_officer(team, 3, first_name="Kit")
    sibling = CaseFactory(team=team, sibling_group="FAM1", reference="SIB1")
    CaseAllocationFactory(case=sibling, practitioner=knows.practitioner)
    case = waiting_case(team, sibling_group="FAM1")
    found = candidates_for(case, [fresh, knows], ON)
    assert found.by_membership(knows.pk).continuity == "Works or worked with a sibling (SIB1)"
    assert found.recommended.membership == knows
    summary = case_summary(case, ON)
    assert [(link.case.reference, link.holder) for link in summary.linked] == [("SIB1", "Unallocated")]


def test_the_previous_practitioner_is_shown_and_scores_as_continuity(team, team_manager):
    first, second = loaded_officer(team), loaded_officer(team)
    case = waiting_case(team)
    allocate_case(case, first.practitioner, actor=None)
    allocate_case(case, second.practitioner, actor=None)
    case.refresh_from_db()
    assert case_summary(case, ON).previous_practitioner == first.practitioner.full_name
    memberships = candidate_memberships(case, scope_for(team_manager).memberships, ON)
    assert list(memberships) == [first]  # never the current holder
    assert candidates_for(case, memberships, ON).figures[0].continuity == "Held this case before"


def test_an_agreed_range_is_shown_when_the_projection_breaches_it(team, team_manager):
    officer = loaded_officer(team, 8)  # 9 × 206 = 85.2 % after
    Agreement.objects.create(
        membership=officer,
        expected_min_percent=Decimal(60),
        expected_max_percent=Decimal(80),
        agreed_on=dt.date(2026, 3, 1),
        review_date=dt.date(2026, 6, 1),
        recorded_by=team_manager,
    )
    [figures] = candidates_for(waiting_case(team), [officer], ON).figures
    assert figures.ranked.breaches_agreement and figures.ranked.guardrail is Guardrail.NONE
    assert figures.agreement.max_percent == Decimal(80)


def test_area_managers_may_widen_candidates_to_the_whole_area(team, legacy, area_manager):
    here, there = loaded_officer(team), loaded_officer(legacy.team_b)
    case = waiting_case(team)
    scoped = scope_for(area_manager).memberships
    assert list(candidate_memberships(case, scoped, ON)) == [here]
    assert set(candidate_memberships(case, scoped, ON, wider=True)) == {here, there}
