"""The equity worked example in docs/equity-and-performance.md is real: its loads and every figure it
states are read from the page and checked against the engine."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from caseload.domain.equity import Load, equity, team_capacity
from caseload.domain.tests.helpers import ROOT, legacy

BLOCK = re.compile(r"<!-- worked-example: equity -->\n```text\n(.*?)```", re.DOTALL)


def _rounded(value: Decimal | None, places: str) -> str:
    assert value is not None
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def test_the_equity_worked_example_matches_the_engine() -> None:
    text = (ROOT / "docs" / "equity-and-performance.md").read_text(encoding="utf-8")
    [block] = BLOCK.findall(text)
    stated = dict(line.split(": ", 1) for line in block.strip().splitlines())
    loads = [Decimal(v) for v in stated["loads"].split(", ")]
    red = {Decimal(v) for v in stated["red"].split(", ")}
    e = equity([Load(v, v in red) for v in loads])
    assert e.box is not None
    computed = {
        "mean": _rounded(e.mean, "0.1"),
        "median": _rounded(e.median, "0.1"),
        "standard deviation": _rounded(e.standard_deviation, "0.1"),
        "coefficient of variation": _rounded(e.coefficient_of_variation, "0.1"),
        "gini": _rounded(e.gini, "0.001"),
        "max/min ratio": _rounded(e.max_min_ratio, "0.01"),
        "over red": str(e.over_red),
        "share over red": _rounded(e.share_over_red, "0.1"),
        "box plot": ", ".join(
            _rounded(v, "0.1")
            for v in (e.box.minimum, e.box.lower_quartile, e.box.median, e.box.upper_quartile, e.box.maximum)
        ),
    }
    assert computed == {key: stated[key] for key in computed}


def test_the_capacity_worked_example_matches_the_engine() -> None:
    text = (ROOT / "docs" / "equity-and-performance.md").read_text(encoding="utf-8")
    assert "**0.25 FTE**" in text and "**0.26 FTE**" in text and "2.55 FTE" in text
    team = team_capacity(legacy(), "Example", Decimal(5440), Decimal(4896), Decimal("2.50"))
    assert (team.fte_to_100, team.fte_to_100_with_allowance, team.target_fte) == (
        Decimal("0.25"),
        Decimal("0.26"),
        Decimal("2.55"),
    )
