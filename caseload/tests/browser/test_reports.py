"""A senior leader opens the equity report and the monthly report and downloads the workbook; axe-core
finds nothing on any report page."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import expect

from caseload.core.tests.factories import TEST_PASSWORD
from caseload.reports.tests.conftest import measured  # noqa: F401 (a fixture)
from caseload.reports.tests.test_figures import _case
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.services import take_snapshots
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_senior_leader_reads_equity_and_the_monthly_report(page, measured, senior_leader):  # noqa: F811
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 9)):
        take_snapshots(day)
    _case(measured.a_full, dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    sign_in(page, "senior-leader", TEST_PASSWORD)

    page.get_by_role("link", name="Reports").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reports"
    check_accessibility(page, "reports-home")

    page.get_by_role("link", name="Equity in North Area").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Equity in North Area"
    assert page.get_by_role("img", name="Spread of workload % in North Area").is_visible()
    page.get_by_text("Show the figures as a table").first.click()
    assert page.get_by_role("table", name="Spread of workload % in North Area").is_visible()
    check_accessibility(page, "reports-equity")

    page.get_by_role("link", name="Performance of North Area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance of North Area")
    assert "100.0% on time (1 of 1 due)" in page.locator("main").inner_text()
    trend = "First appointment within 5 days of sentence: % on time in North Area, month by month"
    expect(page.get_by_role("img", name=trend)).to_be_visible()
    page.locator("details", has=page.locator("caption", has_text=trend)).get_by_text(
        "Show the figures as a table"
    ).click()
    expect(page.get_by_role("table", name=trend)).to_contain_text("March 2026 (to 16 March)")
    check_accessibility(page, "reports-performance")

    page.goto("/reports/")
    page.get_by_role("link", name="Monthly report for North Division").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Monthly report: North Division, March 2026"
    assert "Figures from the daily snapshot of 9 March 2026." in page.locator("main").inner_text()
    check_accessibility(page, "reports-monthly")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this report (XLSX, a sheet per section)").click()
    download = download_info.value
    assert download.suggested_filename == "monthly-NORTH-2026-03.xlsx"
    with open(download.path(), "rb") as workbook:
        book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Volume", "Workload", "Equity", "Well-being", "Performance"]
    workload = [row for row in book["Workload"].iter_rows(values_only=True) if row[0] == "North Division"]
    assert workload and workload[0][1] == 4  # four workloads measured
