"""The case page and recording an event on it, role by role (which roles reach which case at all is the
access matrix's: caseload/cases/tests/access.py). Values hand-checked with probation-wmt-legacy: community
A3 = 206 points; a full-time PO has 2176 available points; a standard court report adds 138."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from caseload.cases.models import CaseEvent, EventKind
from caseload.cases.services import allocate_case, record_case_event
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.workloads.services import recalculate

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)  # conftest.FROZEN_NOW, a Monday


@pytest.fixture
def pat(legacy, practitioner_user, frozen_now):
    """Pat's membership in North Team A, with Pat's case PAT-1 (community A3, sentenced Thursday 12 March:
    the first appointment is due within 5 days, by 17 March) and the figures stored."""
    membership = practitioner_user.practitioner.memberships.get()
    case = CaseFactory(
        team=legacy.team,
        reference="PAT-1",
        name="Jo Example",
        category="community",
        level="A3",
        flags=["young_adult"],
        received_date=dt.date(2026, 3, 10),
        start_date=dt.date(2026, 3, 12),
        expected_end_date=dt.date(2027, 3, 11),
    )
    allocate_case(case, practitioner_user.practitioner, actor=None)
    recalculate([membership])
    case.refresh_from_db()
    membership.case = case
    return membership


def case_url(case):
    return reverse("cases:case", args=[case.pk])


def record_url(case):
    return reverse("cases:record-event", args=[case.pk])


def text(response):
    """The page's text without tags or runs of white space, for readable assertions."""
    html = response.content.decode()
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def visit(day=TODAY, **extra):
    return {
        "kind": "visit",
        "occurred_on-day": str(day.day),
        "occurred_on-month": str(day.month),
        "occurred_on-year": str(day.year),
        **extra,
    }


# -- the page -------------------------------------------------------------------------------------------


def test_a_team_manager_sees_the_case_its_points_history_and_clocks(client, pat, team_manager):
    client.force_login(team_manager)
    response = client.get(case_url(pat.case))

    assert response.status_code == 200
    page = text(response)
    assert "Case PAT-1 – Jo Example" in page
    for expected in (
        "Service Probation",
        "Category Community",
        "Tier or level A3",
        "Flags Young adult (T2A)",
        "Status Active",
        "Received 10 March 2026",
        "Start 12 March 2026",
        "Expected end 11 March 2027",
        "Expected release Not set",
        "Team North Team A",
    ):
        assert expected in page, expected
    html = response.content.decode()
    assert f'href="{reverse("organisations:practitioner", args=[pat.pk])}">Pat Practitioner</a>' in html
    # Young adult A3 is weighted 75 (not 206) in the legacy scheme: the page shows the stored line.
    assert "Case 75.00" in page and "community A3" in page
    assert "How the case's points are worked out" in page
    assert "First appointment within 5 days of sentence" in page
    assert "12 March 2026 17 March 2026 Not yet Not due yet" in page
    assert "Allocated" in page and "Imported or by the system" in page
    assert f'href="{reverse("allocations:reallocate", args=[pat.case.pk])}"' in html
    assert 'name="practitioner"' in html  # editors say who did the work
    assert 'value="cms_contact"' in html  # and may record support contacts
    assert 'value="report_completed"' in html and 'value="report_requested"' in html


def test_the_holder_records_without_naming_anyone_and_cannot_allocate(client, pat, practitioner_user):
    client.force_login(practitioner_user)
    response = client.get(case_url(pat.case))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{record_url(pat.case)}"' in html
    assert 'name="practitioner"' not in html
    assert 'value="cms_contact"' not in html  # a support contact is someone else's work
    assert "Reallocate this case" not in html
    assert f'href="{reverse("organisations:practitioner", args=[pat.pk])}"' in html  # their own page


def test_a_senior_leader_reads_the_case_but_has_no_form(client, pat, senior_leader):
    client.force_login(senior_leader)
    response = client.get(case_url(pat.case))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Record an event" not in html
    assert "Reallocate this case" not in html
    assert client.post(record_url(pat.case), visit()).status_code == 403
    assert not CaseEvent.objects.filter(kind=EventKind.VISIT).exists()


