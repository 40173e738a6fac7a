"""The unit page: figures, tables, sorting, exports, access (see conftest.py for the hand-checked figures)."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.dashboards.tests.conftest import add_team_of
from caseload.organisations.models import TeamMembership
from caseload.workloads.services import recalculate

pytestmark = pytest.mark.django_db


def page(client, user, unit, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboards:unit", args=[unit.pk]) + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_team_summary_is_summed_then_divided(client, measured, team_manager):
    html = page(client, team_manager, measured.org.team)
    assert "8.2%" in html  # 269 ÷ 3264, not the mean of 9.5 % and 5.8 %
    assert "269 WMT points per week" in html
    assert "3,264 WMT points per week" in html
    assert "2,995 WMT points per week" in html  # remaining
    assert "2 people" in html and "1.50" in html  # headcount, FTE (55.5 h ÷ 37)
    assert "Last updated: 16 March 2026 at 10:00" in html
    assert "What these figures mean" in html and "never an average of people" in html


def test_area_lists_its_teams_with_links_and_sorts_them(client, measured, area_manager):
    org = measured.org
    html = page(client, area_manager, org.area)
    team_a, team_b = (
        reverse("dashboards:unit", args=[org.team.pk]),
        reverse("dashboards:unit", args=[org.team_b.pk]),
    )
    assert html.index(team_a) < html.index(team_b)  # by name
    assert "13.8%" in html and "117.0%" in html
    html = page(client, area_manager, org.area, "?units_sort=-workload")
    assert html.index(team_b) < html.index(team_a)
    assert 'aria-sort="descending"' in html
    assert "1 person" in html  # over red: Robin


def test_team_manager_sees_practitioners_linked_to_their_pages(client, measured, team_manager):
    html = page(client, team_manager, measured.org.team)
    assert "Pat Practitioner" in html and "Quinn Zed" in html
    assert reverse("organisations:practitioner", args=[measured.pat.pk]) in html
    assert "9.5%" in html and "5.8%" in html  # 206 ÷ 2176; 63 ÷ 1088
    sorted_html = page(client, team_manager, measured.org.team, "?sort=-workload")
    assert sorted_html.index("Pat Practitioner") < sorted_html.index("Quinn Zed")
    sorted_html = page(client, team_manager, measured.org.team, "?sort=workload")
    assert sorted_html.index("Quinn Zed") < sorted_html.index("Pat Practitioner")


def test_analyst_sees_aggregates_and_the_distribution_but_no_names(client, measured, analyst):
    html = page(client, analyst, measured.org.area)
    assert "13.8%" in html
    assert "Practitioner" not in html.replace("practitioners", "")  # no Pat Practitioner, no table of people
    assert "Robin" not in html and "Quinn" not in html
    assert "aggregate figures only" in html
    assert "Over 110%" in html  # the band table
    response = client.get(
        reverse("dashboards:unit", args=[measured.org.area.pk]) + "?export=csv&table=practitioners"
    )
    assert response.status_code == 404


def test_out_of_scope_units_do_not_exist(client, measured, team_manager):
    client.force_login(team_manager)
    assert client.get(reverse("dashboards:unit", args=[measured.org.team_b.pk])).status_code == 404
    assert client.get(reverse("dashboards:unit", args=[measured.org.area.pk])).status_code == 404


def test_breadcrumbs_start_at_the_top_of_the_scope(client, measured, area_manager):
    html = page(client, area_manager, measured.org.team)
    crumbs = html[html.index("govuk-breadcrumbs") : html.index("</nav>", html.index("govuk-breadcrumbs"))]
    assert "North Area" in crumbs and "North Team A" in crumbs
    assert "North Division" not in crumbs and "Test Organisation" not in crumbs


def test_the_organisation_keeps_points_units_apart(client, measured, admin_user):
    html = page(client, admin_user, measured.org.organisation)
    assert '<h3 class="govuk-heading-m">WMT points per week</h3>' in html
    assert "Minutes per week" in html
    assert "no single workload percentage" in html
    assert "No single trend line" in html
    org_units = csv_rows(
        client.get(
            "?export=csv&table=units".join(
                [reverse("dashboards:unit", args=[measured.org.organisation.pk]), ""]
            )
        )
    )
    assert org_units[0][:2] == ["Division", "Workload %"]
    assert [r[0] for r in org_units[1:]] == ["North Division", "South Division"]


def test_trend_chart_from_the_unit_snapshots(client, measured, team_manager):
    html = page(client, team_manager, measured.org.team)
    assert 'role="img"' in html and "<polyline" in html
    assert "14 March 2026" in html and "16 March 2026" in html
    assert "Over 110%" in html  # the red band's line


def table_rows(html, table_id):
    """The body rows of one table on the page, as lists of cell texts."""
    table = html[html.index(f'id="{table_id}"') :]
    body = table[table.index("<tbody") : table.index("</tbody>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_case_counts_by_category_and_tier(client, measured, team_manager):
    # North Team A's open cases (conftest.py): Pat's A3, Quinn's C2 and one unallocated C2, all community.
    html = page(client, team_manager, measured.org.team)
    assert table_rows(html, "table-categories") == [["Community", "3"]]
    assert sorted(table_rows(html, "table-tiers")) == [["A3", "1"], ["C2", "2"]]
    url = reverse("dashboards:unit", args=[measured.org.team.pk])
    categories = csv_rows(client.get(url + "?export=csv&table=categories"))
    assert categories == [["Category", "Number"], ["Community", "3"]]
    tiers = csv_rows(client.get(url + "?export=csv&table=tiers"))
    assert tiers[0] == ["Tier or level", "Number"]
    assert sorted(tiers[1:]) == [["A3", "1"], ["C2", "2"]]


def test_practitioners_export_has_every_row_as_numbers(client, measured, team_manager):
    client.force_login(team_manager)
    url = reverse("dashboards:unit", args=[measured.org.team.pk])
    response = client.get(url + "?export=csv&table=practitioners&sort=-workload")
    assert response["Content-Disposition"] == 'attachment; filename="NORTH-A-practitioners.csv"'
    rows = csv_rows(response)
    assert rows[0] == [
        "Name",
        "Staff code",
        "Grade",
        "Hours",
        "Cases",
        "Points",
        "Available",
        "Workload %",
        "Band",
        "Reductions",
    ]
    assert rows[1][0] == "Pat Practitioner" and rows[1][3:8] == ["37.00", "1", "206.00", "2176.00", "9.5"]
    assert rows[2][0] == "Quinn Zed"
    xlsx = client.get(url + "?export=xlsx&table=practitioners")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "Pat Practitioner"
    assert sheet["F2"].value == 206


def test_unknown_export_is_404(client, measured, team_manager):
    client.force_login(team_manager)
    url = reverse("dashboards:unit", args=[measured.org.team.pk])
    assert client.get(url + "?export=pdf&table=units").status_code == 404
    assert client.get(url + "?export=csv&table=secrets").status_code == 404


def test_empty_unit(client, org, admin_user):
    html = page(client, admin_user, org.team_b)
    assert "No workloads yet" in html


def test_practitioners_are_paginated(client, measured, admin_user):
    team = add_team_of(measured.org, measured.org.area, 0, "BIG")
    for _ in range(55):
        from caseload.workloads.tests.fixtures import officer

        officer(team)
    recalculate(TeamMembership.objects.filter(team=team))
    html = page(client, admin_user, team)
    assert "govuk-pagination" in html and "?page=2" in html
    assert page(client, admin_user, team, "?page=2").count('href="/practitioners/') == 5


def test_query_counts_do_not_grow_with_units_or_people(
    client, measured, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    url = reverse("dashboards:unit", args=[measured.org.area.pk])
    with django_assert_max_num_queries(16):
        client.get(url)
    for i in range(4):
        team = add_team_of(measured.org, measured.org.area, 3, f"EXTRA{i}")
        allocate_case(CaseFactory(team=team, level="A3"), team.memberships.first().practitioner, actor=None)
    recalculate(TeamMembership.objects.all())
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert "Team EXTRA3" in response.content.decode()
    with django_assert_max_num_queries(16):
        client.get(reverse("dashboards:unit", args=[measured.org.organisation.pk]))


def test_each_child_unit_shows_when_its_figures_were_last_recalculated(
    client, measured, area_manager, time_machine
):
    """Team B is recalculated at 11:30; Team A keeps 10:00. Same page, same export, no extra query."""
    org = measured.org
    time_machine.move_to("2026-03-16 11:30:00+00:00", tick=False)
    recalculate(TeamMembership.objects.filter(team=org.team_b))
    html = page(client, area_manager, org.area)
    units = html[html.index('id="table-units"') :]
    units = units[: units.index("</table>")]
    assert "Last updated" in units
    row_a = units[units.index("North Team A") : units.index("North Team B")]
    row_b = units[units.index("North Team B") :]
    assert "16 Mar 2026 10:00" in row_a and "11:30" not in row_a
    assert "16 Mar 2026 11:30" in row_b
    assert "Last updated: 16 March 2026 at 11:30" in html  # the area: the latest of all

    oldest_first = page(client, area_manager, org.area, "?units_sort=updated")
    assert oldest_first.index(">North Team A<") < oldest_first.index(">North Team B<")
    newest_first = page(client, area_manager, org.area, "?units_sort=-updated")
    assert newest_first.index(">North Team B<") < newest_first.index(">North Team A<")

    url = reverse("dashboards:unit", args=[org.area.pk])
    rows = csv_rows(client.get(url + "?export=csv&table=units"))
    assert rows[0][-1] == "Last updated"
    assert {r[0]: r[-1] for r in rows[1:]} == {
        "North Team A": "2026-03-16 10:00",
        "North Team B": "2026-03-16 11:30",
    }
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "?export=xlsx&table=units").content)).active
    last = sheet.max_column
    assert sheet.cell(1, last).value == "Last updated"
    assert {sheet.cell(r, 1).value: sheet.cell(r, last).value for r in (2, 3)} == {
        "North Team A": dt.datetime(2026, 3, 16, 10, 0),
        "North Team B": dt.datetime(2026, 3, 16, 11, 30),
    }


def test_a_child_unit_nobody_is_measured_in_shows_a_dash(client, measured, area_manager):
    add_team_of(measured.org, measured.org.area, 0, "EMPTY")
    html = page(client, area_manager, measured.org.area)
    units = html[html.index('id="table-units"') :]
    row = units[units.index("Team EMPTY") : units.index("</tr>", units.index("Team EMPTY"))]
    assert row.rstrip().endswith("–</td>")
