"""Performance over time: each of the last 12 months assessed as it stood, beside the month's last workload
snapshot; recurring indicators and bank holidays from the `CASELOAD_BANK_HOLIDAYS` setting."""

from __future__ import annotations

import csv
import datetime as dt
import io
import socket
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from caseload.cases.models import Case, EventKind
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.domain.performance import Tally
from caseload.organisations.models import OrgUnit
from caseload.reports import bank_holidays as calendars
from caseload.reports.bank_holidays import bank_holidays
from caseload.reports.figures import last_months, performance_report
from caseload.reports.performance_presenters import present_trend
from caseload.reports.tests.conftest import give_cases
from caseload.reports.tests.test_figures import _case, _queries
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.workloads.services import recalculate, take_snapshots

TODAY = dt.date(2026, 3, 16)
D = dt.date


# -- bank holidays ---------------------------------------------------------------------------------------------


def test_england_and_wales_bank_holidays_by_default(settings) -> None:
    assert settings.CASELOAD_BANK_HOLIDAYS == "GB-ENG"
    found = bank_holidays(D(2026, 1, 1), D(2026, 12, 31))
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April; Christmas on a Friday, so Boxing Day
    # (Saturday) is observed on Monday 28 December
    assert {D(2026, 4, 3), D(2026, 4, 6), D(2026, 12, 25), D(2026, 12, 28)} <= found
    assert {d for d in found if d.weekday() < 5} == {
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 5, 25),
        D(2026, 8, 31),
        D(2026, 12, 25),
        D(2026, 12, 28),
    }
    # the years asked for, and only those
    assert D(2025, 12, 25) in bank_holidays(D(2025, 6, 1), D(2026, 1, 31))
    assert D(2025, 12, 25) not in found


def test_other_nations_and_none(settings) -> None:
    scotland = bank_holidays(D(2026, 1, 1), D(2026, 12, 31), "GB-SCT")
    assert D(2026, 1, 2) in scotland and D(2026, 4, 6) not in scotland  # 2 January, no Easter Monday
    assert D(2026, 3, 17) in bank_holidays(D(2026, 1, 1), D(2026, 12, 31), "GB-NIR")  # St Patrick's Day
    settings.CASELOAD_BANK_HOLIDAYS = "none"
    assert bank_holidays(D(2026, 1, 1), D(2026, 12, 31)) == frozenset()
    with pytest.raises(ValueError, match="unknown bank holiday calendar"):
        bank_holidays(D(2026, 1, 1), D(2026, 12, 31), "GB")


