"""allocate_case(): the allocation history, the event and the audit entry stay in step."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from caseload.cases.models import CaseAllocation, CaseEvent, EventKind, ReallocationReason
from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.core.audit import history
from caseload.organisations.tests.factories import PractitionerFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_practitioners(org):
    first, second = PractitionerFactory(), PractitionerFactory()
    for p in (first, second):
        TeamMembershipFactory(practitioner=p, team=org.team)
    return first, second


def test_first_allocation_opens_history_and_records_an_event(
    org, team_manager, two_practitioners, frozen_now
):
    first, _ = two_practitioners
    case = CaseFactory(team=org.team)

    allocation = allocate_case(case, first, actor=team_manager)

    case.refresh_from_db()
    assert case.practitioner == first
    assert (allocation.started_at, allocation.ended_at, allocation.allocated_by) == (
        frozen_now,
        None,
        team_manager,
    )
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.occurred_on, event.practitioner) == (
        EventKind.ALLOCATED,
        frozen_now.date(),
        first,
    )
    assert history(case).get().changed_fields() == {"practitioner": (None, first.pk)}


def test_reallocation_closes_the_previous_spell(org, team_manager, two_practitioners, frozen_now):
    first, second = two_practitioners
    case = CaseFactory(team=org.team)
    allocate_case(case, first, actor=team_manager, at=frozen_now - dt.timedelta(days=30))

    allocate_case(case, second, actor=team_manager, reason=ReallocationReason.CASELOAD_ADJUSTMENT)

    spells = list(CaseAllocation.objects.filter(case=case).order_by("started_at"))
    assert [(s.practitioner, s.ended_at) for s in spells] == [(first, frozen_now), (second, None)]
    last = CaseEvent.objects.filter(case=case).latest("id")
    assert last.kind == EventKind.REALLOCATED
    assert last.details == {"from": first.pk, "to": second.pk, "reason": "caseload_adjustment"}


def test_cannot_allocate_to_someone_outside_the_team(org, team_manager):
    outsider = PractitionerFactory()
    TeamMembershipFactory(practitioner=outsider, team=org.other_team)
    case = CaseFactory(team=org.team)

    with pytest.raises(ValidationError, match="is not a current member of North Team A"):
        allocate_case(case, outsider, actor=team_manager)
    assert not CaseAllocation.objects.exists()


def test_cannot_allocate_a_closed_case_or_to_the_current_holder(org, team_manager, two_practitioners):
    first, _ = two_practitioners
    closed = CaseFactory(team=org.team, closed=True)
    with pytest.raises(ValidationError, match="is closed"):
        allocate_case(closed, first, actor=team_manager)

    case = CaseFactory(team=org.team)
    allocate_case(case, first, actor=team_manager)
    with pytest.raises(ValidationError, match="already allocated"):
        allocate_case(case, first, actor=team_manager)
    assert CaseAllocation.objects.filter(case=case).count() == 1
