"""Demo staff: practitioners of mixed grades and hours in every team, one working in two teams, their
reductions (trainee stages, SPOC, trade union, leave and a few others) — scheduled, active, archived and one
deleted — and a few extra responsibilities (duty rota, practice educator, champion, NQSW mentor) in the
social care teams. Reductions go through the organisation services so their rules apply."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from caseload.nonprod.codes import ADULT as A
from caseload.nonprod.codes import CHILDREN as C
from caseload.nonprod.codes import PROBATION as P
from caseload.nonprod.demo_cases import Post
from caseload.nonprod.names import FIRST_NAMES, LAST_NAMES
from caseload.organisations import services
from caseload.organisations.models import (
    Grade,
    OrgUnit,
    Practitioner,
    Reduction,
    ReductionReason,
    Responsibility,
    TeamMembership,
)

STAFF_CODE_PREFIX = "NSP"

# The grades of each team's staff. Probation and children's teams have a manager (SPO, TM) holding no cases.
STAFFING: dict[str, tuple[str, ...]] = {
    P: ("SPO", "PO", "PO", "PO", "PO", "PO", "PSO", "PSO", "PSO", "PSO", "PQIP", "NQO"),
    C: ("TM", "SP", "SP", "SW", "SW", "SW", "SW", "SW", "NQSW", "NQSW"),
    A: ("CM", "CM", "CM", "CM", "OT", "OT", "SW", "SW"),
}
# Contracted hours a week and how often each occurs: mostly full time, some part time.
HOURS_WEIGHTS = {Decimal(37): 13, Decimal(30): 2, Decimal("22.5"): 3, Decimal("18.5"): 2}
# The share of their available time each of a team's case holders is given (shuffled per team): most
# between 85% and 110%, two under 85% and two over 110%, as in a team that is busy but managed.
LOADS = (0.78, 0.86, 0.9, 0.93, 0.96, 0.98, 1.0, 1.03, 1.06, 1.09, 1.18)
# Days in post so far, by grade: trainees and the newly qualified started recently.
SERVICE_DAYS = {"PQIP": (30, 540), "NQO": (20, 250), "NQSW": (20, 330)}
EXPERIENCED_DAYS = (365, 5400)
# The practitioner who works in two teams, and how their hours split.
SPLIT_POST = ("NSP-AB-1", 2, "NSP-AB-2", Decimal("22.5"), Decimal("14.5"))


class StaffBuilder:
    """Practitioners and their memberships, as Posts (one per membership) for the case builder."""

    def __init__(self, rng: random.Random, today: dt.date, since: dt.date) -> None:
        self.rng, self.today, self.since = rng, today, since
        self.grades = {g.code: g for g in Grade.objects.all()}
        self.serial = 0

    def build(self, teams: list[OrgUnit]) -> list[Post]:
        staffed = [(team, self._person(grade)) for team in teams for grade in STAFFING[team.service]]
        Practitioner.objects.bulk_create([person for _, person in staffed])
        by_code = {team.code: team for team in teams}
        split_team, split_index, second_team, first_hours, second_hours = SPLIT_POST
        split_person = [p for team, p in staffed if team.code == split_team][split_index]
        memberships = [
            self._membership(person, team, first_hours if person is split_person else self._hours())
            for team, person in staffed
        ]
        memberships.append(self._membership(split_person, by_code[second_team], second_hours))
        TeamMembership.objects.bulk_create(memberships)
        return self._posts(memberships)

    def _person(self, grade_code: str) -> Practitioner:
        self.serial += 1
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        low, high = SERVICE_DAYS.get(grade_code, EXPERIENCED_DAYS)
        return Practitioner(
            staff_code=f"{STAFF_CODE_PREFIX}{self.serial:04d}",
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{self.serial}@northshire.example".lower(),
            grade=self.grades[grade_code],
            start_date=self.today - dt.timedelta(days=self.rng.randint(low, high)),
        )

    def _hours(self) -> Decimal:
        return self.rng.choices(list(HOURS_WEIGHTS), list(HOURS_WEIGHTS.values()))[0]

    def _membership(self, person: Practitioner, team: OrgUnit, hours: Decimal) -> TeamMembership:
        assert person.start_date is not None
        start = max(person.start_date, self.since)
        return TeamMembership(practitioner=person, team=team, contracted_hours=hours, start_date=start)

    def _posts(self, memberships: list[TeamMembership]) -> list[Post]:
        """One Post per membership. Case holders in each team take the LOADS in a shuffled order."""
        posts: list[Post] = []
        loads: dict[int, list[float]] = {}
        for membership in memberships:
            grade = membership.practitioner.grade
            load = 0.0
            if grade.holds_cases:
                team_loads = loads.setdefault(membership.team_id, [])
                if not team_loads:
                    team_loads.extend(self.rng.sample(LOADS, len(LOADS)))
                load = team_loads.pop()
            posts.append(Post(membership.practitioner, membership, membership.team, grade.code, load))
        return posts


def in_two_teams(posts: list[Post]) -> set[int]:
    """Ids of practitioners with more than one post."""
    counts = Counter(p.practitioner.pk for p in posts)
    return {pk for pk, n in counts.items() if n > 1}


# --- Reductions ----------------------------------------------------------------------------------------------


class ReductionSpec(NamedTuple):
    """A reduction relative to today: starts and ends in days from today; percent of contracted hours
    (ignored when the reason fixes the percentage); deleted afterwards when `deleted`."""

    code: str
    starts: int
    ends: int | None = None
    percent: int | None = None
    deleted: bool = False


# Each line is one person's reductions; `services` says whose they may be.
OCCASIONAL_REDUCTIONS: tuple[tuple[tuple[str, ...], tuple[ReductionSpec, ...]], ...] = (
    ((P,), (ReductionSpec("spoc-lead", -400, percent=5),)),
    ((P,), (ReductionSpec("spoc-lead", -200, percent=5),)),
    ((P,), (ReductionSpec("spoc-lead", -90, percent=4),)),
    ((P, C, A), (ReductionSpec("trade-union", -700, percent=20),)),
    ((P, C, A), (ReductionSpec("trade-union", -150, percent=10),)),
    ((A,), (ReductionSpec("bia-rota", -60, 120, percent=10),)),
    ((C,), (ReductionSpec("study", -60, 120, percent=10),)),
    ((P, C, A), (ReductionSpec("disability", -800, percent=10),)),
    ((P, C, A), (ReductionSpec("maternity-leave", 21),)),  # scheduled
    ((P, C, A), (ReductionSpec("phased-return", 10, 52, percent=40),)),  # scheduled
    (
        (P, C, A),
        (ReductionSpec("long-term-sickness", -200, -121), ReductionSpec("phased-return", -120, -70, 50)),
    ),
    ((P, C, A), (ReductionSpec("special-leave", -45, -41),)),  # archived
    ((P,), (ReductionSpec("court-duty", -30, percent=10, deleted=True),)),
)
TRAINEE_REDUCTIONS = {
    "PQIP": (("pqip-0-6", 0), ("pqip-6-12", 6), ("pqip-12-18", 12)),
    "NQO": (("nqo", 0),),
    "NQSW": (("asye-protected-time", 0),),
}


def build_reductions(rng: random.Random, posts: list[Post], today: dt.date) -> None:
    reasons = {r.code: r for r in ReductionReason.objects.all()}
    _trainee_reductions(posts, reasons)
    _occasional_reductions(rng, posts, reasons, today)


def _trainee_reductions(posts: list[Post], reasons: dict[str, ReductionReason]) -> None:
    """Every stage from the trainee's start, so earlier stages are archived and later ones scheduled."""
    for post in posts:
        start = post.practitioner.start_date
        assert start is not None
        for code, months in TRAINEE_REDUCTIONS.get(post.grade, ()):
            _reduce(post, reasons[code], services.add_months(start, months), None, None)


