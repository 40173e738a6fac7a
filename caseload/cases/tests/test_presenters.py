"""The case page's presenters, without HTTP: labels, what the event form offers under each scheme, the
timeline's words, clocks, pseudonymised names and the success message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.paginator import Paginator

from caseload.cases import presenters
from caseload.cases.models import CaseAllocation, CaseEvent, EventKind
from caseload.cases.selectors import case_events, case_page_data
from caseload.cases.services import allocate_case, change_case_category, change_case_flags
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.domain.performance import Clock, Outcome
from caseload.domain.presets import load_preset
from caseload.organisations.models import TeamMembership
from caseload.workloads.models import Workload
from caseload.workloads.tests.fixtures import officer

LEGACY = load_preset("probation-wmt-legacy")
CHILDREN = load_preset("children-services")
TODAY = dt.date(2026, 3, 16)


def test_labels_show_the_scheme_name_and_the_code_when_they_differ():
    assert presenters.label_of("Community", "community") == "Community"
    assert presenters.label_of("Level 1 (standard)", "level-1") == "Level 1 (standard) – level-1"
    assert presenters.label_of(None, "mystery") == "mystery"


def kinds(case, scheme, *, may_name_doer=True):
    return [c.value for c in presenters.kind_choices(case, scheme, may_name_doer=may_name_doer)]


PLAIN = ["contact", "appointment", "visit", "assessment_completed", "review"]


@pytest.mark.django_db
def test_the_form_offers_reports_and_support_contacts_only_where_they_apply(org):
    held = CaseFactory(team=org.team, practitioner=officer(org.team).practitioner)
    waiting = CaseFactory(team=org.team)

    assert kinds(held, LEGACY) == [*PLAIN, "report_requested", "report_completed", "cms_contact"]
    assert kinds(held, LEGACY, may_name_doer=False) == [*PLAIN, "report_requested", "report_completed"]
    assert kinds(waiting, LEGACY) == [*PLAIN, "report_requested", "report_completed"]
    assert kinds(held, CHILDREN) == PLAIN  # no court reports, no support contacts
    assert kinds(held, None) == PLAIN
    assert [c.value for c in presenters.report_type_choices(LEGACY)] == [
        "court_standard",
        "court_fast",
        "parole",
    ]
    assert presenters.contact_type_choices(LEGACY)[2].text == (
        "CMS03: Sentence plan intervention delivery (high)"
    )
    assert presenters.report_type_choices(CHILDREN) == presenters.contact_type_choices(None) == []


@pytest.mark.django_db
def test_the_timeline_says_what_each_event_was(legacy, team_manager, frozen_now):
    holder = officer(legacy.team)
    helper = officer(legacy.team)
    case = CaseFactory(team=legacy.team, level="C2", practitioner=None)
    allocate_case(case, holder.practitioner, actor=team_manager)
    change_case_flags(case, ["warrant"], actor=team_manager, notes="Warrant issued.")
    change_case_category(case, "licence", level="A3", actor=team_manager)
    report = CaseEventFactory(case=case, report=True, practitioner=holder.practitioner)
    cms = CaseEventFactory(case=case, cms=True, contact_type="CMS03", practitioner=helper.practitioner)
    level = CaseEventFactory(case=case, kind=EventKind.LEVEL_CHANGED, details={"from": "C2", "to": ""})

    rows = {
        e.pk: presenters.event_row(e, LEGACY, pseudonymised=False)
        for e in CaseEvent.objects.filter(case=case)
    }

    flags, category = CaseEvent.objects.filter(case=case, kind__in=["flags_changed", "category_changed"])
    assert (rows[flags.pk].what, rows[flags.pk].detail) == ("Flags changed", "Now: Warrant")
    assert (rows[flags.pk].notes, rows[flags.pk].recorded_by) == ("Warrant issued.", "Tom Manager")
    assert rows[category.pk].detail == "community C2 → licence A3"
    assert rows[report.pk].detail == "Court report (standard)"
    assert rows[cms.pk].detail == "CMS03: Sentence plan intervention delivery (high)"
    assert rows[cms.pk].done_by == helper.practitioner.full_name
    assert rows[level.pk].detail == "C2 → untiered"
    assert rows[level.pk].recorded_by == "Imported or by the system"
    hidden = presenters.event_row(cms, LEGACY, pseudonymised=True)
    assert (hidden.done_by, presenters.event_row(flags, LEGACY, pseudonymised=True).recorded_by) == (
        "A practitioner",
        "A user",
    )


@pytest.mark.parametrize(
    ("outcome", "completed", "text", "colour"),
    [
        (Outcome.ON_TIME, dt.date(2026, 3, 13), "On time", "green"),
        (Outcome.LATE, dt.date(2026, 3, 20), "Late", "orange"),
        (Outcome.OVERDUE, None, "Overdue", "red"),
        (Outcome.PENDING, None, "Not due yet", "grey"),
    ],
)
def test_each_clock_outcome_has_words_and_a_colour(outcome, completed, text, colour):
    clock = Clock("first-appointment", dt.date(2026, 3, 12), dt.date(2026, 3, 17), completed, outcome, 1, 2)

    row = presenters.clock_row(clock)

    assert (row.started, row.due, row.outcome, row.colour) == (
        "12 March 2026",
        "17 March 2026",
        text,
        colour,
    )
    assert row.completed == ("Not yet" if completed is None else f"{completed.day} March 2026")


@pytest.mark.django_db
def test_a_pseudonymised_page_shows_no_names(legacy, team_manager, frozen_now):
    holder = officer(legacy.team)
    case = CaseFactory(team=legacy.team, name="Jo Example", practitioner=None)
    allocate_case(case, holder.practitioner, actor=team_manager)
    case.refresh_from_db()
    data = case_page_data(case, TeamMembership.objects.all(), TODAY)
    events = Paginator(case_events(case), 25).get_page(1)

    shown = presenters.present_case_page(data, events, pseudonymised=True, can_edit=False)
    named = presenters.present_case_page(data, events, pseudonymised=False, can_edit=True)

    assert shown.name == case.pseudonym and "Jo Example" not in repr(shown)
    assert holder.practitioner.full_name not in repr(shown)
    assert [r.value for r in shown.summary if r.label == "Held by"] == ["Allocated"]
    assert shown.allocations[0].practitioner == "A practitioner"
    assert shown.allocate_href is None
    assert named.name == "Jo Example"
    assert [r.value for r in named.summary if r.label == "Held by"] == [holder.practitioner.full_name]
    assert named.allocate_text == "Reallocate this case"


@pytest.mark.django_db
def test_the_indicator_empty_states(org, legacy, frozen_now):
    plain = CaseFactory(team=org.other_team)  # South Team: no scheme assigned
    custody = CaseFactory(team=legacy.team, category="custody", level="A3")
    events = Paginator(CaseEvent.objects.none(), 25).get_page(1)

    def empty(case):
        data = case_page_data(case, TeamMembership.objects.none(), TODAY)
        return presenters.present_case_page(
            data, events, pseudonymised=False, can_edit=False
        ).indicators_empty

    assert empty(plain).startswith("No workload scheme is in force")
    # The legacy scheme's court-report indicator names no categories, so it covers custody too.
    assert empty(custody) == ""


@pytest.mark.django_db
def test_the_success_message_names_the_recalculated_workloads(legacy, frozen_now):
    holder = officer(legacy.team)
    case = CaseFactory(team=legacy.team, reference="MSG-1")
    allocate_case(case, holder.practitioner, actor=None)
    event = CaseEvent(case=case, kind=EventKind.VISIT, occurred_on=TODAY)
    workload = Workload.objects.get(membership=holder)
    workload.workload_percent = Decimal("9.4669")

    assert presenters.recorded_message(event, []) == (
        "Visit recorded on MSG-1 for 16 March 2026. Workloads are up to date: the scheme in force gives this "
        "kind of event no points, so no figures changed."
    )
    assert presenters.recorded_message(event, [workload]) == (
        f"Visit recorded on MSG-1 for 16 March 2026. Workload recalculated: {holder.practitioner.full_name} "
        "now 9.5%."
    )


@pytest.mark.django_db
def test_allocation_rows_are_newest_first_with_reason_and_who(legacy, team_manager, frozen_now):
    first, second = officer(legacy.team), officer(legacy.team)
    case = CaseFactory(team=legacy.team)
    allocate_case(case, first.practitioner, actor=None, at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    allocate_case(case, second.practitioner, actor=team_manager, reason="caseload_adjustment")
    case.refresh_from_db()
    assert CaseAllocation.objects.filter(case=case).count() == 2

    data = case_page_data(case, TeamMembership.objects.all(), TODAY)
    page = presenters.present_case_page(
        data, Paginator(case_events(case), 25).get_page(1), pseudonymised=False, can_edit=True
    )

    newest, oldest = page.allocations
    assert (newest.practitioner, newest.ended, newest.reason, newest.by) == (
        second.practitioner.full_name,
        "Now",
        "Caseload adjustment",
        "Tom Manager",
    )
    assert (oldest.started, oldest.ended, oldest.by) == (
        "2 March 2026",
        "16 March 2026",
        "Imported or by the system",
    )


@pytest.mark.django_db
def test_working_day_clocks_skip_the_bank_holidays(org, settings):
    """The legacy court-report clock: 15 working days from a request on Monday 30 March 2026 would be due on
    Monday 20 April; Good Friday (3 April) and Easter Monday (6 April) push it to Wednesday 22 April."""
    from caseload.cases.selectors import case_clocks

    case = CaseFactory(team=org.team, received_date=dt.date(2026, 3, 2))
    CaseEventFactory(case=case, report=True, occurred_on=dt.date(2026, 3, 30))

    def due(region):
        settings.CASELOAD_BANK_HOLIDAYS = region
        found = {i.indicator.code: i.clocks for i in case_clocks(case, LEGACY, dt.date(2026, 4, 21))}
        [clock] = found["court-report"]
        return clock.due, clock.outcome

    assert due("GB-ENG") == (dt.date(2026, 4, 22), Outcome.PENDING)
    assert due("none") == (dt.date(2026, 4, 20), Outcome.OVERDUE)
