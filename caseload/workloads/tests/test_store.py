"""Storing: a recalculation that changes nothing only records that it ran; a change rewrites the row."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.domain.capacity import CapacityStep
from caseload.domain.results import CASE_WARNING_PREFIX, KIND_CASE, BreakdownItem
from caseload.domain.scheme import RagBand
from caseload.organisations.services import set_contracted_hours
from caseload.workloads.bulk import CaseFingerprint
from caseload.workloads.inputs import current_memberships
from caseload.workloads.models import Workload
from caseload.workloads.selectors import score_memberships
from caseload.workloads.services import _digest, recalculate
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


def test_the_digest_changes_with_every_part_of_what_a_row_shows_but_not_with_case_lines(po):
    [member] = score_memberships(
        current_memberships(dt.date(2026, 3, 16), membership_ids=[po.pk]), dt.date(2026, 3, 16)
    )
    result, cases = member.result, CaseFingerprint(1, 500, 12345)
    base = _digest(member.version, result, cases)
    assert _digest(member.version, dataclasses.replace(result), cases) == base  # the same parts: the same
    other = BreakdownItem("report", "R1", Decimal("1.00"), "a report")
    changed = {
        "total_points": result.total_points + Decimal("0.01"),
        "available_points": result.available_points + 1,
        "workload_percent": result.workload_percent + Decimal("0.0001"),
        "rag": RagBand("other", result.rag.name),
        "case_count": result.case_count + 1,
        "contracted_hours": result.contracted_hours - 1,
        "reduction_hours": result.reduction_hours + 1,
        "unrounded_points": result.unrounded_points + Decimal("0.001"),
        "remaining_points": result.remaining_points - 1,
        "items": (*result.items, other),
        "capacity_steps": (*result.capacity_steps, CapacityStep("another step", Decimal(1))),
        "warnings": (*result.warnings, "a warning"),
    }
    for name, value in changed.items():
        assert _digest(member.version, dataclasses.replace(result, **{name: value}), cases) != base, name
    for fingerprint in (
        CaseFingerprint(2, 500, 12345),
        CaseFingerprint(1, 501, 12345),
        CaseFingerprint(1, 500, 1),
    ):
        assert _digest(member.version, result, fingerprint) != base
    # Case lines are stood for by the fingerprint, so the digest is the same however the cases were scored.
    case_line = BreakdownItem(KIND_CASE, "X1", Decimal("9.99"), "a case")
    case_warning = f"{CASE_WARNING_PREFIX}X1: status 'x' is not in the scheme"  # its line's rule says it too
    assert (
        _digest(member.version, dataclasses.replace(result, warnings=(*result.warnings, case_warning)), cases)
        == base
    )
    assert (
        _digest(member.version, dataclasses.replace(result, items=(*result.items, case_line)), cases) == base
    )
