"""The recurring-indicator worked example in docs/equity-and-performance.md is real: its dates are read from
the page, run through the engine with the children-services preset's `cp-visit` indicator, and every clock
and monthly figure it states is checked."""

from __future__ import annotations

import datetime as dt
import re

from caseload.domain.performance import CaseFacts, Event, clocks, clocks_due_in_periods, tally
from caseload.domain.scheme import Performance
from caseload.domain.tests.helpers import ROOT, children

BLOCK = re.compile(r"<!-- worked-example: recurring -->\n```text\n(.*?)```", re.DOTALL)
MONTHS = re.compile(
    r"March shows (\d+) on time and (\d+) late \(([\d.]+)% on time\); "
    r"April, as of 30 April, (\d+) on time and (\d+) overdue \(([\d.]+)%\)"
)
CLOCK = re.compile(r"clock \d+: (\S+) due (\S+) (?:visited (\S+)|not visited) (on time|late|overdue|pending)")


def _dates(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(part) for part in text.split(", ")]


def test_the_recurring_worked_example_matches_the_engine() -> None:
    text = (ROOT / "docs" / "equity-and-performance.md").read_text(encoding="utf-8")
    [block] = BLOCK.findall(text)
    lines = block.strip().splitlines()
    stated = dict(line.split(": ", 1) for line in lines if not line.startswith("clock "))
    [indicator] = [i for i in children().performance.indicators if i.code == stated["indicator"]]
    [allocated] = _dates(stated["allocated"])
    events = (Event("allocated", allocated), *(Event("visit", day) for day in _dates(stated["visits"])))
    holidays = frozenset(_dates(stated["bank holidays"]))
    [as_of] = _dates(stated["as of"])
    case = CaseFacts("child-protection", allocated, allocated, events)

    found = clocks(indicator, case, as_of, holidays)
    computed = [
        (
            c.started.isoformat(),
            c.due.isoformat(),
            c.completed.isoformat() if c.completed and c.completed <= as_of else None,
            str(c.outcome).replace("_", " "),
        )
        for c in found
    ]
    assert computed == [CLOCK.fullmatch(line).groups() for line in lines if line.startswith("clock ")]  # type: ignore[union-attr]

    march, april = (dt.date(2026, 3, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    by_month = [
        tally(m[indicator.code])
        for m in clocks_due_in_periods(Performance((indicator,)), [case], [march, april], as_of, holidays)
    ]
    sentence = MONTHS.search(" ".join(text.split()))
    assert sentence is not None
    m_on_time, m_late, m_pct, a_on_time, a_overdue, a_pct = sentence.groups()
    assert (by_month[0].on_time, by_month[0].late, by_month[0].overdue) == (int(m_on_time), int(m_late), 0)
    assert (by_month[1].on_time, by_month[1].late, by_month[1].overdue) == (int(a_on_time), 0, int(a_overdue))
    assert [f"{t.percent_on_time:.1f}" for t in by_month] == [m_pct, a_pct]
