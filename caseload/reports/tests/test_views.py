"""The report pages, their downloads and who sees names."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from caseload.reports.tests.test_figures import _case

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(measured) -> list[str]:  # type: ignore[no-untyped-def]
    """Give the measured practitioners surnames no page text can contain by chance.

    The factory's random surnames include ordinary words ("Case", "Hill"), which a page may show for other
    reasons, so "no name on the page" is checked against names that cannot occur otherwise.
    """
    surnames = ["Quillerby", "Ashgrove-Tamm", "Venkataraghavan", "Oyelaran-Frisk"]
    for membership, surname in zip(
        (measured.a_light, measured.a_full, measured.a_over, measured.b_over), surnames, strict=True
    ):
        membership.practitioner.last_name = surname
        membership.practitioner.save(update_fields=["last_name"])
    return surnames


def test_home_lists_the_units_in_scope_with_their_reports(client, senior_leader, measured) -> None:
    client.force_login(senior_leader)
    page = client.get(reverse("reports:home")).content.decode()
    assert "North Division" in page and "North Team B" in page
    assert "South Team" not in page
    assert reverse("reports:monthly", args=[measured.org.team.pk, 2026, 3]) in page


def test_equity_page_shows_metrics_chart_and_table_alternative_without_names(
    client, senior_leader, measured, names
) -> None:
    client.force_login(senior_leader)
    response = client.get(reverse("reports:equity", args=[measured.org.area.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Gini coefficient" in page and "Coefficient of variation %" in page
    assert 'role="img"' in page and "Show the figures as a table" in page
    assert "40.0% to under 50.0%" in page  # the histogram's table alternative
    assert "style=" not in page and "<script>" not in page  # CSP: no inline styles or scripts
    assert reverse("reports:equity", args=[measured.org.team_b.pk]) in page  # children linked
    assert not any(name in page for name in names)


def test_equity_table_downloads_as_csv_with_the_values_shown(client, area_manager, measured) -> None:
    client.force_login(area_manager)
    url = reverse("reports:equity", args=[measured.org.area.pk])
    response = client.get(url, {"download": "comparison", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="equity-NORTH-AREA-comparison.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Unit", "Workloads measured", "Workload %"]
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit["North Team B"][2] == "113.6"
    assert by_unit["North Area"][1] == "4"
    assert client.get(url, {"download": "nope"}).status_code == 404
    assert client.get(url, {"download": "comparison", "format": "pdf"}).status_code == 404


def test_performance_names_people_for_managers_but_not_for_analysts(
    client, senior_leader, analyst, measured, names
) -> None:
    _case(measured.a_over, dt.date(2026, 3, 3), dt.date(2026, 3, 10))
    url = reverse("reports:performance", args=[measured.org.area.pk])
    client.force_login(senior_leader)
    page = client.get(url).content.decode()
    assert "First appointment within 5 days of sentence" in page
    assert "0.0% on time (0 of 1 due)" in page
    assert "113.6" in page  # workload beside performance
    assert all(name in page for name in names)
    client.force_login(analyst)
    page = client.get(url).content.decode()
    assert "0.0% on time (0 of 1 due)" in page
    assert not any(name in page for name in names)
    assert client.get(url, {"download": "people", "format": "csv"}).status_code == 404


def test_monthly_report_page_and_workbook(client, senior_leader, measured, names) -> None:
    _case(measured.a_full, dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    client.force_login(senior_leader)
    url = reverse("reports:monthly", args=[measured.org.division.pk, 2026, 3])
    page = client.get(url).content.decode()
    for section in ("Volume", "Workload", "Equity", "Well-being", "Performance"):
        assert f">{section}</h2>" in page
    assert "No snapshot yet this month" in page
    assert not any(name in page for name in names)
    response = client.get(url, {"format": "xlsx"})
    assert 'filename="monthly-NORTH-2026-03.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Volume", "Workload", "Equity", "Well-being", "Performance"]
    volume = {row[0]: row[1] for row in book["Volume"].iter_rows(values_only=True) if row[0]}
    # 39 cases from the fixture and 1 more, all received 5 January (factory) and open
    assert volume["Open at the end of the month"] == 40
    assert volume["New in the month"] == 0


def test_monthly_report_refuses_months_that_have_not_started(client, senior_leader, measured) -> None:
    client.force_login(senior_leader)
    assert client.get(reverse("reports:monthly", args=[measured.org.division.pk, 2026, 4])).status_code == 404
    assert (
        client.get(reverse("reports:monthly", args=[measured.org.division.pk, 2026, 13])).status_code == 404
    )
    past = client.get(reverse("reports:monthly", args=[measured.org.division.pk, 2025, 12]))
    assert past.status_code == 200
    assert "No workload snapshot was taken in this month" in past.content.decode()
