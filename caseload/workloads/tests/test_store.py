"""Storing: a recalculation that changes nothing only records that it ran; a change rewrites the row."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.services import set_contracted_hours
from caseload.workloads.models import Workload
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import officer, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def po(legacy, frozen_now):
    membership = officer(legacy.team)
    allocate_case(CaseFactory(team=legacy.team, level="A3"), membership.practitioner, actor=None)
    return membership


def test_an_unchanged_workload_keeps_its_breakdown_and_counts_the_run(po):
    first = stored(po)
    Workload.objects.filter(pk=first.pk).update(breakdown={"marker": "left alone"})

    with time_machine.travel(dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC), tick=False):
        assert recalculate([po], reason="Nothing new") == 1

    after = stored(po)
    assert after.breakdown == {"marker": "left alone"}  # not rewritten: the digest matched
    assert (after.revision, after.reason, after.digest) == (2, "Nothing new", first.digest)
    assert after.calculated_at > first.calculated_at
    assert after.total_points == first.total_points


def test_a_changed_workload_is_rewritten_with_a_new_digest(po):
    first = stored(po)
    set_contracted_hours(po, Decimal("18.5"), actor=None)
    after = stored(po)
    assert after.digest != first.digest
    assert after.available_points < first.available_points
    assert after.breakdown["available_time"] != first.breakdown["available_time"]
    assert len(after.digest) == 32
