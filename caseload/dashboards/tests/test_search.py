"""Search: practitioners by name or staff code and cases by reference, only within the scope."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from caseload.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def search(client, user, q, extra=""):
    client.force_login(user)
    response = client.get(reverse("dashboards:search") + f"?q={q}{extra}")
    assert response.status_code == 200
    return response.content.decode()


def test_finds_practitioners_by_name_staff_code_and_full_name(client, measured, team_manager):
    for query in ("pat", "CAST-PRAC", "Pat%20Practitioner"):
        html = search(client, team_manager, query)
        assert "Pat Practitioner" in html, query
        assert reverse("organisations:practitioner", args=[measured.pat.pk]) in html
    assert "Practitioners (0)" in search(client, team_manager, "nobody-like-this")


def test_finds_cases_by_reference_within_scope(client, measured, team_manager, area_manager):
    html = search(client, team_manager, "CRN-")
    assert "CRN-PAT-1" in html and "CRN-WAIT-1" in html and "Unallocated" in html
    assert "CRN-ROB-1" not in html and "CRN-OLLY-1" not in html  # team B, South: not Tom's
    assert "CRN-ROB-1" in search(client, area_manager, "CRN-ROB")


def test_people_outside_the_scope_are_not_found(client, measured, outsider, team_manager):
    assert "Pat Practitioner" not in search(client, outsider, "Pat")
    assert "Olly Outsider" not in search(client, team_manager, "Olly")
    html = search(client, outsider, "CRN-")
    assert "CRN-OLLY-1" in html and "CRN-PAT-1" not in html  # a practitioner finds their own cases only


def test_analysts_find_no_people_or_cases(client, measured, analyst):
    html = search(client, analyst, "CRN-")
    assert "Practitioners (0)" in html and "Cases (0)" in html
    assert "CRN-PAT-1" not in html


def listed_references(html):
    """The case references in the results table, top to bottom (the query echoed back is not one)."""
    table = html[html.index('<caption class="govuk-table__caption govuk-visually-hidden">Cases matching') :]
    return re.findall(r'<th scope="row"[^>]*><a[^>]*>([^<]+)</a>', table[: table.index("</table>")])


def test_empty_query_explains_and_results_paginate(client, measured, team_manager):
    assert "Enter part of a practitioner" in search(client, team_manager, "")
    references = sorted(c.reference for c in CaseFactory.create_batch(30, team=measured.org.team))
    html = search(client, team_manager, "X0")
    assert "govuk-pagination" in html and "cases_page=2" in html
    assert "Cases (30)" in html
    assert listed_references(html) == references[:25]  # 25 a page, by reference
    second = search(client, team_manager, "X0", "&cases_page=2")
    assert listed_references(second) == references[25:]
    assert not set(references[25:]) & set(re.findall(r"X\d{6}", html))  # page 1 lists none of them


def download(client, user, q, table, fmt="csv"):
    client.force_login(user)
    return client.get(reverse("dashboards:search"), {"q": q, "export": fmt, "table": table})


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_result_lists_link_to_their_downloads(client, measured, team_manager):
    html = search(client, team_manager, "PAT")  # Pat Practitioner and CRN-PAT-1
    for table in ("people", "cases"):
        for fmt in ("csv", "xlsx"):
            assert f'href="?q=PAT&amp;export={fmt}&amp;table={table}"' in html, (table, fmt)
    assert "Download all cases found" in html and "Download all practitioners found" in html
    assert "export=" not in search(client, team_manager, "nobody-like-this")  # nothing found


def test_practitioners_download_within_scope(client, measured, team_manager, area_manager):
    response = download(client, team_manager, "e", "people")
    assert response["Content-Disposition"] == 'attachment; filename="search-people.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["Name", "Staff code", "Grade", "Workload in"]
    assert ["Pat Practitioner", "CAST-PRAC", "Probation officer", "North Team A"] in rows
    names = [row[0] for row in rows[1:]]
    assert "Quinn Zed" in names
    assert "Robin Redd" not in names and "Olly Outsider" not in names  # another team, another division
    assert "Robin Redd" in [row[0] for row in csv_rows(download(client, area_manager, "Robin", "people"))]


def test_cases_download_holds_every_page_within_scope(client, measured, team_manager, outsider):
    references = sorted(c.reference for c in CaseFactory.create_batch(30, team=measured.org.team))
    rows = csv_rows(download(client, team_manager, "X0", "cases"))
    assert rows[0] == ["Reference", "Name", "Team", "Held by", "Status"]
    assert [row[0] for row in rows[1:]] == references  # all 30, not the 25 of the first page
    rows = csv_rows(download(client, team_manager, "CRN-", "cases"))
    by_reference = {row[0]: row for row in rows[1:]}
    assert sorted(by_reference) == ["CRN-PAT-1", "CRN-QUI-1", "CRN-WAIT-1"]  # not Robin's or Olly's
    assert by_reference["CRN-PAT-1"][2:4] == ["North Team A", "Pat Practitioner"]
    assert by_reference["CRN-WAIT-1"][3] == "Unallocated"
    assert [row[0] for row in csv_rows(download(client, outsider, "CRN-", "cases"))[1:]] == ["CRN-OLLY-1"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(download(client, team_manager, "CRN-", "cases", "xlsx").content)
    )
    assert [c.value for c in sheet.active["A"]] == ["Reference", "CRN-PAT-1", "CRN-QUI-1", "CRN-WAIT-1"]


def test_analysts_download_nothing(client, measured, analyst):
    assert csv_rows(download(client, analyst, "CRN-", "cases")) == [
        ["Reference", "Name", "Team", "Held by", "Status"]
    ]
    assert csv_rows(download(client, analyst, "Pat", "people")) == [
        ["Name", "Staff code", "Grade", "Workload in"]
    ]


def test_a_download_needs_a_search_a_known_list_and_format(client, measured, team_manager):
    assert download(client, team_manager, "", "cases").status_code == 404
    assert download(client, team_manager, "CRN-", "secrets").status_code == 404
    assert download(client, team_manager, "CRN-", "cases", "pdf").status_code == 404
    client.logout()
    assert (
        client.get(reverse("dashboards:search"), {"q": "CRN-", "export": "csv", "table": "cases"}).status_code
        == 302
    )