def test_an_unallocated_case_with_no_scheme_and_no_events_shows_empty_states(client, org, team_manager):
    case = CaseFactory(team=org.team, reference="NEW-1")
    client.force_login(team_manager)

    page = text(client.get(case_url(case)))

    assert "Held by Nobody: the case is waiting for allocation" in page
    assert "Nobody holds the case yet, so it counts in nobody's workload." in page
    assert "No workload scheme is in force for the case's team, so no timeliness indicators apply." in page
    assert "No events have been recorded on this case yet." in page
    assert "The case has never been allocated." in page
    assert "Allocate this case" in page


def test_events_are_newest_first_25_to_a_page(client, pat, team_manager):
    for day in range(1, 31):  # 30 contacts in January, plus the allocation event
        CaseEventFactory(case=pat.case, occurred_on=dt.date(2026, 1, day), details={"notes": f"Note {day}"})
    client.force_login(team_manager)

    first = text(client.get(case_url(pat.case)))
    second = text(client.get(case_url(pat.case) + "?page=2"))

    assert "31 events, newest first" in first
    assert first.index("16 March 2026 Allocated") < first.index("30 January 2026 Contact")
    assert "Note 7" in first and "Note 6" not in first  # 25 rows: the allocation, then 30 … 7 January
    assert "Note 6" in second and "Note 1 " in second and "Note 7" not in second
    assert 'class="govuk-pagination' in client.get(case_url(pat.case)).content.decode()


def test_a_closed_case_has_no_form_and_refuses_posts_with_409(client, pat, team_manager):
    record_case_event(pat.case, EventKind.CLOSED, actor=team_manager, occurred_on=TODAY)
    client.force_login(team_manager)

    page = client.get(case_url(pat.case))
    refused = client.post(record_url(pat.case), visit())

    assert "This case was closed on 16 March 2026: nothing more can be recorded on it." in text(page)
    assert "Record an event" not in page.content.decode()
    assert "The case is closed, so it counts in nobody's workload." in text(page)
    assert refused.status_code == 409
    assert "Case PAT-1 is closed" in text(refused)
    assert not CaseEvent.objects.filter(kind=EventKind.VISIT).exists()


# -- recording --------------------------------------------------------------------------------------------


def test_recording_a_visit_redirects_to_the_case_with_a_banner(client, pat, team_manager):
    client.force_login(team_manager)

    response = client.post(record_url(pat.case), visit(notes="Home visit, all well."), follow=True)

    assert response.redirect_chain == [(case_url(pat.case), 302)]
    banner = text(response)
    assert "Visit recorded on PAT-1 for 16 March 2026." in banner
    assert "Workloads are up to date: the scheme in force gives this kind of event no points" in banner
    event = CaseEvent.objects.get(kind=EventKind.VISIT)
    assert (event.practitioner_id, event.recorded_by_id) == (pat.practitioner_id, team_manager.pk)
    assert event.details == {"notes": "Home visit, all well."}
    assert "16 March 2026 Visit Pat Practitioner Tom Manager Home visit, all well." in banner


def test_a_completed_report_recalculates_the_writer_and_says_so(client, pat, practitioner_user):
    client.force_login(practitioner_user)

    response = client.post(
        record_url(pat.case),
        visit(kind="report_completed", report_type="court_standard"),
        follow=True,
    )

    # 75 + 138 = 213 points of 2176: 9.788…%, shown to one decimal place.
    assert "Workload recalculated: Pat Practitioner now 9.8%." in text(response)
    assert CaseEvent.objects.get(kind=EventKind.REPORT_COMPLETED).recorded_by == practitioner_user


def test_an_appointment_completes_the_first_appointment_clock(client, pat, practitioner_user):
    client.force_login(practitioner_user)

    client.post(record_url(pat.case), visit(dt.date(2026, 3, 13), kind="appointment"))
    page = text(client.get(case_url(pat.case)))

    assert "12 March 2026 17 March 2026 13 March 2026 On time" in page


