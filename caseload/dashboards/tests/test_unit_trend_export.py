"""The unit page's trend: the chart's table can be downloaded from links beside it (see conftest.py for the
hand-checked figures: North Team A is at 269 / 3264 = 8.2414 % on both snapshot days)."""

import csv
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def trend_links(html):
    return sorted(unescape(h) for h in re.findall(r'href="(\?[^"]*table=trend[^"]*)"', html))


def test_trend_table_has_download_links_that_download_it(client, measured, team_manager):
    client.force_login(team_manager)
    url = reverse("dashboards:unit", args=[measured.org.team.pk])
    html = client.get(url).content.decode()
    assert trend_links(html) == ["?export=csv&table=trend", "?export=xlsx&table=trend"]
    links = html[html.index("Show the figures as a table") :]
    assert "Download this table" in links[: links.index("</p>", links.index("caseload-downloads"))]
    response = client.get(url + "?export=csv&table=trend")
    assert response["Content-Disposition"] == 'attachment; filename="NORTH-A-trend.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Workload %"]
    assert [row[0] for row in rows[1:]] == ["2026-03-14", "2026-03-16"]
    assert [Decimal(row[1]).quantize(Decimal("0.0001")) for row in rows[1:]] == [Decimal("8.2414")] * 2
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "?export=xlsx&table=trend").content)).active
    assert sheet["A1"].value == "Date" and sheet["A3"].value.date().isoformat() == "2026-03-16"
    assert round(sheet["B3"].value, 4) == 8.2414


def test_no_trend_link_where_there_is_no_single_trend(client, measured, admin_user):
    """The organisation mixes points units: no chart, so no trend table to download."""
    client.force_login(admin_user)
    html = client.get(reverse("dashboards:unit", args=[measured.org.organisation.pk])).content.decode()
    assert "No single trend line" in html
    assert trend_links(html) == []
