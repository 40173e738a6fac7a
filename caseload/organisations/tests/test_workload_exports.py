"""The workload page's tables: every one downloadable as CSV and XLSX (within the page's scope), cases and
reductions sortable by plain links, and the headline figures explained.

Hand-checkable points (probation-wmt-legacy preset): community A3 = 206, community C2 = 63, licence B1 = 119,
a standard court report 138 for 30 days, a CMS03 contact 18 for 7 days."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.urls import reverse

from caseload.cases.models import Case, EventKind
from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.organisations.models import Reduction, ReductionReason, TeamMembership
from caseload.organisations.presenters import present_workload_page
from caseload.organisations.services import add_responsibility, assign_scheme
from caseload.organisations.workload_page import workload_page_data
from caseload.organisations.workload_tables import TABLE_NAMES
from caseload.schemes.models import Scheme
from caseload.workloads.services import recalculate, take_snapshots
from caseload.workloads.tests.fixtures import legacy, officer  # noqa: F401 (legacy is a fixture)

pytestmark = pytest.mark.usefixtures("frozen_now")
TODAY = dt.date(2026, 3, 16)
TABLE_HEADERS = {
    "available": ["Step", "Value"],
    "cases": ["Reference", "Category", "Tier", "Points", "Why"],
    "due": ["Reference", "What", "Date", "When"],
    "cms_in": ["Reference", "Points", "Why"],
    "cms_out": ["Reference", "Points", "Why"],
    "reports": ["Reference", "Points", "Why"],
    "other": ["Reference", "Points", "Why"],
    "reductions": ["Reason", "Hours a week", "Starts", "Ends", "Status"],
    "trend": ["Date", "Workload %"],
}


@pytest.fixture
def pat(legacy, practitioner_user):  # noqa: F811
    """Pat (37 h, Team A) holds PAT-A3, PAT-C2 (ending in 10 days) and "=CMD-1" (licence B1, a reference
    that a spreadsheet would run as a formula); supports a colleague's case and is supported on PAT-A3;
    completed a court report; has two reductions; one snapshot today."""
    membership = practitioner_user.practitioner.memberships.get()
    colleague = officer(legacy.team)
    a3 = CaseFactory(team=legacy.team, category="community", level="A3", reference="PAT-A3")
    c2 = CaseFactory(
        team=legacy.team,
        category="community",
        level="C2",
        reference="PAT-C2",
        expected_end_date=dt.date(2026, 3, 26),
    )
    formula = CaseFactory(team=legacy.team, category="licence", level="B1", reference="=CMD-1")
    theirs = CaseFactory(team=legacy.team, category="community", level="C2", reference="COL-C2")
    for case in (a3, c2, formula):
        allocate_case(case, practitioner_user.practitioner, actor=None)
    allocate_case(theirs, colleague.practitioner, actor=None)
    CaseEventFactory(
        case=theirs,
        cms=True,
        contact_type="CMS03",
        practitioner=practitioner_user.practitioner,
        occurred_on=dt.date(2026, 3, 13),
    )
    CaseEventFactory(
        case=a3,
        cms=True,
        contact_type="CMS03",
        practitioner=colleague.practitioner,
        occurred_on=dt.date(2026, 3, 12),
    )
    CaseEventFactory(
        case=c2,
        kind=EventKind.REPORT_COMPLETED,
        report_type="court_standard",
        practitioner=practitioner_user.practitioner,
        occurred_on=dt.date(2026, 3, 10),
    )
    Reduction.objects.create(
        membership=membership,
        reason=ReductionReason.objects.get(code="other"),
        hours=Decimal(2),
        effective_from=dt.date(2026, 3, 1),
    )
    Reduction.objects.create(
        membership=membership,
        reason=ReductionReason.objects.get(code="trade-union"),
        hours=Decimal("4.5"),
        effective_from=dt.date(2026, 2, 1),
        effective_to=dt.date(2026, 4, 30),
    )
    recalculate([membership, colleague])
    take_snapshots(TODAY)
    return membership


def page_url(membership) -> str:
    return reverse("organisations:practitioner", args=[membership.pk])


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheet_rows(response) -> list[list[object]]:
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def download_links(html: str) -> set[tuple[str, str]]:
    """(format, table) of every download link on the page."""
    hrefs = [unescape(h) for h in re.findall(r'href="(\?[^"]*export=[^"]*)"', html)]
    return {(re.search(r"export=(\w+)", h).group(1), re.search(r"table=(\w+)", h).group(1)) for h in hrefs}


def first_column(html: str, table: str) -> list[str]:
    """The row headers of a table on the page, top to bottom."""
    body = html[html.index(f'id="table-{table}"') :]
    body = body[: body.index("</table>")]
    cells = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', body, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_cases_download_holds_the_values_shown_cell_by_cell(client, team_manager, pat):
    client.force_login(team_manager)
    response = client.get(page_url(pat) + "?export=csv&table=cases")
    assert response["Content-Disposition"] == 'attachment; filename="CAST-PRAC-NORTH-A-cases.csv"'
    assert csv_rows(response) == [
        ["Reference", "Category", "Tier", "Points", "Why"],
        # the reference is written as text: an apostrophe stops a spreadsheet running it as a formula
        ["'=CMD-1", "licence", "B1", "119.00", "licence B1: 119 points (probation-wmt-legacy v2024-04)"],
        ["PAT-A3", "community", "A3", "206.00", "community A3: 206 points (probation-wmt-legacy v2024-04)"],
        ["PAT-C2", "community", "C2", "63.00", "community C2: 63 points (probation-wmt-legacy v2024-04)"],
    ]
    rows = sheet_rows(client.get(page_url(pat) + "?export=xlsx&table=cases"))
    assert rows[0] == ["Reference", "Category", "Tier", "Points", "Why"]
    assert [row[:4] for row in rows[1:]] == [
        ["'=CMD-1", "licence", "B1", 119],
        ["PAT-A3", "community", "A3", 206],
        ["PAT-C2", "community", "C2", 63],
    ]
    assert not any(isinstance(row[3], str) for row in rows[1:])  # numbers, not text


def test_reductions_download_holds_the_values_shown_cell_by_cell(client, team_manager, pat):
    client.force_login(team_manager)
    assert csv_rows(client.get(page_url(pat) + "?export=csv&table=reductions")) == [
        ["Reason", "Hours a week", "Starts", "Ends", "Status"],
        ["Other", "2.00", "2026-03-01", "", "Active"],  # newest first; no end date: an empty cell
        ["Trade union facility time", "4.50", "2026-02-01", "2026-04-30", "Active"],
    ]
    rows = sheet_rows(client.get(page_url(pat) + "?export=xlsx&table=reductions"))
    assert rows == [
        ["Reason", "Hours a week", "Starts", "Ends", "Status"],
        ["Other", 2, dt.datetime(2026, 3, 1), None, "Active"],
        ["Trade union facility time", 4.5, dt.datetime(2026, 2, 1), dt.datetime(2026, 4, 30), "Active"],
    ]
    html = client.get(page_url(pat)).content.decode()
    assert first_column(html, "reductions") == ["Other", "Trade union facility time"]


def test_every_table_on_the_page_has_working_csv_and_xlsx_links(client, team_manager, pat):
    client.force_login(team_manager)
    html = client.get(page_url(pat)).content.decode()
    shown = set(TABLE_NAMES) - {"other"}  # no other work under this scheme: no table (see the next test)
    assert download_links(html) == {(fmt, name) for fmt in ("csv", "xlsx") for name in shown}
    for name in shown:
        rows = csv_rows(client.get(page_url(pat) + f"?export=csv&table={name}"))
        assert rows[0] == TABLE_HEADERS[name], name
        assert len(rows) > 1, name  # every shown table has rows, and so has its download
        xlsx = client.get(page_url(pat) + f"?export=xlsx&table={name}")
        assert xlsx["Content-Disposition"] == f'attachment; filename="CAST-PRAC-NORTH-A-{name}.xlsx"'
        assert sheet_rows(xlsx)[0] == TABLE_HEADERS[name], name
    # the smaller tables hold what the page shows
    assert csv_rows(client.get(page_url(pat) + "?export=csv&table=due"))[1:] == [
        ["PAT-C2", "Expected end", "2026-03-26", "In 10 days"]
    ]
    assert [r[:2] for r in csv_rows(client.get(page_url(pat) + "?export=csv&table=cms_in"))[1:]] == [
        ["COL-C2", "18.00"]
    ]
    assert [r[:2] for r in csv_rows(client.get(page_url(pat) + "?export=csv&table=cms_out"))[1:]] == [
        ["PAT-A3", "-18.00"]  # a negative number, not neutralised as if it were a formula
    ]
    assert [r[1] for r in csv_rows(client.get(page_url(pat) + "?export=csv&table=reports"))[1:]] == ["138.00"]
    available = csv_rows(client.get(page_url(pat) + "?export=csv&table=available"))
    assert available[3] == ["Contracted hours", "37.00"] and available[-1] == ["Available", "1793"]
    # 2176 × (37 − 2 − 4.5) ÷ 37 = 1793.73, truncated; points 119 + 206 + 63 + 18 − 18 + 138 = 526
    assert csv_rows(client.get(page_url(pat) + "?export=csv&table=trend"))[1:] == [["2026-03-16", "29.3"]]


def test_other_work_is_downloadable_too(client, legacy, team_manager, admin_user):  # noqa: F811
    """Adult-community-care counts non-case time and its duty rota (222 points) as other work."""
    assign_scheme(
        legacy.other_division,
        Scheme.objects.get(code="adult-community-care"),
        actor=team_manager,
        effective_from=dt.date(2024, 4, 1),
    )
    worker = officer(legacy.other_team)
    add_responsibility(worker, "duty-rota", actor=admin_user, effective_from=TODAY - dt.timedelta(days=10))
    client.force_login(admin_user)
    html = client.get(page_url(worker)).content.decode()
    assert {("csv", "other"), ("xlsx", "other")} <= download_links(html)
    rows = csv_rows(client.get(page_url(worker) + "?export=csv&table=other"))
    assert rows[0] == ["Reference", "Points", "Why"]
    assert rows[-1] == [
        "duty-rota",
        "222.00",
        "Duty rota (one day a fortnight): 1.00 × 222 = 222.00 (adult-community-care v2026-01)",
    ]
    assert [r[0] for r in rows[1:]] == first_column(html, "other")  # the page's rows, in its order
    assert sheet_rows(client.get(page_url(worker) + "?export=xlsx&table=other"))[-1][:2] == ["duty-rota", 222]


def test_unknown_table_or_format_is_404(client, team_manager, pat):
    client.force_login(team_manager)
    assert client.get(page_url(pat) + "?export=pdf&table=cases").status_code == 404
    assert client.get(page_url(pat) + "?export=csv&table=secrets").status_code == 404
    assert client.get(page_url(pat) + "?export=csv").status_code == 404
    assert client.get(page_url(pat) + "?export=&table=cases").status_code == 404


def test_downloads_have_the_page_scope(client, practitioner_user, outsider, analyst, pat):
    client.force_login(practitioner_user)
    own = client.get(reverse("organisations:my-workload") + "?export=csv&table=cases")
    assert [row[0] for row in csv_rows(own)[1:]] == ["'=CMD-1", "PAT-A3", "PAT-C2"]
    assert client.get(page_url(pat) + "?export=xlsx&table=reductions").status_code == 200
    for user in (outsider, analyst):  # cannot open the page, so cannot download its tables
        client.force_login(user)
        assert client.get(page_url(pat)).status_code == 404
        assert client.get(page_url(pat) + "?export=csv&table=cases").status_code == 404
        assert client.get(page_url(pat) + "?export=xlsx&table=reductions").status_code == 404
    client.logout()
    response = client.get(page_url(pat) + "?export=csv&table=cases")
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:sign-in"))


def test_cases_sort_by_links_without_javascript(client, team_manager, pat):
    client.force_login(team_manager)
    html = client.get(page_url(pat)).content.decode()
    assert first_column(html, "cases") == ["=CMD-1", "PAT-A3", "PAT-C2"]  # by reference at first
    assert 'aria-sort="ascending"' in html[html.index('id="table-cases"') :]
    # each sortable header is a plain link; points sort largest first on the first click
    for key in ("-reference", "category", "level", "-points"):
        assert f'href="?cases_sort={key}#table-cases"' in html, key
    by_points = client.get(page_url(pat) + "?cases_sort=-points").content.decode()
    assert first_column(by_points, "cases") == ["PAT-A3", "=CMD-1", "PAT-C2"]  # 206, 119, 63
    table = by_points[by_points.index('id="table-cases"') :]
    assert 'aria-sort="descending"' in table[: table.index("</thead>")]
    assert 'href="?cases_sort=points#table-cases"' in by_points  # a second click reverses it
    by_category = client.get(page_url(pat) + "?cases_sort=-category").content.decode()
    assert first_column(by_category, "cases")[0] == "=CMD-1"  # licence after community, reversed
    by_level = client.get(page_url(pat) + "?cases_sort=level").content.decode()
    assert first_column(by_level, "cases") == ["PAT-A3", "=CMD-1", "PAT-C2"]  # A3, B1, C2
    # the download follows the sort asked; an unknown sort falls back to references
    rows = csv_rows(client.get(page_url(pat) + "?cases_sort=points&export=csv&table=cases"))
    assert [r[0] for r in rows[1:]] == ["PAT-C2", "'=CMD-1", "PAT-A3"]
    unknown = client.get(page_url(pat) + "?cases_sort=secret").content.decode()
    assert first_column(unknown, "cases") == ["=CMD-1", "PAT-A3", "PAT-C2"]


def test_reductions_sort_by_dates_and_keep_the_cases_sort(client, team_manager, pat):
    client.force_login(team_manager)
    html = client.get(page_url(pat) + "?cases_sort=-points").content.decode()
    # the reductions' sort links keep the cases' sort, and the other way round
    assert 'href="?cases_sort=-points&amp;reductions_sort=starts#table-reductions"' in html
    assert first_column(html, "reductions") == ["Other", "Trade union facility time"]  # newest start first
    by_start = client.get(page_url(pat) + "?reductions_sort=starts").content.decode()
    assert first_column(by_start, "reductions") == ["Trade union facility time", "Other"]
    by_end = client.get(page_url(pat) + "?reductions_sort=ends").content.decode()
    assert first_column(by_end, "reductions") == ["Trade union facility time", "Other"]  # no end date last
    by_end_desc = client.get(page_url(pat) + "?reductions_sort=-ends").content.decode()
    assert first_column(by_end_desc, "reductions") == ["Trade union facility time", "Other"]
    by_hours = client.get(page_url(pat) + "?reductions_sort=-hours").content.decode()
    assert first_column(by_hours, "reductions") == ["Trade union facility time", "Other"]  # 4.5 then 2


def test_every_headline_figure_is_explained(pat):
    data = workload_page_data(pat, Case.objects.all(), TeamMembership.objects.all(), TODAY)
    page = present_workload_page(data, can_edit=False)
    labels = [figure.label for figure in page.headline]
    assert labels == [
        "Workload",
        "Total points",
        "Available points",
        "Remaining points",
        "Open cases",
        "Contracted hours",
        "Reductions",
    ]
    assert [key for key, _ in page.help] == labels
    assert all(len(help_text) > 40 for _, help_text in page.help)
    helps = dict(page.help)
    assert helps["Workload"].startswith("Total points ÷ available points × 100")
    assert "(WMT points per week)" in helps["Total points"]  # the scheme's unit
    assert "Available points less total points" in helps["Remaining points"]


def test_the_page_shows_the_help_with_the_figures(client, practitioner_user, pat):
    client.force_login(practitioner_user)
    html = client.get(reverse("organisations:my-workload")).content.decode()
    help_block = html[html.index("What these figures mean") :]
    help_block = help_block[: help_block.index("</details>")]
    for label in ("Workload", "Total points", "Available points", "Remaining points", "Open cases"):
        assert f'<dt class="govuk-!-font-weight-bold">{label}</dt>' in help_block, label
    assert "Hours a week taken off available time today" in help_block
    assert "The weekly hours in the contract for this team" in help_block


def test_without_figures_the_contracted_hours_are_still_explained(client, practitioner_user):
    client.force_login(practitioner_user)
    html = client.get(reverse("organisations:my-workload")).content.decode()
    assert "No workload figures yet" in html
    help_block = html[html.index("What these figures mean") :]
    assert '<dt class="govuk-!-font-weight-bold">Contracted hours</dt>' in help_block
    assert download_links(html) == set()  # no tables, no downloads
