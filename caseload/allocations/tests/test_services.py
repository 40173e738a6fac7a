"""The allocation service: decisions with their figures, idempotency, the already-allocated error,
eligibility, guardrails and approvals, reallocation, and the escalation of long-waiting cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caseload.allocations.models import AllocationDecision, ApprovalRequest, ApprovalStatus, WaitingEscalation
from caseload.allocations.services import AlreadyAllocated, allocate, decide_approval, escalate_waiting_cases
from caseload.allocations.tests.helpers import choice, loaded_officer, waiting_case
from caseload.cases.models import CaseAllocation
from caseload.core.models import AuditEntry
from caseload.notifications.models import Notification
from caseload.workloads.models import Workload


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


def test_allocating_records_the_decision_with_the_engines_figures(team, team_manager):
    light = loaded_officer(team, 1, first_name="Lee")
    busy = loaded_officer(team, 6, first_name="Bo")
    case = waiting_case(team)
    outcome = allocate(case, choice(busy, notes="Knows the area."), actor=team_manager)
    decision = outcome.decision
    assert decision is not None and not outcome.repeated
    case.refresh_from_db()
    assert case.practitioner_id == busy.practitioner_id
    assert CaseAllocation.objects.get(case=case, ended_at__isnull=True).allocated_by == team_manager
    # 6 × 206 of 2176 now; 7 × 206 after (the engine's own figures).
    assert decision.workload_before.quantize(Decimal("0.01")) == Decimal("56.80")
    assert decision.workload_after.quantize(Decimal("0.01")) == Decimal("66.27")
    assert Workload.objects.get(membership=busy).total_points == 7 * 206  # recalculated in the transaction
    assert decision.recommended_membership == light  # the manager chose someone else
    assert not decision.followed_recommendation
    assert decision.recommendation_reason.startswith(f"{light.practitioner.full_name} would be at 18.9%")
    assert [row["membership"] for row in decision.ranking] == [light.pk, busy.pk]
    assert decision.decided_by == team_manager and decision.notes == "Knows the area."
    entry = AuditEntry.objects.get(object_type="allocations.allocationdecision", object_id=str(decision.pk))
    assert entry.actor == team_manager and entry.after["notes"] == "Knows the area."


def test_the_same_form_submitted_twice_allocates_and_emails_once(team, team_manager):
    officer = loaded_officer(team)
    case = waiting_case(team)
    first = allocate(case, choice(officer, token="same-token"), actor=team_manager)
    second = allocate(case, choice(officer, token="same-token"), actor=team_manager)
    assert second.repeated and second.decision == first.decision
    assert AllocationDecision.objects.count() == 1
    assert CaseAllocation.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(kind="allocations.allocated").count() == 1


def test_a_case_allocated_meanwhile_names_who_allocated_it_and_when(team, team_manager, area_manager):
    first, second = loaded_officer(team, first_name="Ann", last_name="Ant"), loaded_officer(team)
    case = waiting_case(team)
    allocate(case, choice(first), actor=area_manager)
    with pytest.raises(AlreadyAllocated) as raised:
        allocate(case, choice(second), actor=team_manager)
    assert raised.value.messages == [
        f"Case {case.reference} has already been allocated to Ann Ant by Ava Manager at 10:00 on 16 March 2026."
    ]
    assert raised.value.status_code == 409


def test_ineligible_people_cannot_be_chosen(team, team_manager):
    pso = loaded_officer(team, grade="PSO")
    case = waiting_case(team, level="A3")
    with pytest.raises(ValidationError) as raised:
        allocate(case, choice(pso), actor=team_manager)
    assert "cannot take this case. PSO cannot hold this case" in raised.value.message_dict["membership"][0]
    case.refresh_from_db()
    assert case.practitioner_id is None


def test_above_the_red_threshold_a_justification_is_required(team, team_manager):
    officer = loaded_officer(team, 11)  # 12 × 206 = 2472 of 2176 = 113.6 % after: above 110, not 120
    case = waiting_case(team)
    with pytest.raises(ValidationError) as raised:
        allocate(case, choice(officer), actor=team_manager)
    assert "above the red threshold: write a justification" in raised.value.message_dict["justification"][0]
    decision = allocate(case, choice(officer, justification="Only one who speaks Welsh."), actor=team_manager)
    assert decision.decision is not None
    assert decision.decision.justification == "Only one who speaks Welsh."


def test_above_the_hard_limit_an_area_manager_approves(team, team_manager, area_manager):
    officer = loaded_officer(team, 12)  # 13 × 206 = 2678 = 123.1 % after: above the 120 hard limit
    case = waiting_case(team)
    outcome = allocate(case, choice(officer, justification="Court tomorrow."), actor=team_manager)
    request = outcome.approval
    assert outcome.decision is None and request is not None and request.status == ApprovalStatus.PENDING
    case.refresh_from_db()
    assert case.practitioner_id is None
    assert Notification.objects.get(kind="allocations.approval_requested").user == area_manager
    with pytest.raises(PermissionDenied):
        decide_approval(request, approve=True, actor=team_manager)  # not one's own request
    decide_approval(request, approve=True, actor=area_manager, comment="Agreed for two weeks.")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED and request.approver == area_manager
    decision = request.decision
    assert decision.decided_by == team_manager and decision.approved_by == area_manager
    case.refresh_from_db()
    assert case.practitioner_id == officer.practitioner_id
    assert Notification.objects.get(kind="allocations.approval_decided").user == team_manager


def test_a_declined_request_allocates_nothing_and_needs_a_reason(team, team_manager, area_manager):
    officer = loaded_officer(team, 12)
    case = waiting_case(team)
    request = allocate(case, choice(officer, justification="Busy week."), actor=team_manager).approval
    with pytest.raises(ValidationError):
        decide_approval(request, approve=False, actor=area_manager)
    decide_approval(request, approve=False, actor=area_manager, comment="Ask Bea.")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.DECLINED and request.decision is None
    case.refresh_from_db()
    assert case.practitioner_id is None


def test_reallocation_needs_a_reason_and_can_tell_the_previous_practitioner(team, team_manager):
    first, second = loaded_officer(team), loaded_officer(team)
    case = waiting_case(team)
    allocate(case, choice(first), actor=team_manager)
    with pytest.raises(ValidationError) as raised:
        allocate(case, choice(second), actor=team_manager, kind="reallocate")
    assert raised.value.message_dict == {"reason": ["Choose why the case is being reallocated."]}
    outcome = allocate(
        case,
        choice(second, reason="practitioner_left", notify_previous=True),
        actor=team_manager,
        kind="reallocate",
    )
    decision = outcome.decision
    assert decision.previous_practitioner == first.practitioner and decision.reason == "practitioner_left"
    sent = {n.kind: n.email for n in Notification.objects.filter(kind__startswith="allocations.")}
    assert sent["allocations.reallocated_away"] == first.practitioner.email
    assert Workload.objects.get(membership=first).case_count == 0
    assert Workload.objects.get(membership=second).case_count == 1


def test_waiting_cases_escalate_to_the_area_manager_once(team, area_manager):
    old = waiting_case(team, received_date=dt.date(2026, 3, 1))  # 15 days, threshold 5
    waiting_case(team, received_date=dt.date(2026, 3, 13))  # 3 days: not yet
    escalated = escalate_waiting_cases()
    assert [e.case for e in escalated] == [old]
    assert escalated[0].recipients == ["area-manager"] and escalated[0].days_waiting == 15
    assert escalate_waiting_cases() == []
    assert WaitingEscalation.objects.count() == 1
    [email] = Notification.objects.filter(kind="allocations.waiting")
    assert email.user == area_manager and "waited 15 days" in email.subject


def test_sensitive_notes_stay_out_of_the_audit_log(team, team_manager):
    officer = loaded_officer(team)
    decision = allocate(
        waiting_case(team),
        choice(officer, notes="Domestic abuse disclosure.", sensitive=True),
        actor=team_manager,
    ).decision
    entry = AuditEntry.objects.get(object_type="allocations.allocationdecision", object_id=str(decision.pk))
    assert "notes" not in entry.after and entry.after["notes_sensitive"] is True
    assert decision.notes == "Domestic abuse disclosure."
    assert CaseAllocation.objects.get(case=decision.case).notes == ""
    assert not ApprovalRequest.objects.exists()
