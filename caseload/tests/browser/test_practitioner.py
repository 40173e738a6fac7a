"""The practitioner's workload page in a real browser: Pat sees My workload; Tom (team manager) opens Pat,
changes a reduction (an error first, then success) and records an agreed caseload; Pat confirms it.
axe-core runs on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.core.tests.factories import TEST_PASSWORD
from caseload.organisations.models import Reduction, ReductionReason
from caseload.organisations.reference_data import REDUCTION_REASONS
from caseload.supervision.models import Agreement
from caseload.tests.browser.conftest import check_accessibility, new_page, sign_in
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pat(legacy, practitioner_user, team_manager):  # noqa: F811
    # A transactional test starts from an empty database: put back the reduction reasons the migration seeds.
    for code, name, category, default, most, months in REDUCTION_REASONS:
        ReductionReason.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "default_percent": default,
                "max_percent": most,
                "months_to_expiry": months,
            },
        )
    membership = practitioner_user.practitioner.memberships.get()
    soon = timezone.localdate() + dt.timedelta(days=10)
    for reference, level, end in (("PAT-A3", "A3", None), ("PAT-C2", "C2", soon)):
        case = CaseFactory(
            team=legacy.team, category="community", level=level, reference=reference, expected_end_date=end
        )
        allocate_case(case, practitioner_user.practitioner, actor=None)
    recalculate([membership])
    return membership


def fill_date(page, prefix: str, day: dt.date) -> None:
    page.locator(f"#{prefix}-day").fill(str(day.day))
    page.locator(f"#{prefix}-month").fill(str(day.month))
    page.locator(f"#{prefix}-year").fill(str(day.year))


def test_practitioner_sees_my_workload(page, pat):
    sign_in(page, "practitioner", TEST_PASSWORD)
    page.goto("/my-workload/")
    assert page.get_by_role("heading", level=1).inner_text() == "My workload"
    assert "269.00" in page.locator(".govuk-summary-list").first.inner_text()
    page.get_by_text("Why PAT-A3 has 206.00 points").click()
    assert page.locator("details[open]").first.is_visible()
    assert "PAT-C2" in page.locator("#due-soon + table").inner_text()
    check_accessibility(page, "my-workload")


def test_manager_changes_a_reduction_and_records_an_agreement_which_pat_confirms(
    page, browser, live_server, pat
):
    sign_in(page, "team-manager", TEST_PASSWORD)
    page.goto(f"/practitioners/{pat.pk}/")
    check_accessibility(page, "practitioner-page-manager")

    page.get_by_role("link", name="Add a reduction").click()
    check_accessibility(page, "reduction-form")
    reason = ReductionReason.objects.get(code="trade-union")
    page.get_by_label("Reason").select_option(value=str(reason.pk))
    assert "up to 50" in page.locator("#id_reason option:checked").inner_text()
    page.get_by_label("Hours a week").fill("20")
    fill_date(page, "effective_from", timezone.localdate())
    page.get_by_role("button", name="Save reduction").click()
    summary = page.locator(".govuk-error-summary")
    assert "Hours must be 18.50 or fewer" in summary.inner_text()
    assert page.get_by_label("Hours a week").input_value() == "20"
    assert page.title().startswith("Error: ")
    check_accessibility(page, "reduction-form-error")

    page.get_by_label("Hours a week").fill("10")
    page.get_by_role("button", name="Save reduction").click()
    page.wait_for_url(f"**/practitioners/{pat.pk}/")
    assert (
        "Reduction saved: Trade union facility time, 10.00 hours a week"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Trade union facility time" in page.locator("#reductions + table").inner_text()
    assert Reduction.objects.get(membership=pat).hours == 10

    page.locator("#reductions + table").get_by_role("link", name="Change Trade union facility time").click()
    check_accessibility(page, "reduction-form-change")
    page.get_by_label("Hours a week").fill("8")
    page.get_by_role("button", name="Save reduction").click()
    page.wait_for_url(f"**/practitioners/{pat.pk}/")
    assert Reduction.objects.get(membership=pat).hours == 8
    check_accessibility(page, "practitioner-page-after-reduction")

    page.get_by_role("link", name="Record a new agreed caseload").click()
    check_accessibility(page, "agreement-form")
    page.get_by_label("Lowest expected workload").fill("90")
    page.get_by_label("Highest expected workload").fill("80")
    page.get_by_role("button", name="Record agreement").click()
    assert "same as or more than the lowest" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "agreement-form-error")
    page.get_by_label("Highest expected workload").fill("100")
    page.get_by_label("Protected development time (optional)").fill("10")
    page.get_by_label("No sole child-protection or court cases").check()
    page.get_by_role("button", name="Record agreement").click()
    page.wait_for_url(f"**/supervision/memberships/{pat.pk}/")
    assert "Waiting for the practitioner to confirm" in page.locator("main").inner_text()
    check_accessibility(page, "supervision-membership-manager")

    pat_page = new_page(browser, live_server.url)
    sign_in(pat_page, "practitioner", TEST_PASSWORD)
    pat_page.goto("/my-workload/")
    assert "Agreed caseload: 90% to 100%" in pat_page.locator("main").inner_text()
    check_accessibility(pat_page, "my-workload-agreement-to-confirm")
    pat_page.get_by_role("button", name="Confirm this agreement as the practitioner").click()
    pat_page.wait_for_url(f"**/supervision/memberships/{pat.pk}/")
    assert "Confirmed by both" in pat_page.locator("main").inner_text()
    check_accessibility(pat_page, "supervision-membership-practitioner")
    pat_page.context.close()
    assert Agreement.objects.get(membership=pat).confirmed
