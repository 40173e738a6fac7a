"""A national-scale probation dataset for the database benchmarks, generated deterministically (seeded).

One organisation, 12 regions, 110 probation delivery units, 1,500 teams; 12,000 practitioners (an SPO and
case holders of mixed grades and hours in each team, 1% also working in a second team) with trainee stage
and occasional reductions (active, scheduled, archived and a few deleted); 250,000 open cases (3% waiting
for allocation) with tiers and flags, 25,000 closed ones; an allocation and an "allocated" event for each
held case; court reports and case-management-support contacts in the last 30 days. The organisation uses
probation-2022, except the last region, which uses probation-wmt-legacy.

Dates are relative to today: the same seed on the same day writes the same data. Org units go through the
organisation service (so their paths, parent history and audit entries are right); everything else is
bulk inserted in batches, a chunk of teams per transaction. Use a throwaway database:

    CASELOAD_VAR_DIR=/tmp/national uv run python manage.py migrate
    CASELOAD_VAR_DIR=/tmp/national uv run python benchmarks/national.py

or with DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseload_national (see bench_recalculation.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseload.config.settings.local")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus, EventKind  # noqa: E402
from caseload.nonprod import codes  # noqa: E402
from caseload.nonprod.names import FIRST_NAMES, LAST_NAMES  # noqa: E402
from caseload.organisations import services  # noqa: E402
from caseload.organisations.models import (  # noqa: E402
    Grade,
    OrgUnit,
    OrgUnitKind,
    Practitioner,
    Reduction,
    ReductionReason,
    TeamMembership,
)
from caseload.schemes.models import Scheme, SchemeAssignment  # noqa: E402
from caseload.schemes.services import install_presets  # noqa: E402

SEED = 20261123
ROOT_CODE = "NAT"
REGIONS, PDUS, TEAMS, PRACTITIONERS = 12, 110, 1_500, 12_000
OPEN_CASES, CLOSED_CASES = 250_000, 25_000
UNALLOCATED_SHARE = 0.03
SECOND_TEAM_SHARE = 0.01
CHUNK_TEAMS = 100  # teams per transaction
BATCH = 2_000  # rows per INSERT

# After the SPO, each team's case holders: the first five fixed, the rest drawn.
CORE_GRADES = ("PO", "PO", "PO", "PSO", "PSO")
EXTRA_GRADES = ("PO", "PO", "PSO", "PSO", "PQIP", "NQO")
HOURS = {Decimal(37): 13, Decimal(30): 2, Decimal("22.5"): 3, Decimal("18.5"): 2}
# Relative caseload per contracted hour, by grade (trainees are protected by their reductions as well).
GRADE_SHARE = {"PO": 1.0, "PSO": 1.3, "PQIP": 0.6, "NQO": 0.9}
REPORT_WRITERS = {"PO": 0.4, "NQO": 0.4, "PQIP": 0.5}  # grade -> share of court reports that are fast
CATEGORY_WEIGHTS = {"PSO": (85, 12, 3), "default": (62, 22, 16)}  # community, licence, custody
TIER_LETTER_WEIGHTS = {"PO": (6, 32, 35, 27), "PSO": (0, 5, 40, 55), "default": (2, 25, 40, 33)}
TIER_NUMBER_WEIGHTS = (15, 30, 35, 20)
# Occasional reductions: reason, percent of contracted hours, days from today it starts, days it lasts.
OCCASIONAL = (
    ("trade-union", 10, -400, None),
    ("trade-union", 20, -150, None),
    ("disability", 10, -800, None),
    ("spoc-lead", 5, -200, None),
    ("phased-return", 40, -20, 60),
    ("long-term-sickness", 100, -60, None),
    ("maternity-leave", 100, 21, 182),  # scheduled
    ("special-leave", 100, -45, 4),  # archived
)
OCCASIONAL_SHARE = 0.15
DELETED_SHARE = 0.05  # of occasional reductions, entered in error and deleted


@dataclass(eq=False)
class Post:
    membership: TeamMembership
    grade: str
    weight: float
    quota: int = 0  # open cases to hold
    held: list[Case] = field(default_factory=list)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _split(total: int, parts: int, rng: random.Random, spread: int) -> list[int]:
    """`total` split into `parts` whole numbers that differ by up to about 2 × `spread`."""
    sizes = [total // parts] * parts
    for index in range(total - sum(sizes)):
        sizes[index] += 1
    for _ in range(parts * spread):
        a, b = rng.randrange(parts), rng.randrange(parts)
        if sizes[a] > 1 and abs(sizes[a] - 1 - total // parts) <= spread:
            sizes[a] -= 1
            sizes[b] += 1
    return sizes


class NationalBuilder:
    def __init__(self, seed: int, say: Callable[[str], None]) -> None:
        self.rng = random.Random(seed)
        self.say = say
        self.today = timezone.localdate()
        self.since = dt.date(self.today.year - 6, 4, 1)
        self.zone = timezone.get_current_timezone()
        self.grades = {g.code: g for g in Grade.objects.all()}
        self.reasons = {r.code: r for r in ReductionReason.objects.all()}
        self.serial = 0
        self.case_serial = 1_000_000
        self.counts: dict[str, int] = {}

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # --- Org tree and schemes ---------------------------------------------------------------------------------

    def units(self) -> list[OrgUnit]:
        def unit(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
            return services.create_org_unit(
                actor=None,
                code=code,
                name=name,
                kind=kind,
                service="" if parent is None else codes.PROBATION,
                parent=parent,
                effective_from=self.since,
            )

        with transaction.atomic():
            root = unit(ROOT_CODE, "National Probation Service (benchmark)", OrgUnitKind.ORGANISATION, None)
            teams: list[OrgUnit] = []
            pdus_per_region = _split(PDUS, REGIONS, self.rng, 1)
            teams_per_pdu = _split(TEAMS, PDUS, self.rng, 3)
            pdu_number = 0
            regions = []
            for r, pdu_count in enumerate(pdus_per_region, start=1):
                region = unit(f"NAT-R{r:02d}", f"Region {r}", OrgUnitKind.REGION, root)
                regions.append(region)
                for _ in range(pdu_count):
                    pdu_number += 1
                    pdu = unit(f"NAT-P{pdu_number:03d}", f"PDU {pdu_number}", OrgUnitKind.PDU, region)
                    for t in range(1, teams_per_pdu[pdu_number - 1] + 1):
                        code = f"NAT-P{pdu_number:03d}-T{t:02d}"
                        teams.append(unit(code, f"Team {pdu_number}.{t}", OrgUnitKind.TEAM, pdu))
            install_presets()
            SchemeAssignment.objects.create(
                org_unit=root, scheme=Scheme.objects.get(code="probation-2022"), effective_from=self.since
            )
            SchemeAssignment.objects.create(
                org_unit=regions[-1],
                scheme=Scheme.objects.get(code="probation-wmt-legacy"),
                effective_from=self.since,
            )
        self.root = root
        self.count("org units", 1 + REGIONS + PDUS + len(teams))
        self.count("teams", len(teams))
        self.say(f"{1 + REGIONS + PDUS + len(teams):,} org units ({len(teams):,} teams); schemes assigned")
        return teams

    # --- Staff --------------------------------------------------------------------------------------------

    def staff(self, teams: list[OrgUnit]) -> list[Post]:
        """Practitioners, memberships and reductions for every team, one transaction."""
        sizes = _split(PRACTITIONERS, len(teams), self.rng, 2)
        staffed: list[tuple[OrgUnit, Practitioner, str]] = []
        for team, size in zip(teams, sizes, strict=True):
            grades = ["SPO", *CORE_GRADES[: size - 1]]
            grades += [self.rng.choice(EXTRA_GRADES) for _ in range(size - len(grades))]
            staffed += [(team, self._person(grade), grade) for grade in grades]
        with transaction.atomic():
            Practitioner.objects.bulk_create([p for _, p, _ in staffed], batch_size=BATCH)
            memberships = [
                (
                    TeamMembership(
                        practitioner=p, team=t, contracted_hours=self._hours(), start_date=self._start(p)
                    ),
                    g,
                )
                for t, p, g in staffed
            ]
            by_pdu: dict[int, list[OrgUnit]] = {}
            for team in teams:
                by_pdu.setdefault(team.parent_id, []).append(team)
            for team, person, grade in staffed:
                if grade != "SPO" and self.rng.random() < SECOND_TEAM_SHARE:
                    others = [t for t in by_pdu[team.parent_id] if t != team]
                    if others:
                        hours = self.rng.choice((Decimal("7.5"), Decimal("15")))
                        second = TeamMembership(
                            practitioner=person,
                            team=self.rng.choice(others),
                            contracted_hours=hours,
                            start_date=self.today - _days(self.rng.randint(30, 700)),
                        )
                        memberships.append((second, grade))
            # Some who moved on: an ended membership in an earlier team (not current, not measured).
            for _team, person, _grade in self.rng.sample(staffed, len(staffed) // 20):
                start = self.since + _days(self.rng.randint(0, 600))
                old = TeamMembership(
                    practitioner=person,
                    team=self.rng.choice(teams),
                    contracted_hours=Decimal(37),
                    start_date=start,
                    end_date=start + _days(self.rng.randint(90, 700)),
                )
                memberships.append((old, "ended"))
            TeamMembership.objects.bulk_create([m for m, _ in memberships], batch_size=BATCH)
            posts = [
                Post(m, g, float(m.contracted_hours) * GRADE_SHARE[g] * self.rng.uniform(0.8, 1.2))
                for m, g in memberships
                if g in GRADE_SHARE
            ]
            reductions = self._reductions(posts)
            Reduction.objects.bulk_create(reductions, batch_size=BATCH)
        self.count("practitioners", len(staffed))
        self.count("memberships (current)", sum(1 for _, g in memberships if g != "ended"))
        self.count("memberships (ended)", sum(1 for _, g in memberships if g == "ended"))
        self.count("reductions", len(reductions))
        self.say(
            f"{len(staffed):,} practitioners, {len(memberships):,} memberships, {len(reductions):,} reductions"
        )
        return posts

    def _person(self, grade: str) -> Practitioner:
        self.serial += 1
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        trainee = grade in {"PQIP", "NQO"}
        served = self.rng.randint(20, 540) if trainee else self.rng.randint(365, 7000)
        return Practitioner(
            staff_code=f"NAT{self.serial:06d}",
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{self.serial}@national.example".lower(),
            grade=self.grades[grade],
            start_date=self.today - _days(served),
        )

    def _start(self, person: Practitioner) -> dt.date:
        assert person.start_date is not None
        return max(person.start_date, self.since)

    def _hours(self) -> Decimal:
        return self.rng.choices(list(HOURS), list(HOURS.values()))[0]

    def _reductions(self, posts: list[Post]) -> list[Reduction]:
        rows = []
        for post in posts:
            m = post.membership
            if post.grade == "PQIP":
                stages = (("pqip-0-6", 0), ("pqip-6-12", 182), ("pqip-12-18", 365))
                for code, offset in stages:
                    start = m.start_date + _days(offset)
                    rows.append(self._reduction(m, code, 100, start, start + _days(181)))
            elif post.grade == "NQO":
                rows.append(self._reduction(m, "nqo", 100, m.start_date, m.start_date + _days(273)))
            elif self.rng.random() < OCCASIONAL_SHARE:
                code, percent, starts, lasts = self.rng.choice(OCCASIONAL)
                start = self.today + _days(starts)
                end = start + _days(lasts) if lasts is not None else None
                reduction = self._reduction(m, code, percent, start, end)
                reduction.is_deleted = self.rng.random() < DELETED_SHARE
                rows.append(reduction)
        return rows

    def _reduction(
        self, m: TeamMembership, code: str, percent: int, start: dt.date, end: dt.date | None
    ) -> Reduction:
        reason = self.reasons[code]
        share = (reason.default_percent or Decimal(percent)) / 100
        hours = (m.contracted_hours * share).quantize(Decimal("0.01"), ROUND_DOWN)
        return Reduction(membership=m, reason=reason, hours=hours, effective_from=start, effective_to=end)

    # --- Cases, allocations and events -----------------------------------------------------------------------

    def cases(self, teams: list[OrgUnit], posts: list[Post]) -> None:
        by_team: dict[int, list[Post]] = {}
        for post in posts:
            by_team.setdefault(post.membership.team_id, []).append(post)
        held_total = round(OPEN_CASES * (1 - UNALLOCATED_SHARE))
        weights = sum(p.weight for p in posts)
        for post in posts:
            post.quota = int(held_total * post.weight / weights)
        for post in self.rng.choices(posts, k=held_total - sum(p.quota for p in posts)):
            post.quota += 1
        unallocated = _split(OPEN_CASES - held_total, len(teams), self.rng, 2)
        closed = _split(CLOSED_CASES, len(teams), self.rng, 5)
        for start in range(0, len(teams), CHUNK_TEAMS):
            chunk = range(start, min(start + CHUNK_TEAMS, len(teams)))
            with transaction.atomic():
                self._chunk(
                    [(teams[i], by_team.get(teams[i].pk, []), unallocated[i], closed[i]) for i in chunk]
                )
            self.say(
                f"teams {chunk.start + 1:,}–{chunk.stop:,}: {self.counts.get('cases (open)', 0):,} open cases, "
                f"{self.counts.get('events', 0):,} events so far"
            )

    def _chunk(self, teams: list[tuple[OrgUnit, list[Post], int, int]]) -> None:
        cases: list[Case] = []
        closing: list[tuple[Case, Post]] = []
        for team, holders, unallocated, closed in teams:
            for post in holders:
                post.held = [self._case(team, post.grade, post) for _ in range(post.quota)]
                cases += post.held
            cases += [self._case(team, "PO", None) for _ in range(unallocated)]
            for _ in range(closed if holders else 0):
                post = self.rng.choice(holders)
                case = self._case(team, post.grade, post)
                case.status = CaseStatus.CLOSED
                case.closed_date = self.today - _days(self.rng.randint(1, 365))
                case.received_date = case.start_date = case.closed_date - _days(self.rng.randint(60, 700))
                case.expected_end_date, case.expected_release_date = case.closed_date, None
                cases.append(case)
                closing.append((case, post))
        Case.objects.bulk_create(cases, batch_size=BATCH)
        allocations, events = [], []
        for _team, holders, _, _ in teams:
            for post in holders:
                for case in post.held:
                    allocated = min(case.received_date + _days(self.rng.randint(1, 7)), self.today)
                    allocations.append(self._allocation(case, post, allocated, None))
                    events.append(self._event(case, EventKind.ALLOCATED, allocated, post))
            events += self._reports(holders) + self._contacts(holders)
        for case, post in closing:
            allocations.append(self._allocation(case, post, case.start_date, case.closed_date))
            events.append(self._event(case, EventKind.CLOSED, case.closed_date, post))
        CaseAllocation.objects.bulk_create(allocations, batch_size=BATCH)
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        self.count("cases (open)", sum(1 for c in cases if c.status == CaseStatus.ACTIVE))
        self.count("cases (open, unallocated)", sum(1 for c in cases if c.practitioner_id is None))
        self.count("cases (closed)", len(closing))
        self.count("allocations", len(allocations))
        self.count("events", len(events))

    def _case(self, team: OrgUnit, grade: str, post: Post | None) -> Case:
        rng = self.rng
        self.case_serial += rng.randint(1, 3)
        category = rng.choices(
            codes.PROBATION_CATEGORIES, CATEGORY_WEIGHTS.get(grade, CATEGORY_WEIGHTS["default"])
        )[0]
        level = self._tier(grade, category)
        received = self.today - _days(int(rng.triangular(10, 900, 120)))
        flags = self._flags(category, level)
        case = Case(
            organisation=self.root,
            reference=f"X{self.case_serial}",
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            service=codes.PROBATION,
            category=category,
            level=level,
            flags=flags,
            received_date=received,
            start_date=received,
            team=team,
            practitioner=post.membership.practitioner if post else None,
        )
        if category == "custody":
            case.expected_release_date = self.today + _days(rng.randint(14, 1100))
        elif "overdue_termination" in flags:
            case.expected_end_date = self.today - _days(rng.randint(1, 28))
        else:
            case.expected_end_date = self.today + _days(rng.randint(14, 720))
        return case

    def _tier(self, grade: str, category: str) -> str:
        if self.rng.random() < 0.015:
            return codes.UNTIERED
        weights = TIER_LETTER_WEIGHTS.get(grade, TIER_LETTER_WEIGHTS["default"])
        tier = self.rng.choices(codes.TIER_LETTERS, weights)[0]
        tier += self.rng.choices(codes.TIER_NUMBERS, TIER_NUMBER_WEIGHTS)[0]
        unsupervised = category == "community" and self.rng.random() < 0.04
        return tier + codes.UNSUPERVISED_SUFFIX if unsupervised else tier

    def _flags(self, category: str, level: str) -> list[str]:
        high_risk = {"A": 0.6, "B": 0.1}.get(level[:1], 0.005)
        rates = [("warrant", 0.02), ("young_adult", 0.06), ("high_risk", high_risk), ("inactive", 0.01)]
        if category == "community":
            rates += [("unpaid_work_only", 0.04), ("overdue_termination", 0.015)]
        return [flag for flag, rate in rates if self.rng.random() < rate]

    def _allocation(self, case: Case, post: Post, start: dt.date, end: dt.date | None) -> CaseAllocation:
        return CaseAllocation(
            case=case,
            practitioner=post.membership.practitioner,
            team=post.membership.team,
            started_at=self._at(start),
            ended_at=self._at(end) if end else None,
        )

    def _reports(self, holders: list[Post]) -> list[CaseEvent]:
        """0–3 court reports requested in the last 30 days per writer; most completed."""
        events = []
        for post in holders:
            if post.grade not in REPORT_WRITERS or not post.held:
                continue
            for _ in range(self.rng.randint(0, 3)):
                fast = self.rng.random() < REPORT_WRITERS[post.grade]
                kind = "court_fast" if fast else "court_standard"
                requested = self.today - _days(self.rng.randint(0, 29))
                completed = requested + _days(self.rng.randint(1, 3) if fast else self.rng.randint(10, 15))
                case = self.rng.choice(post.held)
                events.append(
                    self._event(case, EventKind.REPORT_REQUESTED, requested, post, report_type=kind)
                )
                if completed <= self.today:
                    events.append(
                        self._event(case, EventKind.REPORT_COMPLETED, completed, post, report_type=kind)
                    )
        return events

    def _contacts(self, holders: list[Post]) -> list[CaseEvent]:
        """Case-management-support contacts in the last 30 days, each by a colleague of the case holder."""
        holding = [p for p in holders if p.held]
        if len(holding) < 2:
            return []
        events = []
        for _ in range(self.rng.randint(20, 60)):
            holder, doer = self.rng.sample(holding, 2)
            on = self.today - _days(self.rng.randint(0, 29))
            contact = self.rng.choice(codes.CMS_CONTACT_TYPES)
            events.append(
                self._event(
                    self.rng.choice(holder.held), EventKind.CMS_CONTACT, on, doer, contact_type=contact
                )
            )
        return events

    def _event(self, case: Case, kind: str, on: dt.date, post: Post, **values: str) -> CaseEvent:
        return CaseEvent(
            case=case, kind=kind, occurred_on=on, practitioner=post.membership.practitioner, **values
        )

    def _at(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(10), tzinfo=self.zone)


def build(seed: int = SEED) -> dict[str, int]:
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"{time.perf_counter() - started:6.1f}s  {message}", flush=True)

    if OrgUnit.objects.filter(code=ROOT_CODE).exists():
        raise SystemExit(f"{ROOT_CODE} already exists: generate into an empty (throwaway) database.")
    builder = NationalBuilder(seed, say)
    teams = builder.units()
    posts = builder.staff(teams)
    builder.cases(teams, posts)
    say("done: " + ", ".join(f"{name} {n:,}" for name, n in builder.counts.items()))
    return builder.counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=SEED)
    build(parser.parse_args().seed)


if __name__ == "__main__":
    main()
