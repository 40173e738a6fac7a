"""How many cases each demo post holds: a share of the person's own available time, asked of the points engine.

A team manager gives each case holder work until they reach a load (a share of their available time, so
some are under and some over). The engine, not this module, decides what a case is worth and how much time a
person has: their grade, contracted hours, reductions, non-case time, extra responsibilities and reports all
count under the team's scheme. This module only adds up the engine's points for whole draws of work and
compares the engine's workload % with the wanted load; the figures people see are scored afresh later."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from caseload.cases.models import Case
from caseload.domain.results import WorkloadResult
from caseload.domain.scheme import Scheme
from caseload.domain.scoring import score_practitioners, workload_percent
from caseload.domain.values import PractitionerInput, ReportInput
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.inputs import case_input, current_memberships, practitioner_inputs

if TYPE_CHECKING:
    from caseload.nonprod.demo_cases import Post

FULL_TIME = Decimal(37)
# Adding or removing one draw (a case or a sibling group) at a time from the first estimate; the first
# estimate is usually within a few draws, so this bound is only a guard.
MAX_STEPS = 60


class Draw(NamedTuple):
    """Case fields for one new piece of work and how many children it covers (a sibling group is one draw)."""

    values: dict[str, Any]
    size: int


class Sizer:
    """Scores a post's would-be caseload with the team's scheme, before anything is saved."""

    def __init__(self, posts: list[Post], today: dt.date) -> None:
        self.today = today
        self.schemes: dict[int, Scheme] = {}
        self.inputs: dict[int, PractitionerInput] = {}
        self.rooms: dict[int, Decimal] = {}
        holders = [p for p in posts if p.load]
        by_team: dict[int, list[int]] = {}
        for post in holders:
            by_team.setdefault(post.team.pk, []).append(post.membership.pk)
        for team_id, membership_ids in by_team.items():
            team = next(p.team for p in holders if p.team.pk == team_id)
            version = version_for_unit(team, today)
            if version is None:
                continue
            scheme = domain_scheme(version)
            memberships = [m for m in current_memberships(today, [team_id]) if m.pk in membership_ids]
            people, _ = practitioner_inputs(scheme, memberships, today)
            for membership, person in zip(memberships, people, strict=True):
                self.schemes[membership.pk] = scheme
                self.inputs[membership.pk] = person

    def room(self, post: Post) -> Decimal:
        """The post's available time as a share of a full-time colleague of the same grade with no reductions
        (0 when the team has no scheme or the grade is not measured)."""
        key = post.membership.pk
        if key not in self.rooms:
            person = self.inputs.get(key)
            if person is None:
                return Decimal(0)
            own = self._score(post, person).available_points
            full = self._score(
                post, PractitionerInput("full-time", "", person.grade, FULL_TIME)
            ).available_points
            self.rooms[key] = own / full if full else Decimal(0)
        return self.rooms[key]

    def settle(
        self,
        post: Post,
        draws: list[Draw],
        new_draw: Callable[[], Draw],
        reports: tuple[ReportInput, ...] = (),
    ) -> list[Draw]:
        """Add or drop one draw at a time until the post's workload % (with its reports) crosses its load,
        then keep whichever of the last two caseloads is nearer to it.

        Each draw is its own sibling group, so a caseload's points are the points of the person with no cases
        plus each draw's case points, all from the engine; every draw is scored once, not the whole caseload
        at every step. (The presets round totals to 2 dp, so that sum is what the engine would total.)"""
        person = self.inputs.get(post.membership.pk)
        if person is None or not self.room(post):
            return []
        empty = self._score(post, dataclasses.replace(person, reports=reports))
        points = self._draw_points(post, draws)
        wanted = Decimal(str(post.load)) * 100

        def miss(draw_points: list[Decimal]) -> Decimal:
            total = empty.total_points + sum(draw_points, Decimal(0))
            return workload_percent(total, empty.available_points) - wanted

        before = miss(points)
        for _ in range(MAX_STEPS):
            if before < 0:
                draw = new_draw()
                candidate, candidate_points = [*draws, draw], [*points, *self._draw_points(post, [draw])]
            elif before > 0 and draws:
                candidate, candidate_points = draws[:-1], points[:-1]
            else:
                break
            after = miss(candidate_points)
            if after == 0 or (after < 0) != (before < 0):
                return candidate if abs(after) < abs(before) else draws
            draws, points, before = candidate, candidate_points, after
        return draws

    def _draw_points(self, post: Post, draws: list[Draw]) -> list[Decimal]:
        """The case points of each draw (a case, or a sibling group with its shares), from the engine in one
        batch: one scored person per draw."""
        grade = self.inputs[post.membership.pk].grade
        people = []
        for number, draw in enumerate(draws):
            group = "G" if draw.size > 1 else ""
            cases = tuple(
                case_input(Case(reference=f"D{child}", sibling_group=group, **draw.values))
                for child in range(draw.size)
            )
            people.append(PractitionerInput(f"draw-{number}", "", grade, FULL_TIME, cases=cases))
        results = score_practitioners(self.schemes[post.membership.pk], people, (), self.today)
        return [sum((i.points for i in r.items if i.kind == "case"), Decimal(0)) for r in results]

    def _score(self, post: Post, person: PractitionerInput) -> WorkloadResult:
        return score_practitioners(self.schemes[post.membership.pk], [person], (), self.today)[0]