def test_a_bad_date_is_refused_and_what_was_typed_is_kept(client, pat, team_manager):
    client.force_login(team_manager)

    response = client.post(
        record_url(pat.case),
        {**visit(), "occurred_on-day": "31", "occurred_on-month": "2", "notes": "Typed notes"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The date must be a real date, like 27 3 2026" in html
    assert 'href="#occurred_on-day"' in html
    assert 'id="occurred_on-day" name="occurred_on-day" type="text" value="31"' in html
    assert 'name="occurred_on-month" type="text" value="2"' in html
    assert 'value="visit" checked' in html
    assert "Typed notes</textarea>" in html
    assert "<title>Error: Record an event on PAT-1" in html
    assert not CaseEvent.objects.filter(kind=EventKind.VISIT).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (visit(TODAY + dt.timedelta(days=1)), "occurred_on-day", "The date must be today or in the past"),
        ({"kind": "visit"}, "occurred_on-day", "Enter the date"),
        ({**visit(), "kind": ""}, "id_kind", "Select what happened"),
        (visit(kind="report_requested"), "id_report_type", "Select the report type"),
        (visit(kind="cms_contact"), "id_contact_type", "Select the contact type"),
        (
            visit(kind="cms_contact", contact_type="CMS03"),
            "id_practitioner",
            "Select who did the support contact",
        ),
        (visit(kind="levitated"), "id_kind", "Select what happened from the list"),
    ],
)
def test_each_missing_or_wrong_answer_has_its_message(client, pat, team_manager, data, field, message):
    client.force_login(team_manager)

    response = client.post(record_url(pat.case), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#{field}">{message}</a>' in html
    assert not CaseEvent.objects.exclude(kind=EventKind.ALLOCATED).exists()


def test_a_support_contact_by_the_holder_is_refused_by_the_service(client, pat, team_manager):
    client.force_login(team_manager)

    response = client.post(
        record_url(pat.case),
        visit(kind="cms_contact", contact_type="CMS03", practitioner=str(pat.practitioner_id)),
    )

    assert response.status_code == 400
    assert "A support contact is done by someone other than the case holder." in response.content.decode()


def test_the_holders_own_date_problem_shows_against_the_date(client, pat, practitioner_user):
    client.force_login(practitioner_user)

    response = client.post(record_url(pat.case), visit(dt.date(2019, 6, 3)))

    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#occurred_on-day">Pat Practitioner was not in a team on 3 June 2019.</a>' in html


def test_the_form_page_on_its_own(client, pat, team_manager):
    client.force_login(team_manager)

    response = client.get(record_url(pat.case))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Record an event" in html
    assert 'value="16"' in html and 'value="2026"' in html  # today, ready to change


# -- links to the case page -------------------------------------------------------------------------------


def test_search_results_and_the_workload_page_link_to_the_case(client, pat, team_manager):
    client.force_login(team_manager)
    href = f'href="{case_url(pat.case)}">PAT-1</a>'

    assert href in client.get(reverse("dashboards:search"), {"q": "PAT-1"}).content.decode()
    assert href in client.get(reverse("organisations:practitioner", args=[pat.pk])).content.decode()


def test_my_workload_links_to_the_practitioners_own_case(client, pat, practitioner_user):
    client.force_login(practitioner_user)

    page = client.get(reverse("organisations:my-workload")).content.decode()

    assert f'href="{case_url(pat.case)}">PAT-1</a>' in page


def test_allocation_history_and_the_confirmation_link_to_the_case(client, legacy, team_manager, frozen_now):
    from caseload.allocations.services import Choice, allocate
    from caseload.workloads.tests.fixtures import officer

    member = officer(legacy.team)
    recalculate([member])
    case = CaseFactory(team=legacy.team, reference="WAIT-1", category="community", level="C2")
    outcome = allocate(case, Choice(membership_id=member.pk, token="links"), actor=team_manager)
    client.force_login(team_manager)
    href = f'href="{case_url(case)}">'

    assert (
        href in client.get(reverse("allocations:confirmation", args=[outcome.decision.pk])).content.decode()
    )
    assert href in client.get(reverse("allocations:history")).content.decode()


def test_both_forms_carry_the_csrf_token(pat, team_manager):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(team_manager)

    for url in (case_url(pat.case), record_url(pat.case)):
        html = client.get(url).content.decode()
        form = html[html.index(f'action="{record_url(pat.case)}"') :]
        assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")], url
