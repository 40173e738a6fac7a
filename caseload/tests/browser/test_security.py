"""Lock-out, password reset by email and the audit log in a real browser, with axe-core and the Content
Security Policy checked on each page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from caseload.core import audit
from caseload.core.models import AuditEntry, Role
from caseload.core.tests.factories import TEST_PASSWORD, UserFactory
from caseload.tests.browser.conftest import CspViolations, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a brand new passphrase 42"


def _try_password(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_five_wrong_passwords_lock_out_with_a_clear_page(page, settings):
    settings.AXES_ENABLED = True
    settings.SUPPORT_CONTACT = "the Caseload service desk"
    UserFactory(username="sam")
    page.goto("/sign-in/")
    for _ in range(5):
        _try_password(page, "sam", "wrong password")

    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in at the moment"
    assert page.get_by_text("You can try again after").is_visible()
    assert page.get_by_text("Contact the Caseload service desk").is_visible()
    check_accessibility(page, "locked-out")

    page.goto("/sign-in/")
    _try_password(page, "sam", TEST_PASSWORD)  # the right password, while locked out
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in at the moment"


def test_reset_a_forgotten_password_by_email(page):
    UserFactory(username="sam", email="sam@example.org", role=Role.ADMINISTRATOR)
    page.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page, "password-reset")

    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    check_accessibility(page, "password-reset-error")

    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    check_accessibility(page, "password-reset-sent")

    [message] = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+", message.body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    check_accessibility(page, "password-reset-choose")

    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_role("alert").get_by_text("This password is too short").first.is_visible()
    check_accessibility(page, "password-reset-choose-error")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_text("Your password has been changed").is_visible()
    check_accessibility(page, "password-reset-done")

    sign_in(page, "sam", NEW_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Workload"


def test_an_administrator_reads_the_audit_log(page):
    admin = UserFactory(
        username="ada", first_name="Ada", last_name="Admin", role=Role.ADMINISTRATOR, is_staff=True
    )
    tom = UserFactory(username="tom", first_name="Tom", last_name="Manager", role=Role.TEAM_MANAGER)
    before = audit.snapshot(tom, fields=["role", "email"])
    tom.email = "tom.manager@example.org"
    tom.save()
    audit.record(
        AuditEntry.Action.UPDATE,
        tom,
        actor=admin,
        before=before,
        after=audit.snapshot(tom, fields=["role", "email"]),
    )
    audit.record(AuditEntry.Action.UPDATE, admin, actor=tom, note="Another change")

    sign_in(page, "ada", TEST_PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit log"
    check_accessibility(page, "audit-log")

    page.get_by_label("Changed by (username)").fill("ada")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_label("Changed by (username)").input_value() == "ada"
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    check_accessibility(page, "audit-log-filtered")

    rows.first.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Changed: Tom Manager"
    changes = page.get_by_role("table", name="Changed fields")
    assert changes.get_by_role("row", name=re.compile("Email")).is_visible()
    assert changes.get_by_text("tom.manager@example.org").is_visible()
    check_accessibility(page, "audit-entry")

    page.get_by_role("link", name="All changes to this object").click()
    assert page.get_by_label("Record id").input_value() == str(tom.pk)
    assert page.locator("tbody tr").count() == 1
    check_accessibility(page, "audit-log-one-object")

    page.get_by_label("Changed by (username)").fill("nobody")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_text("No changes match these filters").is_visible()
    check_accessibility(page, "audit-log-empty")


def test_govuk_frontend_starts_under_the_content_security_policy(page):
    page.goto("/sign-in/")
    # The nonce'd inline line marks the body; init.js starts the components (the password input gains its
    # "Show" button only when GOV.UK Frontend's JavaScript runs).
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    # init.js starts the components after the page has loaded: wait for the button rather than race it.
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    check_accessibility(page, "sign-in-with-javascript")


def test_the_check_fails_on_a_content_security_policy_violation(page):
    page.goto("/sign-in/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.appendChild(script);
            document.querySelector("main").insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
        }"""
    )
    assert page.evaluate("window.injected === undefined")  # the browser refused it
    with pytest.raises(CspViolations, match="Content Security Policy") as failure:
        check_accessibility(page, "csp-violation")
    assert "script-src" in str(failure.value)
    assert "style-src" in str(failure.value)
    check_accessibility(page, "csp-violation-reported-once")  # each violation fails one check only
