"""Emails in a real browser: a practitioner raises a caseload concern, so their team manager is emailed; the
mail server refuses it and it is marked failed; the team manager sees it among their emails; an
administrator finds it under email delivery, retries it, and it reaches a real local SMTP server. axe-core
runs on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseload.core.tests.factories import TEST_PASSWORD
from caseload.notifications.models import Notification, NotificationStatus
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECT = "Well-being alert: an action plan is needed"


def test_a_failed_email_is_seen_by_its_recipient_and_retried_by_an_administrator(
    page,
    browser,
    live_server,
    legacy,  # noqa: F811
    practitioner_user,
    team_manager,
    admin_user,
    smtp_server,
    settings,
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1  # the first refusal marks the email failed
    smtp_server.fail_next(1)  # the mail server turns the next message away (451, temporary)

    # The practitioner raises a concern: an alert opens and the team manager is emailed.
    pat = practitioner_user.practitioner.memberships.get()
    sign_in(page, "practitioner", TEST_PASSWORD)
    page.goto(f"/wellbeing/concerns/new/?membership={pat.pk}")
    page.get_by_label("Your concern").fill("Two transfers in and a court report due on Friday")
    page.get_by_role("button", name="Send to my manager").click()
    expect(page.get_by_text("Your concern has been sent to your manager.")).to_be_visible()
    email = Notification.objects.get(kind="wellbeing_alert_opened")
    assert (email.user, email.status, email.attempts) == (team_manager, NotificationStatus.FAILED, 1)
    assert "451" in email.last_error
    assert smtp_server.messages == []

    # The practitioner has no emails of their own.
    page.goto("/notifications/")
    expect(page.get_by_role("heading", name="Your emails", level=1)).to_be_visible()
    expect(page.get_by_text("No emails have been sent to you yet.")).to_be_visible()
    check_accessibility(page, "notifications-list-empty")

    # The team manager sees the email among theirs, marked failed.
    manager = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    sign_in(manager, "team-manager", TEST_PASSWORD)
    manager.goto("/notifications/")
    row = manager.get_by_role("row").filter(has_text=SUBJECT)
    expect(row).to_contain_text("Failed")
    expect(manager.get_by_role("link", name="Email delivery for everyone")).to_have_count(0)
    check_accessibility(manager, "notifications-list-failed")

    # An administrator opens email delivery for everyone, filters to failed emails and retries it.
    admin = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, "admin", TEST_PASSWORD)
    admin.goto("/notifications/")
    admin.get_by_role("link", name="Email delivery for everyone").click()
    expect(admin.get_by_role("heading", name="Email delivery", level=1)).to_be_visible()
    check_accessibility(admin, "notifications-all")
    admin.get_by_label("Status").select_option("failed")
    admin.get_by_role("button", name="Filter").click()
    admin.wait_for_url("**/notifications/all/?status=failed*")
    failed = admin.get_by_role("row").filter(has_text=SUBJECT)
    expect(failed).to_contain_text(team_manager.email)
    expect(failed).to_contain_text("451")
    check_accessibility(admin, "notifications-all-failed")
    # The button's name says which email ("Retry now: <subject> to <address>", partly visually hidden).
    retry = failed.get_by_role("button", name="Retry now")
    expect(retry).to_have_accessible_name(
        re.compile(rf"Retry now\W+{re.escape(SUBJECT)} to {re.escape(team_manager.email)}")
    )
    retry.click()
    expect(admin.get_by_text(f"“{SUBJECT}” to {team_manager.email} is being sent again.")).to_be_visible()
    check_accessibility(admin, "notifications-all-retried")

    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == SUBJECT and message["To"] == team_manager.email
    assert "Pat Practitioner" in message.get_body(preferencelist=("plain",)).get_content()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.SENT, 2)
    expect(admin.get_by_role("row").filter(has_text=SUBJECT)).to_contain_text("Sent")
    expect(admin.get_by_role("button", name="Retry now")).to_have_count(0)

    # The team manager now sees it sent.
    manager.reload()
    expect(manager.get_by_role("row").filter(has_text=SUBJECT)).to_contain_text("Sent")
    check_accessibility(manager, "notifications-list-sent")
    manager.context.close()
    admin.context.close()
