"""Demo timeliness milestones: the visits, reviews and assessments that the children-services and
adult-community-care presets' indicators time (docs/equity-and-performance.md), so the demo performance page
shows recurring clocks over its 12-month trend.

Most milestones come within their timescale and some late, and now and then a visit is simply overdue: the
gaps below are calendar days, drawn around each preset timescale. Visits and reviews are generated for the
last 13 months only (what the trend looks at); assessments once per case."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence

from caseload.cases.models import Case, CaseEvent, EventKind
from caseload.nonprod import codes

WINDOW = dt.timedelta(days=400)
LATE_SHARE = 0.15
# Category -> (event kind, days to the first one: (on time, late), gap to the next: (on time, late)).
# CP visits every 10 working days (about 14 calendar days), CIN every 20 (about 28), looked-after children
# within 7 days then 6-weekly, CP review conference by 3 months then 6-monthly, adult plan review within
# 8 weeks then yearly (applies to every adult category, as the preset's indicator does).
CHAINS: dict[
    str, tuple[tuple[str, tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]], ...]
] = {
    "child-protection": (
        (EventKind.VISIT, (3, 13), (15, 24), (6, 13), (15, 24)),
        (EventKind.REVIEW, (60, 91), (92, 120), (150, 182), (183, 220)),
    ),
    "child-in-need": ((EventKind.VISIT, (7, 27), (29, 40), (14, 27), (29, 40)),),
    "looked-after-child": ((EventKind.VISIT, (1, 7), (8, 14), (28, 42), (43, 56)),),
}
ADULT_REVIEWS = (EventKind.REVIEW, (30, 56), (57, 80), (300, 365), (366, 400))
# Category -> days from referral to the completed assessment: (on time, late).
ASSESSMENTS = {
    "child-in-need": ((20, 60), (66, 90)),
    "child-protection": ((15, 55), (66, 90)),
    "assessment": ((7, 28), (29, 45)),
}


def milestone_events(
    rng: random.Random, cases: Sequence[Case], allocated: dict[int, dt.date], today: dt.date
) -> list[CaseEvent]:
    """Visit, review and assessment events for the held social-care cases. `allocated` maps each case's
    `id()` to its first allocation date (the CP and CIN visit clocks start there)."""
    events: list[CaseEvent] = []
    for case in cases:
        if case.practitioner is None or case.service == codes.PROBATION:
            continue
        end = min(case.closed_date or today, today)
        for kind, on in _dates(rng, case, allocated.get(id(case)), end, today):
            events.append(CaseEvent(case=case, kind=kind, occurred_on=on, practitioner=case.practitioner))
    return events


def _dates(
    rng: random.Random, case: Case, allocated: dt.date | None, end: dt.date, today: dt.date
) -> Iterator[tuple[str, dt.date]]:
    assessment = ASSESSMENTS.get(case.category)
    if assessment is not None:
        on = case.received_date + dt.timedelta(days=_draw(rng, *assessment))
        if on <= end:
            yield EventKind.ASSESSMENT_COMPLETED, on
    chains = CHAINS.get(case.category, ()) if case.service == codes.CHILDREN else (ADULT_REVIEWS,)
    for kind, first_on_time, first_late, next_on_time, next_late in chains:
        start = (
            allocated
            if kind == EventKind.VISIT and case.category != "looked-after-child"
            else case.start_date
        )
        if start is None:
            continue
        on = start + dt.timedelta(days=_draw(rng, first_on_time, first_late))
        while on <= end:
            if on >= today - WINDOW:
                yield kind, on
            on += dt.timedelta(days=_draw(rng, next_on_time, next_late))


def _draw(rng: random.Random, on_time: tuple[int, int], late: tuple[int, int]) -> int:
    return rng.randint(*(late if rng.random() < LATE_SHARE else on_time))
