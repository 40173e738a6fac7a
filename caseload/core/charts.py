"""Accessible trend charts: ready-to-draw SVG geometry plus the rows of the table alternative.

`trend_chart(points, title=..., unit=..., bands=...)` turns dated values (a workload % per day, say) into a
frozen `TrendChart` that the `trend_chart` macro in `core/jinja2/includes/charts.html` draws as an inline
SVG (role="img" with a <title> and a <desc> that says what the line shows) followed by the same figures as a
table. The template does no arithmetic: every coordinate and label is computed here.

Only pixel geometry happens here. The values themselves come from the points engine or stored snapshots and
are shown as they are (rounded to 1 decimal place for display). A `None` value is a gap: the line breaks
there and the table says "No figure".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from caseload.domain.rounding import one_dp

WIDTH = 640
HEIGHT = 280
LEFT = 56  # room for the y-axis labels
RIGHT = 16
TOP = 16
BOTTOM = 40  # room for the x-axis labels
MAX_X_TICKS = 6
TARGET_Y_TICKS = 5
MAX_MARKERS = 40  # draw a dot per point only while they stay distinguishable


@dataclass(frozen=True)
class Tick:
    """A labelled tick: `position` is the x (date axis) or y (value axis) coordinate."""

    position: str
    label: str


@dataclass(frozen=True)
class BandLine:
    """A horizontal threshold line (the start of a RAG band, say) with its label."""

    y: str
    label: str
    value: str


@dataclass(frozen=True)
class Marker:
    x: str
    y: str
    label: str  # e.g. "16 March 2026: 94.2%"


@dataclass(frozen=True)
class TableRow:
    date: str
    value: str


@dataclass(frozen=True)
class TrendChart:
    title: str
    description: str
    unit: str
    width: int
    height: int
    # The plot area: x from left to right, y from top to bottom (SVG y grows downwards).
    left: int
    right: int
    top: int
    bottom: int
    lines: tuple[str, ...]  # polyline `points` attributes, one per unbroken run of values
    markers: tuple[Marker, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    bands: tuple[BandLine, ...]
    rows: tuple[TableRow, ...]
    value_heading: str

    @property
    def empty(self) -> bool:
        """True when there is no value to draw (no points, or every value missing)."""
        return not self.markers and not self.lines

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def format_value(value: Decimal | None, unit: str) -> str:
    """A value for display, to 1 decimal place: "94.2%" or "1,204.0 points"; "No figure" when missing."""
    if value is None:
        return "No figure"
    shown = one_dp(value)
    if unit == "%":
        return f"{shown:,}%"
    return f"{shown:,} {unit}".rstrip()


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short_date(day: dt.date, with_year: bool) -> str:
    return f"{day.day} {day:%b %Y}" if with_year else f"{day.day} {day:%b}"


def _px(value: float) -> str:
    """A coordinate to 1 decimal place without a trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_step(span: Decimal, target: int = TARGET_Y_TICKS) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 × a power of ten) giving about `target` intervals over `span`."""
    if span <= 0:
        return Decimal(1)
    raw = span / target
    exponent = raw.adjusted()  # the power of ten of the leading digit
    magnitude = Decimal(1).scaleb(exponent)
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return Decimal(10) * magnitude  # pragma: no cover - the loop always returns


def _value_range(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(low, high, step) for the y axis: includes 0, every value and band, on whole steps."""
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    low = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    high = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    return low, high, step


def _describe(
    title: str, unit: str, dated: Sequence[tuple[dt.date, Decimal]], first: dt.date, last: dt.date
) -> str:
    if not dated:
        return f"{title}: no figures yet."
    values = [v for _, v in dated]
    latest_day, latest = dated[-1]
    span = f"from {long_date(first)} to {long_date(last)}" if first != last else f"on {long_date(first)}"
    return (
        f"{title} {span}. Latest {format_value(latest, unit)} on {long_date(latest_day)}; "
        f"lowest {format_value(min(values), unit)}, highest {format_value(max(values), unit)}."
    )


def trend_chart(
    points: Sequence[tuple[dt.date, Decimal | None]],
    *,
    title: str,
    unit: str = "%",
    bands: Sequence[tuple[Decimal, str]] = (),
) -> TrendChart:
    """The geometry of a line chart of `points` (dates in any order; one value per date), with horizontal
    lines at each of `bands` ((value, label) pairs, e.g. the start of the red band)."""
    ordered = sorted(points, key=lambda p: p[0])
    value_heading = "Workload %" if unit == "%" else unit.capitalize() or "Value"
    rows = tuple(TableRow(long_date(day), format_value(value, unit)) for day, value in ordered)
    dated = [(day, value) for day, value in ordered if value is not None]
    first, last = (ordered[0][0], ordered[-1][0]) if ordered else (None, None)
    common: dict[str, Any] = {
        "title": title,
        "unit": unit,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "rows": rows,
        "value_heading": value_heading,
    }
    if not dated or first is None or last is None:
        return TrendChart(
            description=f"{title}: no figures yet.",
            lines=(),
            markers=(),
            x_ticks=(),
            y_ticks=(),
            bands=(),
            **common,
        )

    low, high, step = _value_range([v for _, v in dated] + [b for b, _ in bands])
    plot_w = WIDTH - RIGHT - LEFT
    plot_h = HEIGHT - BOTTOM - TOP
    days = (last - first).days

    def x_of(day: dt.date) -> float:
        if days == 0:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / days

    def y_of(value: Decimal) -> float:
        return TOP + plot_h * float((high - value) / (high - low))

    runs: list[list[Marker]] = [[]]
    for day, value in ordered:
        if value is None:
            runs.append([])
            continue
        label = f"{long_date(day)}: {format_value(value, unit)}"
        runs[-1].append(Marker(_px(x_of(day)), _px(y_of(value)), label))
    drawn = tuple(" ".join(f"{m.x},{m.y}" for m in run) for run in runs if len(run) > 1)
    every = [m for run in runs for m in run]
    # A dot per value while they stay distinguishable; a lone value between gaps always gets its dot, as a
    # one-point polyline draws nothing.
    shown_markers = tuple(
        every if len(every) <= MAX_MARKERS else [m for run in runs if len(run) == 1 for m in run]
    )

    y_ticks = []
    tick = low
    while tick <= high:
        y_ticks.append(Tick(_px(y_of(tick)), format_value(tick, unit).replace(".0", "", 1)))
        tick += step

    dates = [day for day, _ in ordered]
    if len(dates) <= MAX_X_TICKS:
        tick_dates = dates
    else:
        last_index = len(dates) - 1
        picks = sorted({round(i * last_index / (MAX_X_TICKS - 1)) for i in range(MAX_X_TICKS)})
        tick_dates = [dates[i] for i in picks]
    x_ticks = []
    previous_year = None
    for day in tick_dates:
        x_ticks.append(Tick(_px(x_of(day)), _short_date(day, with_year=day.year != previous_year)))
        previous_year = day.year

    band_lines = tuple(BandLine(_px(y_of(value)), label, format_value(value, unit)) for value, label in bands)
    return TrendChart(
        description=_describe(title, unit, dated, first, last),
        lines=drawn,
        markers=shown_markers,
        x_ticks=tuple(x_ticks),
        y_ticks=tuple(y_ticks),
        bands=band_lines,
        **common,
    )
