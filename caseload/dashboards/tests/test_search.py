"""Search: practitioners by name or staff code and cases by reference, only within the scope."""

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


def test_empty_query_explains_and_results_paginate(client, measured, team_manager):
    assert "Enter part of a practitioner" in search(client, team_manager, "")
    CaseFactory.create_batch(30, team=measured.org.team)
    html = search(client, team_manager, "X0")
    assert "govuk-pagination" in html and "cases_page=2" in html
    assert "X0" in search(client, team_manager, "X0", "&cases_page=2")
