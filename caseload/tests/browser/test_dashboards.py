"""Dashboards in a real browser: someone who oversees the whole organisation drills down from it to a
practitioner, sorting and downloading on the way; an area manager searches; an analyst sees no names.
axe-core runs on every page visited."""

import csv
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from caseload.core.tests.factories import TEST_PASSWORD
from caseload.dashboards.tests.conftest import measured  # noqa: F401 (a fixture)
from caseload.tests.browser.conftest import check_accessibility, sign_in
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drill_down_from_the_organisation_to_a_practitioner_sorting_and_downloading(
    page,
    measured,  # noqa: F811
    admin_user,
):
    """Organisation → division → area → team → practitioner, as someone who oversees the whole organisation."""
    sign_in(page, "admin", TEST_PASSWORD)
    check_accessibility(page, "dashboards-home")

    page.get_by_role("link", name="Test Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test Organisation")
    check_accessibility(page, "dashboards-organisation")

    page.locator("#table-units").get_by_role("link", name="North Division").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Division")
    check_accessibility(page, "dashboards-division")

    page.locator("#table-units").get_by_role("link", name="North Area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Area")
    assert "13.8%" in page.locator(".govuk-summary-list").first.inner_text()
    page.get_by_text("Show the figures as a table").click()  # the chart's table alternative
    assert page.locator("details table").first.is_visible()
    check_accessibility(page, "dashboards-area")

    units = page.locator("#table-units")
    units.get_by_role("link", name="Workload %").click()  # numbers sort largest first
    page.wait_for_url(re.compile(r"units_sort="))
    page.locator("#table-units tbody tr th").first.wait_for()
    rows = page.locator("#table-units tbody tr th").all_inner_texts()
    assert rows == ["North Team B", "North Team A"]
    check_accessibility(page, "dashboards-area-sorted")

    page.locator("#table-units").get_by_role("link", name="North Team A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Team A")
    crumbs = page.locator(".govuk-breadcrumbs").inner_text()
    assert crumbs.split("\n") == ["Home", "Test Organisation", "North Division", "North Area", "North Team A"]
    check_accessibility(page, "dashboards-team")

    practitioners = page.locator("#table-practitioners")
    practitioners.get_by_role("link", name="Workload %").click()
    page.wait_for_url(re.compile(r"[?&]sort="))
    assert page.locator("#table-practitioners th[aria-sort]").inner_text().startswith("Workload %")
    names = page.locator("#table-practitioners tbody tr th").all_inner_texts()
    assert names == ["Pat Practitioner", "Quinn Zed"]  # 9.5 % then 5.8 %
    check_accessibility(page, "dashboards-team-sorted")

    downloads = page.locator("#table-practitioners + .caseload-downloads")
    with page.expect_download() as download_info:
        downloads.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "NORTH-A-practitioners.csv"
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Name", "Staff code"] and rows[0][7] == "Workload %"
    assert [(r[0], r[7]) for r in rows[1:]] == [("Pat Practitioner", "9.5"), ("Quinn Zed", "5.8")]

    with page.expect_download() as download_info:
        downloads.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "NORTH-A-practitioners.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0][:2] == ["Name", "Staff code"] and table[0][7] == "Workload %"
    assert [(r[0], r[5], r[7]) for r in table[1:]] == [
        ("Pat Practitioner", 206, 9.5),
        ("Quinn Zed", 63, 5.8),
    ]

    href = practitioners.get_by_role("link", name="Pat Practitioner").get_attribute("href")
    assert href == f"/practitioners/{measured.pat.pk}/"
    page.get_by_role("link", name="Pat Practitioner").click()
    page.wait_for_url(f"**/practitioners/{measured.pat.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat Practitioner")
    check_accessibility(page, "dashboards-practitioner")


def test_search_from_the_dashboard(page, measured, area_manager):  # noqa: F811
    sign_in(page, "area-manager", TEST_PASSWORD)
    page.get_by_label("Search practitioners and cases").fill("CRN-ROB")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Cases (1)")).to_be_visible()
    expect(page.get_by_text("CRN-ROB-1")).to_be_visible()
    check_accessibility(page, "dashboards-search")


def test_analyst_sees_aggregates_but_no_names(page, measured, analyst):  # noqa: F811
    sign_in(page, "analyst", TEST_PASSWORD)
    page.get_by_role("link", name="Test Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test Organisation")
    body = page.locator("main").inner_text()
    assert "Minutes per week" in body and "no single workload percentage" in body
    check_accessibility(page, "dashboards-analyst-organisation")

    page.get_by_role("link", name="North Division").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Division")
    assert "Pat Practitioner" not in page.locator("main").inner_text()
    check_accessibility(page, "dashboards-analyst-division")

    page.locator("#table-units").get_by_role("link", name="North Area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Area")
    body = page.locator("main").inner_text()
    assert "13.8%" in body and "aggregate figures only" in body
    for name in ("Pat Practitioner", "Quinn", "Robin", "CRN-"):
        assert name not in body
    assert page.locator("#table-practitioners").count() == 0
    check_accessibility(page, "dashboards-analyst-area")
