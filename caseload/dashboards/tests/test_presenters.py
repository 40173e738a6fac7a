"""Presenters and tables, without HTTP or the database."""

import datetime as dt
from decimal import Decimal as D

from caseload.dashboards import presenters
from caseload.dashboards.tables import Cell, Column, build_table, export_rows, query_href, sort_items
from caseload.domain.presets import load_preset
from caseload.domain.unit_figures import MemberFigures, unit_figures

LEGACY = load_preset("probation-wmt-legacy")
P2022 = load_preset("probation-2022")
SCHEMES = {1: LEGACY, 2: P2022}


def figures(*members):
    return unit_figures("Unit", [MemberFigures(*m) for m in members], SCHEMES)


def m(pid, scheme=1, total="206", available="2176", rag="blue", hours="37", reduction="0", cases=1):
    return (pid, scheme, D(total), D(available), rag, D(hours), D(reduction), cases)


def test_formatting():
    assert presenters.points_text(D("2176.00")) == "2,176"
    assert presenters.points_text(D("63.5")) == "63.50"
    assert presenters.percent_text(D("9.46691")) == "9.5%"
    assert presenters.percent_text(None) == "–"
    assert (
        presenters.tag_class("red") == "govuk-tag--red"
        and presenters.tag_class("purple") == "govuk-tag--grey"
    )
    assert presenters.plural(1, "person", "people") == "1 person"
    summer = dt.datetime(2026, 7, 1, 8, 5, tzinfo=dt.UTC)  # shown in London time (BST)
    assert presenters.when_short(summer) == "1 Jul 2026 09:05"
    assert presenters.when_short(None) == "–"


def test_summary_of_one_points_unit():
    [points, people] = presenters.summary(
        figures(m(1), m(2, total="63", available="1088", hours="18.5", reduction="3.7"))
    )
    assert points.heading is None
    rows = {r.key: r for r in points.rows}
    assert rows["Workload"].value == "8.2%" and rows["Workload"].tag == "govuk-tag--blue"
    assert rows["Workload"].tag_text == "Under 85%"
    assert rows["Total points"].value == "269 WMT points per week"
    assert rows["Remaining points"].value == "2,995 WMT points per week"
    people_rows = {r.key: r.value for r in people.rows}
    assert people_rows["Headcount"] == "2 people"
    assert people_rows["FTE"] == "1.50"
    assert people_rows["Reductions"] == "1 person, 3.70 h a week"
    assert people_rows["Cases held"] == "2"


def test_summary_keeps_points_units_apart_and_help_is_listed_once():
    groups = presenters.summary(figures(m(1), m(2, scheme=2, total="1000", available="2000")))
    assert [g.heading for g in groups] == ["WMT points per week", "Minutes per week", "People and cases"]
    help_keys = [key for key, _ in presenters.figure_help(groups)]
    assert help_keys.count("Workload") == 1 and "FTE" in help_keys


def test_band_lines_mark_where_each_band_starts():
    assert presenters.band_lines(figures(m(1))) == [
        (D(85), "85% to 100%"),
        (D(100), "Over 100% up to 110%"),
        (D(110), "Over 110%"),
    ]
    assert presenters.band_lines(figures(m(1), m(2, scheme=2))) == []


def test_rag_distribution_rows():
    rows = presenters.rag_distribution(figures(m(1, rag="red"), m(2, rag="red"), m(3)))
    assert [(r.label, r.count, r.tag) for r in rows] == [
        ("Under 85%", "1", "govuk-tag--blue"),
        ("85% to 100%", "0", "govuk-tag--green"),
        ("Over 100% up to 110%", "0", "govuk-tag--orange"),
        ("Over 110%", "2", "govuk-tag--red"),
    ]


COLUMNS = [
    Column("name", "Name", lambda r: r[0], lambda r: Cell(r[0])),
    Column("n", "Number", lambda r: r[1], lambda r: Cell(str(r[1]), numeric=True), numeric=True),
    Column(None, "Note", lambda r: r[2], lambda r: Cell(r[2])),
]
ITEMS = [("beta", 2, "x"), ("Alpha", None, "y"), ("gamma", 10, "z")]


def test_sort_items_puts_missing_values_last_either_way_and_ignores_unknown_keys():
    assert [i[0] for i in sort_items(COLUMNS, ITEMS, "n", "name")[0]] == ["beta", "gamma", "Alpha"]
    assert [i[0] for i in sort_items(COLUMNS, ITEMS, "-n", "name")[0]] == ["gamma", "beta", "Alpha"]
    items, applied = sort_items(COLUMNS, ITEMS, "-secret", "name")
    assert applied == "name" and [i[0] for i in items] == ["Alpha", "beta", "gamma"]  # case-insensitive


def test_build_table_links_headers_and_keeps_other_parameters():
    table = build_table(
        "things",
        "Things",
        COLUMNS,
        ITEMS,
        query={"sort": "x", "page": "3"},
        sort_param="tsort",
        sort="-n",
        empty_text="None",
    )
    name, number, note = table.headers
    assert name.href == "?sort=x&tsort=name" and name.aria_sort is None
    assert number.href == "?sort=x&tsort=n" and number.aria_sort == "descending"  # click again: ascending
    assert note.href is None
    assert table.csv_href == "?sort=x&export=csv&table=things"  # the page is dropped: exports are whole
    assert table.rows[0][1] == Cell("2", numeric=True)


def test_numbers_sort_largest_first_on_first_click():
    table = build_table("t", "T", COLUMNS, [], query={}, sort_param="s", sort="name", empty_text="")
    assert table.headers[1].href == "?s=-n"
    assert table.headers[0].href == "?s=-name"  # the sorted column reverses


def test_export_rows_are_raw_values():
    assert export_rows(COLUMNS, ITEMS[:1]) == (["Name", "Number", "Note"], [["beta", 2, "x"]])


def test_query_href_drops_empty_values():
    assert query_href({"a": "1", "page": "2"}, page=None, b="x y") == "?a=1&b=x+y"