def _occasional_reductions(
    rng: random.Random, posts: list[Post], reasons: dict[str, ReductionReason], today: dt.date
) -> None:
    """OCCASIONAL_REDUCTIONS, each line for a different case holder in one team only."""
    chosen = in_two_teams(posts)
    candidates = [p for p in posts if p.load and p.grade not in TRAINEE_REDUCTIONS]
    for allowed, specs in OCCASIONAL_REDUCTIONS:
        post = rng.choice(
            [p for p in candidates if p.team.service in allowed and p.practitioner.pk not in chosen]
        )
        chosen.add(post.practitioner.pk)
        for spec in specs:
            share = Decimal(spec.percent or 100) / 100
            hours = (post.membership.contracted_hours * share).quantize(Decimal("0.01"), ROUND_DOWN)
            starts = today + dt.timedelta(days=spec.starts)
            ends = today + dt.timedelta(days=spec.ends) if spec.ends is not None else None
            reduction = _reduce(post, reasons[spec.code], starts, ends, hours)
            if spec.deleted:
                services.delete_reduction(reduction, actor=None, note="Entered against the wrong person.")


def _reduce(
    post: Post, reason: ReductionReason, start: dt.date, end: dt.date | None, hours: Decimal | None
) -> Reduction:
    """Through the service, so a reason's default % fixes the hours and its months set the end date."""
    return services.save_reduction(
        membership=post.membership,
        reason=reason,
        effective_from=start,
        effective_to=end,
        hours=hours,
        actor=None,
    )


# --- Extra responsibilities ----------------------------------------------------------------------------------

# Each line is one case holder's extra responsibility: the services and grades it may go to, the scheme code
# (the social care presets' `extra_responsibilities`; probation-2022 has none) and the quantity.
RESPONSIBILITIES: tuple[tuple[tuple[str, ...], tuple[str, ...], str, Decimal], ...] = (
    ((C,), ("SW",), "duty-rota", Decimal(1)),
    ((C,), ("SW",), "duty-rota", Decimal(1)),
    ((A,), ("CM", "SW"), "duty-rota", Decimal(1)),
    ((A,), ("CM", "SW"), "duty-rota", Decimal(1)),
    ((C,), ("SP",), "practice-educator", Decimal(2)),
    ((A,), ("SW", "OT"), "practice-educator", Decimal(1)),
    ((C,), ("SP",), "nqsw-mentor", Decimal(1)),
    ((C,), ("SW",), "champion", Decimal(1)),
    ((A,), ("CM", "OT"), "champion", Decimal(1)),
)


def build_responsibilities(rng: random.Random, posts: list[Post], today: dt.date) -> None:
    """RESPONSIBILITIES, each line for a different case holder, started in the last year and open-ended."""
    taken: set[int] = set()
    rows = []
    for services_allowed, grades, code, quantity in RESPONSIBILITIES:
        post = rng.choice(
            [
                p
                for p in posts
                if p.load
                and p.team.service in services_allowed
                and p.grade in grades
                and p.membership.pk not in taken
            ]
        )
        taken.add(post.membership.pk)
        start = max(today - dt.timedelta(days=rng.randint(14, 365)), post.membership.start_date)
        rows.append(
            Responsibility(membership=post.membership, code=code, quantity=quantity, effective_from=start)
        )
    Responsibility.objects.bulk_create(rows)
