"""Trend chart geometry (caseload.core.charts) and its Jinja macro."""

import datetime as dt
from decimal import Decimal as D

from django.template import engines

from caseload.core.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    MAX_MARKERS,
    RIGHT,
    TOP,
    WIDTH,
    format_value,
    nice_step,
    trend_chart,
)

MAR = [dt.date(2026, 3, d) for d in range(1, 32)]


def _xy(line: str) -> list[tuple[float, float]]:
    return [tuple(float(n) for n in pair.split(",")) for pair in line.split()]


def test_points_span_the_plot_left_to_right_in_date_order():
    chart = trend_chart([(MAR[10], D(50)), (MAR[0], D(100)), (MAR[5], D(0))], title="Workload")
    [line] = chart.lines
    xs = [x for x, _ in _xy(line)]
    assert xs[0] == LEFT and xs[-1] == WIDTH - RIGHT
    # 5 of 10 days along the date axis, not 1 of 2 points
    assert xs[1] == LEFT + (WIDTH - RIGHT - LEFT) * 5 / 10


def test_values_map_onto_the_y_axis_with_zero_at_the_bottom():
    chart = trend_chart([(MAR[0], D(0)), (MAR[1], D(100))], title="Workload")
    [(_, y0), (_, y100)] = _xy(chart.lines[0])
    assert y0 == HEIGHT - BOTTOM  # 0 is the axis floor
    assert y100 == TOP  # 100 is a whole step, so the axis tops out exactly there
    assert [t.label for t in chart.y_ticks] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert [float(t.position) for t in chart.y_ticks] == sorted(
        (float(t.position) for t in chart.y_ticks), reverse=True
    )


def test_bands_widen_the_axis_and_draw_at_their_value():
    chart = trend_chart([(MAR[0], D(40)), (MAR[1], D(60))], title="W", bands=[(D(110), "Red over 110%")])
    # 0-110 in about five round steps: 25s, so the axis reaches 125 (past the band)
    assert [t.label for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%", "125%"]
    [band] = chart.bands
    assert band.label == "Red over 110%" and band.value == "110.0%"
    span = (HEIGHT - BOTTOM) - TOP
    assert float(band.y) == round(TOP + span * (125 - 110) / 125, 1)


def test_missing_values_break_the_line_and_show_in_the_table():
    chart = trend_chart(
        [(MAR[0], D(10)), (MAR[1], D(20)), (MAR[2], None), (MAR[3], D(30)), (MAR[4], D(35))],
        title="W",
    )
    assert len(chart.lines) == 2
    assert [r.value for r in chart.rows] == ["10.0%", "20.0%", "No figure", "30.0%", "35.0%"]
    assert chart.rows[2].date == "3 March 2026"


def test_a_lone_value_between_gaps_keeps_its_marker_even_in_a_long_series():
    points = [(dt.date(2026, 1, 1) + dt.timedelta(days=i), D(i)) for i in range(MAX_MARKERS + 10)]
    points[20] = (points[20][0], None)
    points[22] = (points[22][0], None)  # day 21 stands alone
    chart = trend_chart(points, title="W")
    assert len(chart.lines) == 2  # 0-19 and 23-49; the lone point draws no polyline
    assert [m.label for m in chart.markers] == ["22 January 2026: 21.0%"]


def test_short_series_get_a_marker_per_value_with_a_readable_label():
    chart = trend_chart([(MAR[0], D("94.25")), (MAR[1], D("101"))], title="W")
    assert [m.label for m in chart.markers] == ["1 March 2026: 94.3%", "2 March 2026: 101.0%"]


def test_a_single_point_sits_in_the_middle():
    chart = trend_chart([(MAR[0], D(80))], title="W")
    assert chart.lines == ()
    [marker] = chart.markers
    assert float(marker.x) == LEFT + (WIDTH - RIGHT - LEFT) / 2
    assert not chart.empty
    assert (
        chart.description == "W on 1 March 2026. Latest 80.0% on 1 March 2026; lowest 80.0%, highest 80.0%."
    )


def test_empty_when_no_points_or_no_values():
    assert trend_chart([], title="W").empty
    gaps = trend_chart([(MAR[0], None)], title="W")
    assert gaps.empty and gaps.rows[0].value == "No figure"
    assert gaps.description == "W: no figures yet."


def test_x_ticks_are_few_and_include_both_ends_with_the_year_once():
    chart = trend_chart([(d, D(50)) for d in MAR], title="W")
    labels = [t.label for t in chart.x_ticks]
    assert len(labels) == 6
    assert labels[0] == "1 Mar 2026" and labels[-1] == "31 Mar"
    over_new_year = trend_chart([(dt.date(2025, 12, 31), D(1)), (dt.date(2026, 1, 1), D(2))], title="W")
    assert [t.label for t in over_new_year.x_ticks] == ["31 Dec 2025", "1 Jan 2026"]


def test_description_says_the_range_in_words():
    chart = trend_chart([(MAR[0], D(90)), (MAR[1], D(120)), (MAR[2], D(105))], title="Team workload")
    assert chart.description == (
        "Team workload from 1 March 2026 to 3 March 2026. Latest 105.0% on 3 March 2026; "
        "lowest 90.0%, highest 120.0%."
    )


def test_other_units_and_negative_values():
    chart = trend_chart([(MAR[0], D(-5)), (MAR[1], D(1234))], title="Points", unit="points")
    assert chart.value_heading == "Points"
    assert chart.rows[1].value == "1,234.0 points"
    # span 1,239 in about five steps is 250: the floor is the step below -5
    assert (chart.y_ticks[0].label, chart.y_ticks[-1].label) == ("-250 points", "1,250 points")
    assert format_value(D("0.04"), "%") == "0.0%"


def test_nice_steps():
    assert nice_step(D(100)) == 20
    assert nice_step(D(12)) == D("2.5")
    assert nice_step(D("0.3")) == D("0.1")
    assert nice_step(D(0)) == 1


def _render(chart):
    template = engines["jinja2"].from_string(
        '{% from "includes/charts.html" import trend_chart %}{{ trend_chart(chart) }}'
    )
    return template.render({"chart": chart})


def test_macro_draws_an_accessible_svg_and_a_table():
    html = _render(trend_chart([(MAR[0], D(90)), (MAR[1], D(95))], title="North Team A workload"))
    assert 'role="img"' in html and '<title id="trend-title">North Team A workload</title>' in html
    assert '<desc id="trend-desc">North Team A workload from 1 March 2026' in html
    assert "<polyline" in html and "style=" not in html
    assert "Show the figures as a table" in html
    assert '<th scope="row" class="govuk-table__header">2 March 2026</th>' in html
    assert "95.0%" in html


def test_macro_empty_state():
    html = _render(trend_chart([], title="Workload"))
    assert "No figures to show yet" in html and "<svg" not in html and "<table" not in html
