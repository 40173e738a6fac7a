"""Concurrent events for one practitioner never lose an update: each write locks the affected membership
rows before scoring, so the transactions queue and the last one sees all the others (PostgreSQL only:
SQLite serialises every write anyway)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from caseload.cases.models import CaseEvent, EventKind
from caseload.cases.services import allocate_case, record_case_event
from caseload.cases.tests.factories import CaseFactory
from caseload.workloads.inputs import current_memberships
from caseload.workloads.selectors import score_memberships
from caseload.workloads.tests.fixtures import officer, stored

THREADS = 8
ROUNDS = 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_events_for_one_practitioner_are_all_counted(legacy, frozen_now):
    today = frozen_now.date()
    po = officer(legacy.team)
    batches = [[CaseFactory(team=legacy.team, level="C2") for _ in range(ROUNDS)] for _ in range(THREADS)]
    for batch in batches:
        for case in batch:
            allocate_case(case, po.practitioner, actor=None)
    start_revision = stored(po).revision
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def record(batch):
        """Each round, every thread changes the level of one of its cases at the same moment; then each
        records a report."""
        try:
            for case in batch:
                barrier.wait(timeout=30)
                record_case_event(case, EventKind.LEVEL_CHANGED, actor=None, occurred_on=today, level="A3")
            barrier.wait(timeout=30)
            record_case_event(
                batch[0],
                EventKind.REPORT_COMPLETED,
                actor=None,
                occurred_on=today,
                practitioner=po.practitioner,
                report_type="court_standard",
            )
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    events = THREADS * (ROUNDS + 1)
    assert CaseEvent.objects.filter(kind__in=["level_changed", "report_completed"]).count() == events
    workload = stored(po)
    [fresh] = score_memberships(current_memberships(today, membership_ids=[po.pk]), today)
    assert workload.total_points == fresh.result.total_points == THREADS * (ROUNDS * 206 + 138)
    assert workload.case_count == THREADS * ROUNDS
    assert len(workload.breakdown["items"]) == len(fresh.result.items)
    assert workload.revision == start_revision + events
    assert workload.calculated_for == today
    assert not [t for t in threads if t.is_alive()]
    assert dt.date.today() == today  # the frozen clock held in every thread
