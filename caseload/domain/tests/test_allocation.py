"""Allocation rules: eligibility from scheme data, guardrails, the ranking and its properties, the register."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.allocation import (
    Absence,
    Candidate,
    CaseFacts,
    Guardrail,
    Priority,
    absence_reason,
    days_waiting,
    eligibility,
    first_appointment_due,
    guardrail,
    is_overdue,
    priority,
    rank,
)
from caseload.domain.scheme import Scheme
from caseload.domain.tests.helpers import children, legacy

ON = date(2026, 3, 16)
COMMUNITY_A3 = CaseFacts("community", "A3")
COMMUNITY_C2 = CaseFacts("community", "C2")


def person(pk: str, projected: str, **fields: object) -> Candidate:
    values: dict[str, object] = {
        "id": pk,
        "name": f"Person {pk}",
        "grade": "PO",
        "current_percent": Decimal(projected) - 10,
        "projected_percent": Decimal(projected),
    }
    values.update(fields)
    return Candidate(**values)  # type: ignore[arg-type]


# -- eligibility ---------------------------------------------------------------------------------------------


def test_a_forbidden_rule_makes_a_pso_ineligible_for_the_highest_tiers_only() -> None:
    scheme = legacy()
    pso = person("1", "50", grade="PSO")
    verdict = eligibility(scheme, pso, COMMUNITY_A3, ON)
    assert not verdict.eligible
    assert verdict.reasons[0].startswith("PSO cannot hold this case: Illustrative - PSOs do not hold")
    assert eligibility(scheme, pso, COMMUNITY_C2, ON).eligible
    assert eligibility(scheme, person("2", "50"), COMMUNITY_A3, ON).eligible


def test_a_joint_only_rule_keeps_a_newly_qualified_social_worker_from_sole_child_protection() -> None:
    scheme = children()
    nqsw = person("1", "40", grade="ASYE")  # an alias of NQSW
    verdict = eligibility(scheme, nqsw, CaseFacts("child-protection", "cp-1"), ON)
    assert verdict.reasons == (
        "NQSW may hold it only jointly: ASYE social workers hold child protection and court work only "
        "jointly (Wirral scheme).",
    )
    assert eligibility(scheme, nqsw, CaseFacts("child-in-need", "cin-1"), ON).eligible


def test_a_long_absence_excludes_and_a_short_or_other_reduction_does_not() -> None:
    allocation = legacy().allocation
    assert allocation.long_absence.min_days == 28
    sick = Absence("long-term-sickness", ON - timedelta(days=3), None)
    assert absence_reason(allocation, [sick], ON) == "On a long absence (long-term-sickness)."
    short = Absence("long-term-sickness", ON - timedelta(days=3), ON + timedelta(days=10))
    assert absence_reason(allocation, [short], ON) is None
    long = dataclasses.replace(short, until=ON + timedelta(days=30))
    assert (
        absence_reason(allocation, [long], ON)
        == "On a long absence (long-term-sickness) until 15 April 2026."
    )
    over = dataclasses.replace(long, since=ON - timedelta(days=60), until=ON - timedelta(days=1))
    assert absence_reason(allocation, [over], ON) is None
    training = Absence("other", ON, None)
    assert absence_reason(allocation, [training], ON) is None
    assert not eligibility(legacy(), person("1", "10", absences=(sick,)), COMMUNITY_C2, ON).eligible


def test_a_supervision_agreement_keeps_child_protection_and_court_cases_away() -> None:
    scheme = children()
    agreed = person("1", "40", grade="SW", no_sole_cp_or_court=True)
    verdict = eligibility(scheme, agreed, CaseFacts("court-proceedings", None), ON)
    assert verdict.reasons == ("Their supervision agreement says no sole child-protection or court cases.",)
    assert eligibility(scheme, agreed, CaseFacts("child-in-need", None), ON).eligible


# -- guardrails -----------------------------------------------------------------------------------------------


def test_guardrails_are_strictly_above_the_scheme_thresholds() -> None:
    allocation = legacy().allocation  # red justification 110, hard limit 120
    assert guardrail(allocation, Decimal("110")) is Guardrail.NONE
    assert guardrail(allocation, Decimal("110.01")) is Guardrail.JUSTIFICATION
    assert guardrail(allocation, Decimal("120")) is Guardrail.JUSTIFICATION
    assert guardrail(allocation, Decimal("120.5")) is Guardrail.APPROVAL
    none = dataclasses.replace(allocation, red_justification_percent=None, hard_limit_percent=None)
    assert guardrail(none, Decimal(500)) is Guardrail.NONE


# -- ranking --------------------------------------------------------------------------------------------------


def test_lowest_projection_wins_and_the_reason_says_why() -> None:
    ranking = rank(legacy(), [person("a", "90"), person("b", "70"), person("c", "80")], COMMUNITY_C2, ON)
    assert [r.candidate.id for r in ranking.ranked] == ["b", "c", "a"]
    assert [r.position for r in ranking.ranked] == [1, 2, 3]
    assert ranking.recommended is not None and ranking.recommended.candidate.id == "b"
    assert ranking.reason.startswith("Person b would be at 70.0% after this case")
    assert ranking.reason.endswith("The manager decides.")


def test_within_five_points_fewer_recent_allocations_then_continuity_come_first() -> None:
    busy = person("a", "71", recent_allocations=3)
    quiet = person("b", "73", recent_allocations=0)
    assert rank(legacy(), [busy, quiet], COMMUNITY_C2, ON).ranked[0].candidate.id == "b"
    knows = person("c", "84", continuity=True)
    ranking = rank(legacy(), [busy, quiet, knows], COMMUNITY_C2, ON)
    assert ranking.ranked[0].candidate.id == "c"
    assert "already knows the person or a sibling" in ranking.reason


def test_guardrails_and_agreed_ranges_push_people_down() -> None:
    over = person("a", "121", continuity=True)  # needs approval
    red = person("b", "115")  # needs justification
    breach = person("c", "95", agreed_max_percent=Decimal(90))
    fine = person("d", "100")
    ranking = rank(legacy(), [over, red, breach, fine], COMMUNITY_C2, ON)
    assert [r.candidate.id for r in ranking.ranked] == ["d", "c", "b", "a"]
    assert [r.guardrail for r in ranking.ranked][-2:] == [Guardrail.JUSTIFICATION, Guardrail.APPROVAL]
    assert ranking.ranked[1].breaches_agreement


def test_ineligible_people_are_listed_with_reasons_and_never_recommended() -> None:
    pso = person("a", "10", grade="PSO")
    ranking = rank(legacy(), [pso], COMMUNITY_A3, ON)
    assert ranking.recommended is None and ranking.ranked == ()
    assert [r.candidate.id for r in ranking.ineligible] == ["a"]
    assert ranking.ineligible[0].position is None
    assert ranking.reason.startswith("Nobody in the list can take this case")


def test_when_everyone_needs_approval_the_reason_says_so() -> None:
    ranking = rank(legacy(), [person("a", "130")], COMMUNITY_C2, ON)
    assert "an area manager must approve" in ranking.reason


# -- properties -----------------------------------------------------------------------------------------------

GRADES = st.sampled_from(["PO", "PSO", "SPO", "UNKNOWN"])
PERCENTS = st.decimals(min_value=0, max_value=200, places=2)


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(min_value=0, max_value=8))
    people = []
    for index in range(count):
        people.append(
            Candidate(
                id=str(index),
                name=draw(st.sampled_from(["Ann", "Bo", "Cy"])),
                grade=draw(GRADES),
                current_percent=draw(PERCENTS),
                projected_percent=draw(PERCENTS),
                recent_allocations=draw(st.integers(0, 5)),
                continuity=draw(st.booleans()),
                absences=draw(st.sampled_from([(), (Absence("long-term-sickness", ON, None),)])),
                agreed_max_percent=draw(st.one_of(st.none(), PERCENTS)),
            )
        )
    return people


CASES = st.sampled_from([COMMUNITY_A3, COMMUNITY_C2, CaseFacts("licence", "A1"), CaseFacts("custody", None)])


def _scheme() -> Scheme:
    return legacy()


@settings(max_examples=200, deadline=None)
@given(people=candidates(), case=CASES)
def test_never_recommends_an_ineligible_person(people: list[Candidate], case: CaseFacts) -> None:
    ranking = rank(_scheme(), people, case, ON)
    if ranking.recommended is not None:
        assert eligibility(_scheme(), ranking.recommended.candidate, case, ON).eligible
    assert len(ranking.ranked) + len(ranking.ineligible) == len(people)
    assert all(r.eligibility.eligible for r in ranking.ranked)
    assert not any(r.eligibility.eligible for r in ranking.ineligible)
    assert all(r.eligibility.reasons for r in ranking.ineligible)


@settings(max_examples=200, deadline=None)
@given(people=candidates(), case=CASES, data=st.data())
def test_the_ranking_is_deterministic_and_independent_of_input_order(
    people: list[Candidate], case: CaseFacts, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(people))
    first, second = rank(_scheme(), people, case, ON), rank(_scheme(), shuffled, case, ON)
    assert first == second


@settings(max_examples=200, deadline=None)
@given(people=candidates(), case=CASES)
def test_someone_without_a_guardrail_is_preferred_over_anyone_needing_one(
    people: list[Candidate], case: CaseFacts
) -> None:
    ranking = rank(_scheme(), people, case, ON)
    clear = [r for r in ranking.ranked if r.guardrail is Guardrail.NONE]
    if clear:
        assert ranking.recommended is not None and ranking.recommended.guardrail is Guardrail.NONE


# -- the register ---------------------------------------------------------------------------------------------


def test_waiting_days_threshold_first_appointment_and_priority() -> None:
    allocation = legacy().allocation  # waiting threshold 5 days, first appointment 5 days after sentence
    assert days_waiting(ON - timedelta(days=6), ON) == 6 and days_waiting(ON + timedelta(days=1), ON) == 0
    assert is_overdue(allocation, 6) and not is_overdue(allocation, 5)
    assert first_appointment_due(allocation, ON, None) == ON + timedelta(days=5)
    assert first_appointment_due(allocation, ON, ON - timedelta(days=2)) == ON + timedelta(days=3)
    far = ON + timedelta(days=20)
    assert priority(allocation, 6, far, False, ON) is Priority.HIGH
    assert priority(allocation, 0, far, True, ON) is Priority.HIGH
    assert priority(allocation, 0, ON + timedelta(days=2), False, ON) is Priority.HIGH
    assert priority(allocation, 3, far, False, ON) is Priority.MEDIUM
    assert priority(allocation, 0, ON + timedelta(days=7), False, ON) is Priority.MEDIUM
    assert priority(allocation, 1, far, False, ON) is Priority.LOW
    unset = dataclasses.replace(allocation, waiting_threshold_days=None, first_appointment_days=None)
    assert priority(unset, 400, None, False, ON) is Priority.LOW
    assert first_appointment_due(unset, ON, None) is None
