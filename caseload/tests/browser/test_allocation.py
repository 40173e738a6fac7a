"""A team manager allocates a case in a real browser: register → case and candidates → allocate →
confirmation, and the practitioner's email arrives at a real local SMTP server. axe-core runs on every page."""

import datetime as dt

import pytest
from django.utils import timezone

from caseload.allocations.tests.helpers import loaded_officer, waiting_case
from caseload.core.tests.factories import TEST_PASSWORD
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_to_confirmation_and_email(page, legacy, team_manager, smtp_server):  # noqa: F811
    team = legacy.team
    lee = loaded_officer(team, 1, first_name="Lee", last_name="Low")
    loaded_officer(team, 6, first_name="Bo", last_name="Busy")
    loaded_officer(team, 0, grade="PSO", first_name="Pip", last_name="Pso")
    case = waiting_case(
        team, reference="JRN-1", name="Jo Bloggs", received_date=timezone.localdate() - dt.timedelta(days=9)
    )

    sign_in(page, "team-manager", TEST_PASSWORD)
    page.goto("/allocations/")
    page.get_by_role("link", name="JRN-1").wait_for()
    assert "9 days" in page.get_by_role("table").inner_text()
    check_accessibility(page, "allocation-register")

    page.get_by_role("link", name="JRN-1").click()
    page.get_by_text("Recommended: Lee Low").wait_for()
    assert "PSO cannot hold this case" in page.locator("#ineligible").inner_text()
    check_accessibility(page, "allocation-case")

    page.get_by_role("button", name="Confirm allocation").click()  # nobody chosen yet
    page.get_by_text("There is a problem").wait_for()
    check_accessibility(page, "allocation-case-error")

    page.get_by_label("Lee Low (PO, North Team A)").check()
    page.get_by_label("Decision notes (optional)").fill("Lee covers the estate.")
    page.get_by_role("button", name="Confirm allocation").click()
    page.get_by_text("Allocation confirmed").wait_for()
    check_accessibility(page, "allocation-confirmation")

    case.refresh_from_db()
    assert case.practitioner_id == lee.practitioner_id
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Case JRN-1 has been allocated to you"
    assert message["To"] == lee.practitioner.email
    assert "Lee covers the estate." in message.get_body(preferencelist=("plain",)).get_content()
    page.reload()
    assert "Sent" in page.locator("#deliveries").inner_text()
