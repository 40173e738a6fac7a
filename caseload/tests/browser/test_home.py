"""The home page in a real browser: the units a user oversees, and the empty state, pass axe-core."""

import pytest

from caseload.core.models import Role
from caseload.core.tests.factories import TEST_PASSWORD, UserFactory
from caseload.dashboards.tests.conftest import measured  # noqa: F401 (a fixture)
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_the_units_a_manager_oversees(page, measured, senior_leader):  # noqa: F811
    sign_in(page, "senior-leader", TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Workload"
    card = page.get_by_role("link", name="North Division")
    assert card.is_visible()
    assert "workload (WMT points per week)" in page.locator(".caseload-cards").inner_text()
    assert page.get_by_text("South Division").count() == 0
    check_accessibility(page, "home")


def test_home_empty_state_is_helpful(page, org):
    UserFactory(username="new.manager", role=Role.AREA_MANAGER, org_units=[])
    sign_in(page, "new.manager", TEST_PASSWORD)
    assert page.get_by_role("heading", name="No units to show").is_visible()
    check_accessibility(page, "home-empty")
