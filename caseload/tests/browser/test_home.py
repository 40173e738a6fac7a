"""The home page in a real browser: the organisation tree renders and passes axe-core."""

import datetime as dt

import pytest

from caseload.core.models import User
from caseload.organisations.models import OrgUnit
from caseload.tests.browser.conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_the_organisation_tree_accessibly(page):
    root = OrgUnit.objects.create(
        code="ORG", name="Example Council", kind="organisation", effective_from=dt.date(2020, 1, 1)
    )
    OrgUnit.objects.create(
        code="T1", name="North Team", kind="team", parent=root, effective_from=dt.date(2020, 1, 1)
    )

    User.objects.create_user("sam.manager", password="a-long-password-1")
    sign_in(page, "sam.manager", "a-long-password-1")

    assert page.get_by_role("heading", level=1).inner_text() == "Organisation"
    assert page.get_by_text("North Team").is_visible()
    assert "1 team, 0 practitioners" in page.get_by_text("Example Council").locator("..").inner_text()
    check_accessibility(page, "home")


def test_home_empty_state_is_helpful(page):
    User.objects.create_user("sam.manager", password="a-long-password-1")
    sign_in(page, "sam.manager", "a-long-password-1")
    assert page.get_by_role("heading", name="No organisation yet").is_visible()
    check_accessibility(page, "home-empty")
