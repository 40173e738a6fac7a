"""Signing in and out in a real browser, with axe-core on each page."""

import pytest

from caseload.core.models import Role, User
from caseload.tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_wrong_password_shows_an_error_and_keeps_the_username(page):
    User.objects.create_user("sam.manager", password="a-long-password-1")
    page.goto("/sign-in/")
    check_accessibility(page, "sign-in")
    page.get_by_label("Username").fill("sam.manager")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Username").input_value() == "sam.manager"
    check_accessibility(page, "sign-in-error")


def test_sign_in_and_out(page):
    User.objects.create_user(
        "sam.manager",
        password="a-long-password-1",
        first_name="Sam",
        last_name="Okafor",
        role=Role.ADMINISTRATOR,
    )
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("sam.manager")
    page.get_by_label("Password", exact=True).fill("a-long-password-1")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Workload"
    check_accessibility(page, "home-signed-in")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
