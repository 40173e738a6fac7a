"""Well-being in a real browser: sustained overload opens an alert, the action-plan deadline passes and the
alert escalates to the area, the team manager records an action plan, the overload clears and the alert
resolves; a practitioner raises a concern and their manager answers it. axe-core runs on every page
visited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caseload.core.tests.factories import TEST_PASSWORD
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.wellbeing.models import AlertStatus, CaseloadConcern, WellbeingAlert
from caseload.wellbeing.services import check_wellbeing
from caseload.wellbeing.tests.factories import snapshot, weekly
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overload_fires_escalates_when_the_plan_is_late_then_a_plan_and_clearing_resolve_it(
    page,
    legacy,  # noqa: F811
    practitioner_user,
    team_manager,
    area_manager,
):
    today = timezone.localdate()
    # The overload fired 11 days ago: the plan was due yesterday (10 days) and nobody has recorded one.
    opened = today - dt.timedelta(days=11)
    pat = practitioner_user.practitioner.memberships.get()
    weekly(pat, opened, 118, 121, 125, 112)
    assert len(check_wellbeing(opened).opened) == 1
    alert = WellbeingAlert.objects.get()
    assert alert.action_plan_due == today - dt.timedelta(days=1)
    assert check_wellbeing(today - dt.timedelta(days=1)).escalated == []  # the due day itself
    snapshot(pat, opened + dt.timedelta(days=7), 123)  # still over the threshold
    # Today the daily check finds the plan overdue: the alert goes to the area.
    assert check_wellbeing(today).escalated == [(alert.pk, 1)]

    sign_in(page, "team-manager", TEST_PASSWORD)
    page.goto("/wellbeing/")
    page.get_by_role("heading", name="Well-being", level=1).wait_for()
    alerts = page.get_by_role("table", name="Active alerts")
    assert "Escalated" in alerts.inner_text()
    check_accessibility(page, "wellbeing-home-manager")

    page.get_by_role("link", name="Sustained overload: Over 110% for 4 consecutive weeks").click()
    page.get_by_text("Pat Practitioner").first.wait_for()
    assert page.get_by_role("heading", name="Well-being alert").inner_text().endswith("Escalated")
    steps = page.get_by_role("table", name="Escalation steps taken")
    area_row = steps.get_by_role("row").filter(has_text="head of probation delivery unit")
    assert "North Area" in area_row.inner_text() and "Ava Manager" in area_row.inner_text()
    assert "The action plan was due by" in area_row.inner_text()
    assert "(overdue: no plan recorded)" in page.inner_text("main")
    check_accessibility(page, "wellbeing-alert-escalated")

    page.get_by_role("button", name="Record an action plan").click()
    page.get_by_role("heading", name="Record an action plan").wait_for()
    check_accessibility(page, "wellbeing-plan-form")

    page.get_by_label("Actions agreed").fill("Move two community cases to Team B; protected writing time")
    page.get_by_role("button", name="Record the plan").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Enter a real review date" in page.inner_text("main")
    # What was typed is kept.
    assert page.get_by_label("Actions agreed").input_value().startswith("Move two community cases")
    check_accessibility(page, "wellbeing-plan-form-error")

    review = today + dt.timedelta(days=21)
    page.get_by_label("Owner").select_option(label="Tom Manager")
    page.get_by_label("Day").fill(str(review.day))
    page.get_by_label("Month").fill(str(review.month))
    page.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Record the plan").click()
    page.get_by_text("Action plan recorded").first.wait_for()
    check_accessibility(page, "wellbeing-alert-plan-recorded")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PLAN_RECORDED

    # A week later the workload is back under the threshold: the daily check resolves the alert.
    snapshot(pat, today + dt.timedelta(days=7), 96)
    assert check_wellbeing(today + dt.timedelta(days=7)).resolved == [alert.pk]
    page.reload()
    page.get_by_text("The overload has cleared and an action plan is in place.").wait_for()
    assert page.get_by_role("heading", name="Well-being alert").inner_text().endswith("Resolved")
    check_accessibility(page, "wellbeing-alert-resolved")

    page.goto("/wellbeing/")
    page.get_by_role("heading", name="Well-being", level=1).wait_for()
    assert "Resolved" in page.get_by_role("table", name="Closed alerts").inner_text()
    check_accessibility(page, "wellbeing-home-manager-resolved")


def test_practitioner_raises_a_concern_and_the_manager_sees_it(
    page,
    browser,
    live_server,
    legacy,  # noqa: F811
    practitioner_user,
    team_manager,
):
    pat = practitioner_user.practitioner.memberships.get()
    sign_in(page, "practitioner", TEST_PASSWORD)
    page.goto(f"/wellbeing/concerns/new/?membership={pat.pk}")
    check_accessibility(page, "wellbeing-concern-form")
    page.get_by_role("button", name="Send to my manager").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    check_accessibility(page, "wellbeing-concern-form-error")
    page.get_by_label("Your concern").fill("Three new court reports this week on top of a full caseload")
    page.get_by_role("button", name="Send to my manager").click()
    page.get_by_text("Your concern has been sent to your manager.").wait_for()
    check_accessibility(page, "wellbeing-concern-sent")
    page.goto("/wellbeing/")
    check_accessibility(page, "wellbeing-home-practitioner")
    assert "Three new court reports" in page.inner_text("main")

    manager = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    sign_in(manager, "team-manager", TEST_PASSWORD)
    manager.goto("/wellbeing/")
    manager.get_by_role("link", name="Three new court reports this week on top of a full caseload").click()
    manager.get_by_label("Your response").fill("Let's go through them on Monday")
    check_accessibility(manager, "wellbeing-concern-respond")
    manager.get_by_role("button", name="Send the response").click()
    manager.get_by_text("Response sent.").wait_for()
    check_accessibility(manager, "wellbeing-concern-responded")
    assert CaseloadConcern.objects.get().manager_response == "Let's go through them on Monday"
    manager.context.close()
