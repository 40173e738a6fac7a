"""Approval requests that the case overtakes: allocated, reallocated or closed by another path (a case
event through the API, an import) while the request waits. The request is withdrawn (status, audit, the
requester emailed); the approval page offers only "withdraw" for one an import overtook; the approvals
page lists what the viewer may decide first."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caseload.allocations.models import ApprovalRequest, ApprovalStatus, DecisionKind
from caseload.allocations.services import (
    allocate,
    decide_approval,
    withdraw_approval,
    withdraw_superseded_approvals,
)
from caseload.allocations.tests.helpers import choice, loaded_officer, waiting_case
from caseload.cases.models import Case, CaseAllocation, EventKind
from caseload.cases.services import record_case_event
from caseload.core.models import AuditEntry, Role
from caseload.core.tests.factories import UserFactory
from caseload.notifications.models import Notification

TODAY = dt.date(2026, 3, 16)  # conftest FROZEN_NOW
WITHDRAWN = "allocations.approval_withdrawn"


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


@pytest.fixture
def busy(team):
    """12 community A3 cases: one more takes them past the 120% hard limit."""
    return loaded_officer(team, 12, first_name="Bo", last_name="Busy")


@pytest.fixture
def ann(team):
    return loaded_officer(team, first_name="Ann", last_name="Ant")


@pytest.fixture
def request_(team, busy, team_manager, area_manager):
    """The team manager asks to allocate a waiting case to Bo; it waits for the area manager."""
    case = waiting_case(team, reference="APP-1")
    outcome = allocate(case, choice(busy, justification="Court on Monday."), actor=team_manager)
    assert outcome.approval is not None and outcome.approval.status == ApprovalStatus.PENDING
    return outcome.approval


def reloaded(request):
    return ApprovalRequest.objects.select_related("case__practitioner").get(pk=request.pk)


def test_a_case_event_allocating_the_case_withdraws_the_request(request_, ann, team_manager, area_manager):
    record_case_event(
        request_.case,
        EventKind.ALLOCATED,
        actor=area_manager,
        occurred_on=TODAY,
        practitioner=ann.practitioner,
    )
    request = reloaded(request_)
    assert request.status == ApprovalStatus.WITHDRAWN
    assert request.comment == "Case APP-1 has since been allocated to Ann Ant."
    assert request.withdrawn_by is None and request.decided_at is not None
    assert request.decision is None and request.case.practitioner == ann.practitioner
    entry = (
        AuditEntry.objects.filter(object_type="allocations.approvalrequest", object_id=str(request.pk))
        .order_by("pk")
        .last()
    )
    assert entry.actor == area_manager and entry.note == "Approval request for APP-1 withdrawn automatically"
    assert (entry.before["status"], entry.after["status"]) == ("pending", "withdrawn")
    email = Notification.objects.get(kind=WITHDRAWN)
    assert email.user == team_manager
    assert email.subject == "Approval request for case APP-1 withdrawn"
    assert "withdrawn automatically: Case APP-1 has since been allocated to Ann Ant." in email.body_text
    with pytest.raises(ValidationError, match=r"This request was already withdrawn\."):
        decide_approval(request, approve=True, actor=area_manager)


def test_closing_the_case_withdraws_the_request(request_, team_manager):
    record_case_event(request_.case, EventKind.CLOSED, actor=team_manager, occurred_on=TODAY)
    request = reloaded(request_)
    assert (request.status, request.comment) == ("withdrawn", "Case APP-1 has since been closed.")
    assert Notification.objects.filter(kind=WITHDRAWN, user=team_manager).count() == 1


def test_a_reallocation_request_is_withdrawn_when_the_case_moves_to_someone_else(
    team, busy, ann, team_manager, area_manager
):
    holder = loaded_officer(team, first_name="Hal", last_name="Holder")
    case = waiting_case(team, reference="APP-2")
    allocate(case, choice(holder), actor=team_manager)
    request = allocate(
        case,
        choice(busy, justification="Knows the family.", reason="caseload_adjustment"),
        actor=team_manager,
        kind=DecisionKind.REALLOCATE,
    ).approval
    assert request.previous_practitioner == holder.practitioner
    assert reloaded(request).moved_on() == ""
    record_case_event(
        case, EventKind.REALLOCATED, actor=area_manager, occurred_on=TODAY, practitioner=ann.practitioner
    )
    request = reloaded(request)
    assert request.status == ApprovalStatus.WITHDRAWN
    assert request.comment == "Case APP-2 has since been reallocated to Ann Ant."


def test_approving_is_not_mistaken_for_another_path(request_, busy, area_manager):
    decide_approval(request_, approve=True, actor=area_manager)
    request = reloaded(request_)
    assert request.status == ApprovalStatus.APPROVED and request.case.practitioner == busy.practitioner
    assert not Notification.objects.filter(kind=WITHDRAWN).exists()


def _import_allocates(case, membership):
    """What an import does to a case: writes the holder and the spell in bulk, not through the cases
    service (so nothing is withdrawn at once)."""
    Case.objects.filter(pk=case.pk).update(practitioner=membership.practitioner)
    CaseAllocation.objects.create(
        case=case, practitioner=membership.practitioner, team=membership.team, started_at=timezone.now()
    )


def test_after_an_import_the_request_page_offers_only_withdrawal(
    client, request_, ann, team_manager, area_manager
):
    _import_allocates(request_.case, ann)
    page_url = reverse("allocations:approval", args=[request_.pk])
    client.force_login(area_manager)
    html = client.get(page_url).content.decode()
    assert "Case APP-1 has since been allocated to Ann Ant. This request no longer applies." in html
    assert "Withdraw the request" in html and "Record decision" not in html
    refused = client.post(page_url, {"decision": "approve"})
    assert refused.status_code == 400
    assert "Case APP-1 has since been allocated to Ann Ant. Withdraw the request instead." in (
        refused.content.decode()
    )
    assert reloaded(request_).status == ApprovalStatus.PENDING

    client.force_login(team_manager)  # the requester may withdraw it too
    done = client.post(reverse("allocations:withdraw-approval", args=[request_.pk]))
    assert done.url == page_url
    request = reloaded(request_)
    assert (request.status, request.withdrawn_by) == (ApprovalStatus.WITHDRAWN, team_manager)
    after = client.get(page_url).content.decode()
    assert "The request has been withdrawn and the requester told." in after
    assert "Withdraw the request" not in after
    email = Notification.objects.get(kind=WITHDRAWN)
    assert email.user == team_manager and "withdrawn by Tom Manager: Case APP-1" in email.body_text


def test_the_daily_command_withdraws_requests_an_import_overtook(request_, ann, team_manager, capsys):
    untouched = allocate(
        waiting_case(request_.case.team, reference="APP-3"),
        choice(request_.membership, justification="Only Bo is free."),
        actor=team_manager,
    ).approval
    _import_allocates(request_.case, ann)
    call_command("escalate_waiting_cases")
    assert "APP-1: approval request withdrawn (Case APP-1 has since been allocated to Ann Ant.)" in (
        capsys.readouterr().out
    )
    assert reloaded(request_).status == ApprovalStatus.WITHDRAWN
    assert reloaded(untouched).status == ApprovalStatus.PENDING
    assert withdraw_superseded_approvals() == []  # nothing twice
    assert Notification.objects.filter(kind=WITHDRAWN).count() == 1


def test_only_an_overtaken_request_is_withdrawn_and_only_by_the_requester_or_a_decider(
    team, request_, ann, area_manager
):
    with pytest.raises(ValidationError, match="This request still applies"):
        withdraw_approval(request_, actor=area_manager)
    _import_allocates(request_.case, ann)
    other_manager = UserFactory(role=Role.TEAM_MANAGER, org_units=[team])
    with pytest.raises(PermissionDenied):
        withdraw_approval(request_, actor=other_manager)
    assert withdraw_approval(request_, actor=area_manager).withdrawn_by == area_manager


def test_the_approvals_page_lists_what_the_viewer_may_decide_first(
    client, team, request_, busy, team_manager, area_manager, admin_user
):
    own = allocate(
        waiting_case(team, reference="APP-4"),
        choice(busy, justification="Area manager's own request."),
        actor=area_manager,
    ).approval
    assert own is not None

    def sections(user):
        client.force_login(user)
        html = client.get(reverse("allocations:approvals")).content.decode()
        mine, _, rest = html.partition("Waiting for others")
        return ("APP-1" in mine, "APP-4" in mine), ("APP-1" in rest, "APP-4" in rest), html

    # The area manager decides the team manager's request, not their own.
    first, others, _ = sections(area_manager)
    assert first == (True, False) and others == (False, True)
    # The requester decides neither: both wait for others.
    first, others, html = sections(team_manager)
    assert first == (False, False) and others == (True, True)
    assert "Nothing is waiting for your decision." in html
    # An administrator may decide both.
    first, others, html = sections(admin_user)
    assert first == (True, True) and "Waiting for others" not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approving_while_a_case_event_allocates_the_case_leaves_one_consistent_outcome(
    team, busy, ann, team_manager, area_manager, frozen_now
):
    """Both paths lock the case before the request, so they queue (no deadlock): either the approval
    allocates to Bo and the event is refused, or the event allocates to Ann and the request is withdrawn."""
    case = waiting_case(team, reference="APP-5")
    request = allocate(case, choice(busy, justification="Court."), actor=team_manager).approval
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, action):
        try:
            barrier.wait(timeout=30)
            action()
            outcomes[name] = "done"
        except ValidationError as error:
            outcomes[name] = " ".join(error.messages)
        except BaseException as error:  # reported by the main thread
            outcomes[name] = f"crashed: {error!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run, args=("approve", lambda: decide_approval(request, approve=True, actor=area_manager))
        ),
        threading.Thread(
            target=run,
            args=(
                "event",
                lambda: record_case_event(
                    case,
                    EventKind.ALLOCATED,
                    actor=team_manager,
                    occurred_on=TODAY,
                    practitioner=ann.practitioner,
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not [t for t in threads if t.is_alive()]
    assert not any(v.startswith("crashed") for v in outcomes.values()), outcomes
    request = reloaded(request)
    if request.status == ApprovalStatus.APPROVED:
        assert outcomes["approve"] == "done" and "already allocated" in outcomes["event"]
        assert request.case.practitioner == busy.practitioner
    else:
        assert outcomes["event"] == "done" and outcomes["approve"] == "This request was already withdrawn."
        assert request.status == ApprovalStatus.WITHDRAWN and request.case.practitioner == ann.practitioner
    assert CaseAllocation.objects.filter(case=case).count() == 1
