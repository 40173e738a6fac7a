"""record_case_event(): each kind changes the case and its history, and the stored workloads of exactly the
practitioners it affects, in the same transaction (hand-checked with probation-wmt-legacy values)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from caseload.cases.models import CaseAllocation, CaseEvent, CaseStatus, EventKind
from caseload.cases.services import CaseClosed, allocate_case, record_case_event
from caseload.cases.tests.factories import CaseFactory
from caseload.core.audit import history
from caseload.core.models import AuditEntry
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import officer, revisions, stored

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)  # conftest.FROZEN_NOW


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


@pytest.fixture
def three(team):
    """Three full-time POs in North Team A, with their (empty) workloads stored: revision 1 each."""
    members = [officer(team) for _ in range(3)]
    recalculate(members)
    assert revisions(*members) == [1, 1, 1]
    return members


def held_case(team, membership, level="A3"):
    case = CaseFactory(team=team, category="community", level=level)
    allocate_case(case, membership.practitioner, actor=None, at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    case.refresh_from_db()
    return case


def test_allocation_scores_the_case_for_the_new_holder_only(team, three, team_manager):
    first, second, third = three
    case = CaseFactory(team=team, category="community", level="A3")

    event = record_case_event(
        case, EventKind.ALLOCATED, actor=team_manager, occurred_on=TODAY, practitioner=first.practitioner
    )

    workload = stored(first)
    assert (workload.total_points, workload.available_points, workload.case_count) == (206, 2176, 1)
    assert workload.workload_percent == Decimal("9.4669")  # 206 ÷ 2176 × 100 = 9.46691…
    assert workload.rag == "blue"
    assert workload.breakdown["items"][0]["reference"] == case.reference
    assert workload.breakdown["items"][0]["points"] == "206.00"
    assert workload.reason == f"Allocated on {case.reference}"
    assert revisions(first, second, third) == [2, 1, 1]
    assert event.recalculated == [first.pk]
    assert CaseAllocation.objects.get(case=case).practitioner == first.practitioner


def test_reallocation_moves_the_points_between_the_two_holders(team, three, team_manager):
    first, second, third = three
    case = held_case(team, first)
    assert stored(first).total_points == 206

    record_case_event(
        case,
        EventKind.REALLOCATED,
        actor=team_manager,
        occurred_on=TODAY,
        practitioner=second.practitioner,
        reason="caseload_adjustment",
    )

    assert (stored(first).total_points, stored(second).total_points) == (0, 206)
    assert revisions(first, second, third) == [3, 2, 1]
    spells = CaseAllocation.objects.filter(case=case).order_by("started_at")
    assert [(s.practitioner_id, s.ended_at is None) for s in spells] == [
        (first.practitioner_id, False),
        (second.practitioner_id, True),
    ]


def test_allocating_a_held_case_must_be_recorded_as_a_reallocation(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first)
    with pytest.raises(ValidationError, match="record a reallocation"):
        record_case_event(
            case, EventKind.ALLOCATED, actor=team_manager, occurred_on=TODAY, practitioner=second.practitioner
        )


def test_level_change_rescores_the_holder_and_records_before_and_after(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first, level="A3")

    event = record_case_event(
        case, EventKind.LEVEL_CHANGED, actor=team_manager, occurred_on=TODAY, level="C2"
    )

    case.refresh_from_db()
    assert case.level == "C2"
    assert event.details == {"from": "A3", "to": "C2"}
    assert stored(first).total_points == 63
    assert revisions(first, second) == [3, 1]
    assert history(case).first().changed_fields() == {"level": ("A3", "C2")}


def test_level_must_be_one_of_the_category_levels_of_the_scheme(team, three, team_manager):
    case = held_case(team, three[0])
    with pytest.raises(ValidationError) as refused:
        record_case_event(case, EventKind.LEVEL_CHANGED, actor=team_manager, occurred_on=TODAY, level="Z9")
    assert "is not a level of Community" in refused.value.message_dict["level"][0]
    assert not CaseEvent.objects.filter(kind=EventKind.LEVEL_CHANGED).exists()


def test_closing_ends_the_allocation_and_the_points(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first)

    record_case_event(case, EventKind.CLOSED, actor=team_manager, occurred_on=TODAY)

    case.refresh_from_db()
    assert (case.status, case.closed_date) == (CaseStatus.CLOSED, TODAY)
    assert not CaseAllocation.objects.filter(case=case, ended_at__isnull=True).exists()
    assert (stored(first).total_points, stored(first).case_count) == (0, 0)
    assert revisions(first, second) == [3, 1]
    with pytest.raises(CaseClosed, match="is closed"):
        record_case_event(case, EventKind.LEVEL_CHANGED, actor=team_manager, occurred_on=TODAY, level="C2")


def test_a_completed_report_counts_for_its_writer(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first)

    record_case_event(
        case,
        EventKind.REPORT_COMPLETED,
        actor=team_manager,
        occurred_on=TODAY - dt.timedelta(days=3),
        practitioner=second.practitioner,
        report_type="court_standard",
    )

    assert (stored(first).total_points, stored(second).total_points) == (206, 138)
    assert revisions(first, second) == [2, 2]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EVENT, object_id=str(case.pk)).count() == 1


def test_a_report_needs_its_type(team, three, team_manager):
    case = held_case(team, three[0])
    with pytest.raises(ValidationError) as refused:
        record_case_event(case, EventKind.REPORT_COMPLETED, actor=team_manager, occurred_on=TODAY)
    assert "report_type" in refused.value.message_dict


def test_a_support_contact_moves_points_from_holder_to_doer(team, three, team_manager):
    holder, helper, bystander = three
    case = held_case(team, holder, level="C2")

    record_case_event(
        case,
        EventKind.CMS_CONTACT,
        actor=team_manager,
        occurred_on=TODAY - dt.timedelta(days=2),
        practitioner=helper.practitioner,
        contact_type="CMS03",
    )

    assert (stored(holder).total_points, stored(helper).total_points) == (63 - 18, 18)
    assert revisions(holder, helper, bystander) == [3, 2, 1]


def test_a_support_contact_is_by_someone_else_with_a_known_type(team, three, team_manager):
    holder = three[0]
    case = held_case(team, holder)
    with pytest.raises(ValidationError) as refused:
        record_case_event(
            case,
            EventKind.CMS_CONTACT,
            actor=team_manager,
            occurred_on=TODAY,
            practitioner=holder.practitioner,
            contact_type="CMS99",
        )
    assert set(refused.value.message_dict) == {"practitioner", "contact_type"}


@pytest.mark.parametrize(
    "kind",
    [EventKind.APPOINTMENT, EventKind.ASSESSMENT_COMPLETED, EventKind.REVIEW, EventKind.VISIT],
)
def test_timeliness_milestones_are_recorded_like_a_plain_contact(team, three, team_manager, kind):
    first, second, _ = three
    case = held_case(team, first)

    event = record_case_event(
        case, kind, actor=team_manager, occurred_on=TODAY - dt.timedelta(days=1), notes="Seen at home."
    )

    event.refresh_from_db()
    assert (event.kind, event.occurred_on) == (kind, dt.date(2026, 3, 15))
    assert (event.practitioner_id, event.recorded_by_id) == (first.practitioner_id, team_manager.pk)
    assert event.details == {"notes": "Seen at home."}
    assert (event.report_type, event.contact_type) == ("", "")
    assert event.recalculated == []  # no scheme weighs them
    assert revisions(first, second) == [2, 1]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EVENT).latest("pk")
    assert entry.note == event.get_kind_display()


def test_a_milestone_by_a_colleague_and_on_an_unallocated_case(team, three, team_manager):
    first, second, _ = three
    held = held_case(team, first)
    waiting = CaseFactory(team=team)

    by_colleague = record_case_event(
        held, EventKind.VISIT, actor=team_manager, occurred_on=TODAY, practitioner=second.practitioner
    )
    assert by_colleague.practitioner_id == second.practitioner_id
    with pytest.raises(ValidationError) as refused:
        record_case_event(waiting, EventKind.ASSESSMENT_COMPLETED, actor=team_manager, occurred_on=TODAY)
    assert refused.value.message_dict == {"practitioner": ["Say who did it (the case has no holder)."]}
    done = record_case_event(
        waiting,
        EventKind.ASSESSMENT_COMPLETED,
        actor=team_manager,
        occurred_on=TODAY,
        practitioner=first.practitioner,
    )
    assert done.practitioner_id == first.practitioner_id


def test_a_requested_report_needs_its_type_and_carries_no_points(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first)
    with pytest.raises(ValidationError) as refused:
        record_case_event(case, EventKind.REPORT_REQUESTED, actor=team_manager, occurred_on=TODAY)
    assert list(refused.value.message_dict) == ["report_type"]

    event = record_case_event(
        case, EventKind.REPORT_REQUESTED, actor=team_manager, occurred_on=TODAY, report_type="court_fast"
    )

    assert (event.report_type, event.practitioner_id) == ("court_fast", first.practitioner_id)
    assert event.recalculated == []
    assert stored(first).total_points == 206  # only completed reports count
    assert revisions(first, second) == [2, 1]


def test_a_plain_contact_is_recorded_and_changes_no_workload(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first)

    event = record_case_event(case, EventKind.CONTACT, actor=team_manager, occurred_on=TODAY)

    assert (event.kind, event.practitioner_id) == (EventKind.CONTACT, first.practitioner_id)
    assert event.recalculated == []
    assert revisions(first, second) == [2, 1]


def test_events_cannot_be_dated_in_the_future_or_be_of_other_kinds(team, three, team_manager):
    case = held_case(team, three[0])
    with pytest.raises(ValidationError, match="future"):
        record_case_event(
            case, EventKind.CONTACT, actor=team_manager, occurred_on=TODAY + dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="cannot be recorded"):
        record_case_event(case, EventKind.REPORT_VOIDED, actor=team_manager, occurred_on=TODAY)


def test_a_backdated_reallocation_cannot_start_before_the_current_spell(team, three, team_manager):
    first, second, _ = three
    case = held_case(team, first)  # allocated on 2 March
    with pytest.raises(ValidationError, match="cannot be dated before"):
        record_case_event(
            case,
            EventKind.REALLOCATED,
            actor=team_manager,
            occurred_on=dt.date(2026, 3, 1),
            practitioner=second.practitioner,
        )
