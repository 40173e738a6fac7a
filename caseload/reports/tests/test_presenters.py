"""Presenters without HTTP: tables, the histogram's geometry and the timeliness wording."""

from __future__ import annotations

from decimal import Decimal

from caseload.domain.equity import Bin
from caseload.domain.performance import Tally
from caseload.reports.performance_presenters import tally_text
from caseload.reports.presenters import NOT_DEFINED, Table, present_histogram, show

D = Decimal


def test_table_body_formats_numbers_and_undefined_values() -> None:
    table = Table("t", "Caption", ("Unit", "Workload %", "Gini"), (("Team A", D("1234.5"), None),))
    assert table.head == [
        {"text": "Unit"},
        {"text": "Workload %", "format": "numeric"},
        {"text": "Gini", "format": "numeric"},
    ]
    assert table.body == [
        [
            {"text": "Team A"},
            {"text": "1,234.5", "format": "numeric"},
            {"text": NOT_DEFINED, "format": "numeric"},
        ]
    ]
    assert show(3) == "3" and show(None) == NOT_DEFINED
    assert Table("e", "Empty", ("A",), ()).empty


def test_table_links_replace_the_first_cell_when_given() -> None:
    table = Table("t", "C", ("Unit", "N"), (("A", 1), ("B", 2)), ("", '<a href="/b">B</a>'))
    assert table.body[0][0] == {"text": "A"}
    assert table.body[1][0] == {"html": '<a href="/b">B</a>'}


def test_histogram_geometry_scales_to_the_tallest_bar() -> None:
    chart = present_histogram([Bin(D(80), D(90), 2), Bin(D(90), D(100), 0), Bin(D(100), D(110), 1)], "Team A")
    tall, empty, half = chart.bars
    # plot height 260 − 24 − 44 = 192 px; the tallest bar fills it, the others in proportion
    assert (tall.height, empty.height, half.height) == ("192.0", "0.0", "96.0")
    assert (tall.y, half.y) == ("24.0", "120.0")
    assert tall.label == "80.0% to under 90.0%: 2 workloads"
    assert half.label == "100.0% to under 110.0%: 1 workload"
    assert chart.table.rows == (
        ("80.0% to under 90.0%", 2),
        ("90.0% to under 100.0%", 0),
        ("100.0% to under 110.0%", 1),
    )
    assert "the most common band is 80.0% to under 90.0% with 2 workloads" in chart.description
    assert present_histogram([], "Team A").bars == ()


def test_tally_wording() -> None:
    assert tally_text(Tally()) == "Nothing due"
    assert tally_text(Tally(pending=2)) == "Nothing due yet (2 pending)"
    assert tally_text(Tally(on_time=3, late=1)) == "75.0% on time (3 of 4 due)"
    assert (
        tally_text(Tally(on_time=1, overdue=2, pending=1))
        == "33.3% on time (1 of 3 due; 2 overdue; 1 pending)"
    )
