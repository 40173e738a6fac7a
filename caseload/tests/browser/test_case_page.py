"""The case page in a real browser: Tom (team manager) searches for a case, opens it, records a visit with a
bad date (the error is shown and what he typed is kept), then a good one, and sees it in the timeline.
axe-core runs on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caseload.cases.models import CaseEvent, EventKind
from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.core.tests.factories import TEST_PASSWORD
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(legacy, practitioner_user, team_manager):  # noqa: F811
    """Pat's community A3 case, sentenced three days ago (the first appointment is due within 5 days)."""
    today = timezone.localdate()
    held = CaseFactory(
        team=legacy.team,
        reference="JRN-CASE-1",
        name="Jo Bloggs",
        category="community",
        level="A3",
        received_date=today - dt.timedelta(days=5),
        start_date=today - dt.timedelta(days=3),
    )
    allocate_case(held, practitioner_user.practitioner, actor=None)
    recalculate([practitioner_user.practitioner.memberships.get()])
    return held


def fill_date(page, prefix: str, day: dt.date | None = None, *, parts: tuple[str, str, str] | None = None):
    day_text, month_text, year_text = parts or (str(day.day), str(day.month), str(day.year))
    page.locator(f"#{prefix}-day").fill(day_text)
    page.locator(f"#{prefix}-month").fill(month_text)
    page.locator(f"#{prefix}-year").fill(year_text)


def test_team_manager_finds_a_case_and_records_a_visit(page, case):
    sign_in(page, "team-manager", TEST_PASSWORD)
    page.get_by_label("Search practitioners and cases").fill("JRN-CASE")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Cases (1)")).to_be_visible()
    check_accessibility(page, "case-search")

    page.get_by_role("link", name="JRN-CASE-1").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case JRN-CASE-1 – Jo Bloggs")
    expect(page.locator("#points + p + table")).to_contain_text("206.00")
    expect(page.locator("#timeliness ~ table").first).to_contain_text("Not due yet")
    check_accessibility(page, "case-page")

    page.get_by_label("Visit", exact=True).check()
    fill_date(page, "occurred_on", parts=("31", "2", str(timezone.localdate().year)))
    page.get_by_label("Notes (optional)").fill("Home visit: all well.")
    page.get_by_role("button", name="Record event").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The date must be a real date")
    assert page.title().startswith("Error: ")
    expect(page.locator("#occurred_on-day")).to_have_value("31")
    expect(page.locator("#occurred_on-month")).to_have_value("2")
    expect(page.get_by_label("Visit", exact=True)).to_be_checked()
    expect(page.get_by_label("Notes (optional)")).to_have_value("Home visit: all well.")
    check_accessibility(page, "case-event-error")
    assert not CaseEvent.objects.filter(kind=EventKind.VISIT).exists()

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    fill_date(page, "occurred_on", yesterday)
    page.get_by_role("button", name="Record event").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Visit recorded on JRN-CASE-1")
    # Newest first by the day it happened: today's allocation, then yesterday's visit.
    rows = page.locator("#events + table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Allocated")
    expect(rows.nth(1)).to_contain_text("Visit")
    expect(rows.nth(1)).to_contain_text("Home visit: all well.")
    expect(rows.nth(1)).to_contain_text("Tom Manager")
    check_accessibility(page, "case-page-after-visit")

    event = CaseEvent.objects.get(kind=EventKind.VISIT)
    assert (event.case_id, event.occurred_on, event.recorded_by.username) == (
        case.pk,
        yesterday,
        "team-manager",
    )
