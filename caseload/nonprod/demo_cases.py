"""Demo cases with their allocation history and events, generated in memory and bulk inserted.

The mix follows what the services see: probation caseloads weighted to tiers C, D and B with a little
custody and licence work; children's cases in sibling groups; adult assessments, reviews, safeguarding
enquiries and DoLS. About 3% of each team's open cases wait for allocation.

Social-care cases also get the visits, reviews and assessments the presets' timeliness indicators time
(demo_milestones).

Each case holder is given work until the points engine puts them near their load (demo_sizing), so their
caseload follows their grade, hours, reductions and extra responsibilities under the team's scheme."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils import timezone

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus, EventKind, ReallocationReason
from caseload.domain.values import ReportInput
from caseload.nonprod import codes
from caseload.nonprod.demo_milestones import milestone_events
from caseload.nonprod.demo_sizing import Draw, Sizer
from caseload.nonprod.names import FIRST_NAMES, LAST_NAMES
from caseload.organisations.models import OrgUnit, Practitioner, TeamMembership

# Open cases a full-time person of each grade with no reductions holds at about 100% under the shipped
# presets, by (service, grade): the first estimate, scaled by the person's available time and load, before the
# engine settles the exact caseload. Children's 16-17 is the DfE census average per FTE case-holder; adults'
# 24 is within Scotland's "Setting the Bar" 20-25; trainees hold lower-risk cases, so more of them per hour.
USUAL_CASELOAD = {
    ("probation", "PO"): 35,
    ("probation", "PSO"): 48,
    ("probation", "PQIP"): 41,
    ("probation", "NQO"): 40,
    ("children", "SP"): 15,
    ("children", "SW"): 16,
    ("children", "NQSW"): 14,
    ("adult", "CM"): 24,
    ("adult", "OT"): 24,
    ("adult", "SW"): 24,
}
CLOSED_SHARE = 0.25  # closed cases kept in the history, per open case
UNALLOCATED_SHARE = 0.03
REALLOCATED_SHARE = 0.08
LEVEL_CHANGED_SHARE = 0.06
REFERENCE_PREFIX = {"probation": "N", "children": "CS", "adult": "AC"}

PROBATION_CATEGORY_WEIGHTS = {"PSO": (85, 12, 3), "default": (62, 22, 16)}  # community, licence, custody
# Risk letter weights A, B, C, D: PSOs and trainees hold the lower-risk cases.
TIER_LETTER_WEIGHTS = {
    "PO": (6, 32, 35, 27),
    "NQO": (2, 25, 40, 33),
    "PQIP": (0, 15, 45, 40),
    "PSO": (0, 5, 40, 55),
}
TIER_NUMBER_WEIGHTS = (15, 30, 35, 20)  # 3, 2, 1, 0
UNTIERED_SHARE = 0.015
UNSUPERVISED_SHARE = 0.04
CHILDREN_CATEGORY_WEIGHTS = (35, 25, 20, 12, 8)  # in codes.CHILDREN_CATEGORIES order
ADULT_CATEGORY_WEIGHTS = (28, 47, 15, 10)  # in codes.ADULT_CATEGORIES order
# Levels 1, 2, 3 (or the two levels of a two-level category): mostly level 1 and 2; child protection and
# court work lean more complex.
COMPLEXITY_WEIGHTS = {"high": (20, 50, 30), "default": (35, 45, 20)}
SIBLING_GROUP_SHARE = 0.3
REPORT_WRITERS = {"PO": 0.4, "NQO": 0.4, "PQIP": 0.5, "PSO": 0.75}  # grade -> share of reports that are fast
MOST_REPORTS = 5  # court reports requested in 60 days from a full-time writer; fewer with less time


class PlannedReport(NamedTuple):
    """A court report a writer was asked for: planned before their cases, so it counts in their load."""

    report_type: str
    requested: dt.date
    completed: dt.date | None


@dataclass(eq=False)
class Post:
    """One practitioner's workload in one team; `load` is the share of their available time their work
    fills, e.g. 1.1 for 110% (0 holds no cases)."""

    practitioner: Practitioner
    membership: TeamMembership
    team: OrgUnit
    grade: str
    load: float
    open_cases: list[Case] = field(default_factory=list)
    reports: list[PlannedReport] = field(default_factory=list)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class CaseBuilder:
    """Generates every case of the organisation, team by team, then inserts them in three bulk writes."""

    def __init__(self, rng: random.Random, organisation: OrgUnit, today: dt.date, sizer: Sizer) -> None:
        self.rng, self.organisation, self.today, self.sizer = rng, organisation, today, sizer
        self.zone = timezone.get_current_timezone()
        self.cases: list[Case] = []
        self.allocations: list[CaseAllocation] = []
        self.events: list[CaseEvent] = []
        self.allocated: dict[int, dt.date] = {}  # id(case) -> its first allocation date
        self.serials = dict.fromkeys(REFERENCE_PREFIX, 100000)
        self.sibling_groups = 0

    def build(self, posts: list[Post]) -> None:
        teams: dict[OrgUnit, list[Post]] = {}
        for post in posts:
            teams.setdefault(post.team, []).append(post)
        for team, team_posts in teams.items():
            self._team(team, [p for p in team_posts if p.load])
        # Seeded from the generator's state without drawing from it, so the cases stay as they were.
        milestones = random.Random(repr(self.rng.getstate()))
        self.events += milestone_events(milestones, self.cases, self.allocated, self.today)
        Case.objects.bulk_create(self.cases, batch_size=500)
        CaseAllocation.objects.bulk_create(self.allocations, batch_size=1000)
        CaseEvent.objects.bulk_create(self.events, batch_size=1000)

    def _team(self, team: OrgUnit, holders: list[Post]) -> None:
        for post in holders:
            if team.service == codes.PROBATION:
                post.reports = self._plan_reports(post)
            self._open_cases(post, holders)
            for _ in range(round(len(post.open_cases) * CLOSED_SHARE)):
                self._closed_case(post)
        allocated = sum(len(p.open_cases) for p in holders)
        for _ in range(max(1, round(allocated * UNALLOCATED_SHARE / (1 - UNALLOCATED_SHARE)))):
            received = self.today - _days(self.rng.randint(1, 40))
            self._case(team, self._fields(team.service, "", received))
        if team.service == codes.PROBATION:
            self._record_reports(holders)
            self._cms_contacts(holders)

    # --- One case ------------------------------------------------------------------------------------------

    def _case(self, team: OrgUnit, values: dict[str, Any], surname: str | None = None) -> Case:
        service = team.service
        self.serials[service] += self.rng.randint(1, 9)
        case = Case(
            organisation=self.organisation,
            reference=f"{REFERENCE_PREFIX[service]}{self.serials[service]}",
            name=f"{self.rng.choice(FIRST_NAMES)} {surname or self.rng.choice(LAST_NAMES)}",
            service=service,
            team=team,
            **values,
        )
        self.cases.append(case)
        return case

    def _open_cases(self, post: Post, holders: list[Post]) -> None:
        for draw in self._draws(post):
            values, size = draw
            received = values["received_date"]
            group = self._next_sibling_group() if size > 1 else ""
            surname = self.rng.choice(LAST_NAMES)
            for _ in range(size):
                case = self._case(post.team, {**values, "sibling_group": group}, surname=surname)
                case.practitioner = post.practitioner
                post.open_cases.append(case)
                start = min(received + _days(self.rng.randint(1, 7)), self.today)
                self._allocate(case, post, holders, start)
                self._maybe_change_level(case, post, start)

    def _draws(self, post: Post) -> list[Draw]:
        """A first estimate from the usual caseload and the post's available time, then settled by the engine."""
        usual = USUAL_CASELOAD.get((post.team.service, post.grade), 0)
        estimate = round(usual * float(self.sizer.room(post)) * post.load)
        draws: list[Draw] = []
        while (held := sum(draw.size for draw in draws)) < estimate:
            draws.append(self._draw(post, estimate - held))
        reports = tuple(ReportInput(r.report_type, r.completed) for r in post.reports if r.completed)
        return self.sizer.settle(post, draws, lambda: self._draw(post, 4), reports)

    def _draw(self, post: Post, room: int) -> Draw:
        received = self.today - _days(int(self.rng.triangular(10, 900, 120)))
        values = self._fields(post.team.service, post.grade, received)
        return Draw(values, self._sibling_group_size(post.team.service, values, room))

    def _closed_case(self, post: Post) -> None:
        closed = self.today - _days(self.rng.randint(1, 365))
        received = closed - _days(self.rng.randint(60, 700))
        values = self._fields(post.team.service, post.grade, received)
        values.update(expected_end_date=closed, expected_release_date=None)
        case = self._case(post.team, {**values, "status": CaseStatus.CLOSED, "closed_date": closed})
        case.practitioner = post.practitioner
        self._spell(case, post, received + _days(self.rng.randint(1, 7)), closed, previous=None)
        self._event(case, EventKind.CLOSED, closed, post.practitioner)

    def _sibling_group_size(self, service: str, values: dict[str, Any], room: int) -> int:
        eligible = service == codes.CHILDREN and values["category"] != "care-leaver"
        if not eligible or room < 2 or self.rng.random() >= SIBLING_GROUP_SHARE:
            return 1
        return min(self.rng.randint(2, 4), room)

    def _next_sibling_group(self) -> str:
        self.sibling_groups += 1
        return f"SG{self.sibling_groups:05d}"

    # --- Categories, levels, flags and dates, by service -------------------------------------------------

    def _fields(self, service: str, grade: str, received: dt.date) -> dict[str, Any]:
        make = {codes.PROBATION: self._probation, codes.CHILDREN: self._children, codes.ADULT: self._adult}
        return {"received_date": received, "start_date": received} | make[service](grade)

    def _probation(self, grade: str) -> dict[str, Any]:
        weights = PROBATION_CATEGORY_WEIGHTS.get(grade, PROBATION_CATEGORY_WEIGHTS["default"])
        category = self.rng.choices(codes.PROBATION_CATEGORIES, weights)[0]
        level = self._tier(grade, category)
        flags = self._probation_flags(category, level)
        values: dict[str, Any] = {"category": category, "level": level, "flags": flags}
        if category == "custody":
            values["expected_release_date"] = self.today + _days(self.rng.randint(14, 1100))
        elif "overdue_termination" in flags:
            values["expected_end_date"] = self.today - _days(self.rng.randint(1, 28))
        else:
            values["expected_end_date"] = self.today + _days(self.rng.randint(14, 720))
        return values

    def _tier(self, grade: str, category: str) -> str:
        if self.rng.random() < UNTIERED_SHARE:
            return codes.UNTIERED
        letter = self.rng.choices(
            codes.TIER_LETTERS, TIER_LETTER_WEIGHTS.get(grade, TIER_LETTER_WEIGHTS["PO"])
        )[0]
        tier = letter + self.rng.choices(codes.TIER_NUMBERS, TIER_NUMBER_WEIGHTS)[0]
        unsupervised = category == "community" and self.rng.random() < UNSUPERVISED_SHARE
        return tier + codes.UNSUPERVISED_SUFFIX if unsupervised else tier

    def _probation_flags(self, category: str, level: str) -> list[str]:
        high_risk_rate = {"A": 0.6, "B": 0.1}.get(level[:1], 0.005)
        rates = [("warrant", 0.02), ("young_adult", 0.06), ("high_risk", high_risk_rate)]
        if category == "community":
            rates += [("unpaid_work_only", 0.04), ("overdue_termination", 0.015)]
        return [flag for flag, rate in rates if self.rng.random() < rate]

    def _children(self, grade: str) -> dict[str, Any]:
        category = self.rng.choices(codes.CHILDREN_CATEGORIES, CHILDREN_CATEGORY_WEIGHTS)[0]
        weights = COMPLEXITY_WEIGHTS[
            "high" if category in {"child-protection", "court-proceedings"} else "default"
        ]
        levels = codes.levels_for(codes.CHILDREN, category)
        flags = ["interpreter"] if self.rng.random() < 0.04 else []
        return {
            "category": category,
            "level": self.rng.choices(levels, weights[: len(levels)])[0],
            "flags": flags,
        }

    def _adult(self, grade: str) -> dict[str, Any]:
        category = self.rng.choices(codes.ADULT_CATEGORIES, ADULT_CATEGORY_WEIGHTS)[0]
        levels = codes.levels_for(codes.ADULT, category)
        level = self.rng.choices(levels, COMPLEXITY_WEIGHTS["default"][: len(levels)])[0]
        flags = [flag for flag, rate in (("interpreter", 0.06), ("travel", 0.1)) if self.rng.random() < rate]
        return {"category": category, "level": level, "flags": flags}

    # --- History: allocations and events -----------------------------------------------------------------

    def _allocate(self, case: Case, post: Post, holders: list[Post], start: dt.date) -> None:
        """An open spell with the holder; some cases were with a colleague first."""
        days_held = (self.today - start).days
        colleagues = [p for p in holders if p.practitioner != post.practitioner]
        if colleagues and days_held > 21 and self.rng.random() < REALLOCATED_SHARE:
            previous = self.rng.choice(colleagues)
            moved = start + _days(self.rng.randint(7, days_held - 1))
            self._spell(case, previous, start, moved, previous=None)
            self._spell(case, post, moved, None, previous=previous)
        else:
            self._spell(case, post, start, None, previous=None)

    def _spell(
        self, case: Case, post: Post, start: dt.date, end: dt.date | None, previous: Post | None
    ) -> None:
        reason = self.rng.choice(list(ReallocationReason)) if previous else ""
        self.allocations.append(
            CaseAllocation(
                case=case,
                practitioner=post.practitioner,
                team=post.team,
                started_at=self._at(start),
                ended_at=self._at(end) if end else None,
                reason=reason,
            )
        )
        kind = EventKind.REALLOCATED if previous else EventKind.ALLOCATED
        self.allocated.setdefault(id(case), start)
        details = {
            "from": previous.practitioner.pk if previous else None,
            "to": post.practitioner.pk,
            "reason": reason,
        }
        self._event(case, kind, start, post.practitioner, details=details)

    def _maybe_change_level(self, case: Case, post: Post, allocated: dt.date) -> None:
        levels = codes.levels_for(case.service, case.category)
        if not case.level or self.rng.random() >= LEVEL_CHANGED_SHARE or allocated >= self.today:
            return
        index = levels.index(case.level)
        before = levels[index + 1] if index + 1 < len(levels) and levels[index + 1] else levels[index - 1]
        on = self.today - _days(self.rng.randint(0, min(120, (self.today - allocated).days)))
        self._event(
            case, EventKind.LEVEL_CHANGED, on, post.practitioner, details={"from": before, "to": case.level}
        )

    def _plan_reports(self, post: Post) -> list[PlannedReport]:
        """Court reports (standard and fast) requested in the last 60 days, fewer for those with less time
        (a trainee in their first months writes none)."""
        if post.grade not in REPORT_WRITERS:
            return []
        most = round(MOST_REPORTS * min(float(self.sizer.room(post)), 1.0))
        return [self._planned_report(post.grade) for _ in range(self.rng.randint(0, most))]

    def _planned_report(self, grade: str) -> PlannedReport:
        fast = self.rng.random() < REPORT_WRITERS[grade]
        turnaround = self.rng.randint(1, 3) if fast else self.rng.randint(10, 15)
        return self._timed_report("court_fast" if fast else "court_standard", turnaround)

    def _timed_report(self, report_type: str, turnaround: int) -> PlannedReport:
        requested = self.today - _days(self.rng.randint(0, 59))
        due = requested + _days(turnaround)
        completed = due if due <= self.today and self.rng.random() < 0.9 else None
        return PlannedReport(report_type, requested, completed)

    def _record_reports(self, holders: list[Post]) -> None:
        """Each writer's planned court reports, on their cases; a parole report for some POs."""
        for post in holders:
            if not post.open_cases:
                continue
            for report in post.reports:
                self._report(post, self.rng.choice(post.open_cases), report)
            long_sentences = [c for c in post.open_cases if c.category in {"custody", "licence"}]
            if post.grade == "PO" and long_sentences and self.rng.random() < 0.35:
                parole = self._timed_report("parole", self.rng.randint(14, 28))
                self._report(post, self.rng.choice(long_sentences), parole)

    def _report(self, post: Post, case: Case, report: PlannedReport) -> None:
        kind, by = report.report_type, post.practitioner
        self._event(case, EventKind.REPORT_REQUESTED, report.requested, by, report_type=kind)
        if report.completed:
            self._event(case, EventKind.REPORT_COMPLETED, report.completed, by, report_type=kind)

    def _cms_contacts(self, holders: list[Post]) -> None:
        """Case-management-support contacts in the last 14 days, each by a team member other than the holder."""
        held = [(case, post) for post in holders for case in post.open_cases]
        for _ in range(self.rng.randint(15, 40)):
            case, holder = self.rng.choice(held)
            colleagues = [p for p in holders if p.practitioner != holder.practitioner]
            # Those with more time to give do more of the support work.
            weights = [float(self.sizer.room(p)) + 0.01 for p in colleagues]
            doer = self.rng.choices(colleagues, weights)[0]
            on = self.today - _days(self.rng.randint(0, 13))
            contact = self.rng.choice(codes.CMS_CONTACT_TYPES)
            self._event(case, EventKind.CMS_CONTACT, on, doer.practitioner, contact_type=contact)

    def _event(self, case: Case, kind: str, on: dt.date, by: Practitioner, **values: Any) -> None:
        self.events.append(CaseEvent(case=case, kind=kind, occurred_on=on, practitioner=by, **values))

    def _at(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(10), tzinfo=self.zone)
