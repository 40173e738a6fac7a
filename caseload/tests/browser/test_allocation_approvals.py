"""Allocation approvals and the wide candidates table in a real browser: on a narrow screen the candidates
table scrolls sideways in a focusable box with a visible focus style; the approvals page lists what the
area manager may decide first; a request whose case was allocated some other way meanwhile offers only
"Withdraw the request". axe-core runs on every page visited."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caseload.allocations.models import ApprovalStatus
from caseload.allocations.services import allocate
from caseload.allocations.tests.helpers import choice, loaded_officer, waiting_case
from caseload.cases.models import Case, CaseAllocation
from caseload.core.tests.factories import TEST_PASSWORD
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_candidates_scroll_and_an_overtaken_request_is_withdrawn(
    page,
    browser,
    live_server,
    legacy,  # noqa: F811
    team_manager,
    area_manager,
):
    team = legacy.team
    busy = loaded_officer(team, 12, first_name="Bo", last_name="Busy")
    ann = loaded_officer(team, 1, first_name="Ann", last_name="Ant")
    waiting = waiting_case(team, reference="WIDE-1")
    request = allocate(
        waiting_case(team, reference="APP-1"),
        choice(busy, justification="Court on Monday."),
        actor=team_manager,
    ).approval
    assert request is not None

    # On a narrow screen the candidates table scrolls inside its own box, which takes keyboard focus.
    page.set_viewport_size({"width": 480, "height": 900})
    sign_in(page, "team-manager", TEST_PASSWORD)
    page.goto(f"/allocations/cases/{waiting.pk}/")
    box = page.get_by_role("region", name="Eligible people, best first (scrolls sideways)")
    expect(box).to_be_visible()
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.focus()
    expect(box).to_be_focused()
    assert box.evaluate("el => getComputedStyle(el).boxShadow") != "none"  # the focus style
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.caseload-table-scroll').scrollLeft > 0", timeout=5000
    )
    check_accessibility(page, "allocation-case-narrow")

    # The requester sees their request waiting for others.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/allocations/approvals/")
    expect(page.get_by_text("Nothing is waiting for your decision.")).to_be_visible()
    expect(page.locator("#waiting-for-others")).to_contain_text("APP-1")
    check_accessibility(page, "allocation-approvals-requester")

    # The area manager has it first, to decide.
    manager = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    sign_in(manager, "area-manager", TEST_PASSWORD)
    manager.goto("/allocations/approvals/")
    expect(manager.locator("#pending")).to_contain_text("APP-1")
    check_accessibility(manager, "allocation-approvals-decider")

    # Meanwhile an import allocates the case to Ann (in bulk, not through the cases service).
    Case.objects.filter(pk=request.case_id).update(practitioner=ann.practitioner)
    CaseAllocation.objects.create(
        case_id=request.case_id, practitioner=ann.practitioner, team=team, started_at=timezone.now()
    )
    manager.locator("#pending").get_by_role("link", name="APP-1").click()
    expect(manager.get_by_text("Case APP-1 has since been allocated to Ann Ant.")).to_be_visible()
    expect(manager.get_by_role("button", name="Record decision")).to_have_count(0)
    check_accessibility(manager, "allocation-approval-overtaken")
    manager.get_by_role("button", name="Withdraw the request").click()
    expect(manager.get_by_text("The request has been withdrawn and the requester told.")).to_be_visible()
    expect(manager.get_by_role("button", name="Withdraw the request")).to_have_count(0)
    check_accessibility(manager, "allocation-approval-withdrawn")
    request.refresh_from_db()
    assert (request.status, request.withdrawn_by) == (ApprovalStatus.WITHDRAWN, area_manager)
    manager.context.close()
