"""Two managers allocate the same case at the same moment, from two separate processes against
PostgreSQL: exactly one succeeds and the other is told who allocated it (SQLite serialises every write, so
the test runs on PostgreSQL only)."""

from __future__ import annotations

import multiprocessing
import os
import traceback

import pytest
from django.db import connections

from caseload.allocations.models import AllocationDecision
from caseload.allocations.services import AlreadyAllocated, allocate
from caseload.allocations.tests.helpers import choice, loaded_officer, waiting_case
from caseload.cases.models import CaseAllocation
from caseload.core.models import User
from caseload.notifications.models import Notification


def _allocate_in_child(case, membership, username, barrier, results):
    """Runs in a forked process with its own database connection."""
    code = 0
    try:
        connections.close_all()  # never share the parent's socket
        actor = User.objects.get(username=username)
        barrier.wait(timeout=30)
        allocate(case, choice(membership), actor=actor)
        results.put((username, "allocated"))
    except AlreadyAllocated as error:
        results.put((username, error.messages[0]))
    except BaseException:
        results.put((username, "crashed: " + traceback.format_exc()))
        code = 1
    finally:
        connections.close_all()
        os._exit(code)  # skip the test runner's teardown in the child


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_allocating_at_once_exactly_one_wins(legacy, frozen_now, team_manager, area_manager):
    team = legacy.team
    ann = loaded_officer(team, first_name="Ann", last_name="Ant")
    bob = loaded_officer(team, first_name="Bob", last_name="Bee")
    case = waiting_case(team)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.SimpleQueue()  # put() is synchronous
    connections.close_all()
    processes = [
        context.Process(target=_allocate_in_child, args=(case, ann, "team-manager", barrier, results)),
        context.Process(target=_allocate_in_child, args=(case, bob, "area-manager", barrier, results)),
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=90)
    outcomes = dict(results.get() for _ in processes if not results.empty())
    assert [p.exitcode for p in processes] == [0, 0], outcomes
    winners = [who for who, what in outcomes.items() if what == "allocated"]
    assert len(winners) == 1, outcomes
    [loser] = set(outcomes) - set(winners)
    decision = AllocationDecision.objects.get()
    winner_name = {"team-manager": "Tom Manager", "area-manager": "Ava Manager"}[winners[0]]
    assert outcomes[loser] == (
        f"Case {case.reference} has already been allocated to {decision.practitioner.full_name} "
        f"by {winner_name} at 10:00 on 16 March 2026."
    )
    assert CaseAllocation.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(kind="allocations.allocated").count() == 1