def test_the_dates_are_computed_without_the_network(monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    calendars._year.cache_clear()
    calendars._years.cache_clear()
    assert D(2031, 4, 14) in bank_holidays(D(2031, 1, 1), D(2031, 12, 31), "GB-ENG")  # Easter Monday 2031


# -- a recurring indicator over Christmas ----------------------------------------------------------------------


@pytest.fixture
def children_south(legacy):  # type: ignore[no-untyped-def]
    """South Division measured under children-services, with one child protection case in South Team:
    allocated Monday 1 December 2025, visited 15 and 30 December, not since."""
    SchemeAssignment.objects.create(
        org_unit=legacy.other_division,
        scheme=Scheme.objects.get(code="children-services"),
        effective_from=D(2024, 4, 1),
    )
    case = CaseFactory(
        team=legacy.other_team,
        service="children",
        category="child-protection",
        level="level-1",
        received_date=D(2025, 11, 24),
        start_date=D(2025, 11, 24),
    )
    CaseEventFactory(case=case, kind=EventKind.ALLOCATED, occurred_on=D(2025, 12, 1))
    for day in (D(2025, 12, 15), D(2025, 12, 30)):
        CaseEventFactory(case=case, kind=EventKind.VISIT, occurred_on=day)
    return legacy


@pytest.mark.parametrize(
    ("calendar", "december", "january"),
    [
        # due 15 December (visited that day), then 10 working days from 15 December: 31 December over
        # Christmas Day and Boxing Day, so the visit on the 30th is on time; the next clock, from
        # 30 December, is due 14 January (New Year's Day skipped) and nobody has visited since
        ("GB-ENG", Tally(on_time=2), Tally(overdue=1)),
        # without bank holidays the second clock is due Monday 29 December: the visit on the 30th is late
        ("none", Tally(on_time=1, late=1), Tally(overdue=1)),
    ],
)
def test_a_recurring_visit_indicator_month_by_month(
    children_south, settings, calendar, december, january
) -> None:
    settings.CASELOAD_BANK_HOLIDAYS = calendar
    south = children_south.other_division
    report = performance_report(
        south, OrgUnit.objects.within(south), D(2026, 1, 1), D(2026, 3, 31), TODAY, trend_months=12
    )
    months = {m.first: m for m in report.trend}
    assert [m.first for m in report.trend] == [first for first, _ in last_months(TODAY, 12)]
    assert report.trend[0].first == D(2025, 4, 1)
    assert months[D(2025, 12, 1)].tallies["cp-visit"] == december
    assert months[D(2026, 1, 1)].tallies["cp-visit"] == january
    assert months[D(2026, 2, 1)].tallies["cp-visit"] == Tally()  # one open clock, not one a fortnight
    assert months[D(2026, 3, 1)].as_of == TODAY and months[D(2026, 2, 1)].as_of == D(2026, 2, 28)
    # the page's own three months (January to March) hold the January clock only
    assert report.overall.tallies["cp-visit"] == Tally(overdue=1)


def test_a_closed_case_stops_its_chain(children_south) -> None:
    Case.objects.filter(team=children_south.other_team).update(closed_date=D(2026, 1, 9))
    south = children_south.other_division
    report = performance_report(
        south, OrgUnit.objects.within(south), D(2026, 1, 1), D(2026, 3, 31), TODAY, trend_months=12
    )
    # the clock from the 30 December visit was due on 14 January, after the case closed on the 9th
    assert {m.first: m.tallies["cp-visit"] for m in report.trend}[D(2026, 1, 1)] == Tally()
    assert report.overall.tallies["cp-visit"] == Tally()


# -- beside workload, and bounded --------------------------------------------------------------------------------


def test_each_month_has_the_last_snapshot_of_that_month(measured) -> None:
    take_snapshots(D(2026, 2, 10))
    give_cases(measured.a_light, 3)
    recalculate([measured.a_light])
    take_snapshots(D(2026, 2, 27))
    area = measured.org.area
    report = performance_report(
        area, OrgUnit.objects.within(area), D(2026, 1, 1), D(2026, 3, 31), TODAY, trend_months=12
    )
    months = {m.first: m for m in report.trend}
    assert len(report.trend) == 12
    february = months[D(2026, 2, 1)]
    assert february.snapshot_on == D(2026, 2, 27)
    # North Area on 27 February: 8034 + 3 × 206 = 8652 points on 8704 available
    assert february.workload_percent == Decimal("99.4026")
    assert (months[D(2026, 3, 1)].workload_percent, months[D(2026, 1, 1)].snapshot_on) == (None, None)


def test_the_trend_reads_the_cases_once(measured) -> None:
    area = measured.org.area

    def run(months: int) -> None:
        performance_report(
            area, OrgUnit.objects.within(area), D(2026, 1, 1), D(2026, 3, 31), TODAY, trend_months=months
        )

    without, with_trend = _queries(lambda: run(0)), _queries(lambda: run(12))
    assert with_trend == without + 1  # the month-end workload snapshots: one query for all twelve
    for day in (1, 5, 9):
        _case(measured.b_over, D(2025, 6, day), D(2025, 6, day + 3))
        take_snapshots(D(2025, 6, day))
    assert _queries(lambda: run(12)) == with_trend


def test_the_trend_presenter_and_downloads(client, senior_leader, measured) -> None:
    take_snapshots(D(2026, 2, 27))  # 8034 points on 8704 available: 92.3%
    _case(measured.a_full, D(2026, 2, 2), D(2026, 2, 5))  # due 7 February: on time
    _case(measured.a_over, D(2026, 2, 3), D(2026, 2, 10))  # due 8 February: late
    _case(measured.a_over, D(2025, 12, 1))  # due 6 December, never seen: overdue
    area = measured.org.area
    report = performance_report(
        area, OrgUnit.objects.within(area), D(2026, 1, 1), D(2026, 3, 31), TODAY, trend_months=12
    )
    trend = present_trend(report)
    rows = {row[0]: row for row in trend.table.rows}
    assert trend.table.headers == (
        "Month",
        "Workload %",
        "Court report completed within 15 working days of request",
        "First appointment within 5 days of sentence",
    )
    assert rows["February 2026"][1:] == (Decimal("92.3"), None, Decimal("50.0"))
    assert rows["December 2025"][3] == Decimal("0.0")
    assert rows["March 2026 (to 16 March)"][1] is None
    assert trend.table.body[0][1]["text"] == "No figure"
    [chart] = trend.charts  # only the indicator with something due gets a chart
    assert (
        chart.title == "First appointment within 5 days of sentence: % on time in North Area, month by month"
    )
    assert chart.value_heading == "% on time"
    assert [(r.date, r.value) for r in chart.rows][-4:] == [
        ("December 2025", "0.0%"),
        ("January 2026", "Nothing due"),
        ("February 2026", "50.0%"),
        ("March 2026 (to 16 March)", "Nothing due"),
    ]
    counts = [r for r in trend.counts.rows if r[0] == "2026-02" and r[4].startswith("First")]
    assert counts == [
        ("2026-02", "2026-02-28", Decimal("92.3"), "2026-02-27", counts[0][4], 1, 1, 0, 0, Decimal("50.0"))
    ]

    client.force_login(senior_leader)
    url = reverse("reports:performance", args=[area.pk])
    # the clock stands at TODAY: the `measured` fixture freezes it
    page = client.get(url).content.decode()
    assert "Over the last 12 months" in page
    assert 'id="trend-1-title"' in page and "Show the figures as a table" in page
    assert "style=" not in page and "<script>" not in page
    response = client.get(url, {"download": "trend", "format": "csv"})
    assert 'filename="performance-NORTH-AREA-trend.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["Month", "Workload %"] and len(table) == 13
    assert ["February 2026", "92.3", "", "50.0"] in table
    book = client.get(url, {"download": "trend-counts", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:5] == [
        "Month",
        "Assessed as of",
        "Workload %",
        "Workload snapshot of",
        "Indicator",
    ]
    assert sheet.max_row == 1 + 12 * 2
