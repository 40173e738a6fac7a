"""The demo's recent past, so that trend charts, well-being checks and supervision compliance have
something to show: weekly workload snapshots for the last eight weeks (recomputed from the demo's own case
history), agreed caseloads for some practitioners, supervision sessions, and a query raised by the demo
practitioner. Everything goes through the product's services, so their rules, audit and history apply."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from caseload.core.models import User
from caseload.organisations.models import TeamMembership
from caseload.supervision.models import SupervisionKind
from caseload.supervision.services import confirm_agreement, record_agreement, record_supervision
from caseload.wellbeing.services import flag_item
from caseload.workloads.services import recompute_snapshots

HISTORY_WEEKS = 8  # the longest sustained-overload rule in the shipped schemes looks back 8 weeks


def build_history(rng: random.Random, today: dt.date, say: Callable[[str], None]) -> None:
    for weeks in range(HISTORY_WEEKS, 0, -1):
        day = today - dt.timedelta(weeks=weeks)
        recompute_snapshots(day, day)
    say(f"{HISTORY_WEEKS} weeks of workload snapshots")
    memberships = list(
        TeamMembership.objects.current(today).select_related("practitioner__grade", "team").order_by("pk")
    )
    manager = User.objects.filter(username="demo-team-manager").first()
    agreements = 0
    for membership in memberships:
        if rng.random() < 0.4:
            _agree(rng, membership, today, manager)
            agreements += 1
        _supervise(rng, membership, today, manager)
    say(f"{agreements} agreed caseloads and six months of supervision records")
    practitioner = User.objects.filter(username="demo-practitioner").select_related("practitioner").first()
    if practitioner is not None and practitioner.practitioner is not None:
        membership = practitioner.practitioner.memberships.current(today).first()
        case = practitioner.practitioner.cases.order_by("reference").first()
        if membership is not None and case is not None:
            flag_item(
                membership,
                kind="case",
                reference=case.reference,
                note="This case was transferred out last week, so it should not count any more.",
                actor=practitioner,
            )
            say("a 'this looks wrong' query from the demo practitioner")


def _agree(rng: random.Random, membership: TeamMembership, today: dt.date, manager: User | None) -> None:
    newly_qualified = membership.practitioner.grade.newly_qualified
    agreement = record_agreement(
        membership=membership,
        agreed_on=today - dt.timedelta(days=rng.randint(20, 150)),
        expected_min_percent=Decimal(80 if newly_qualified else 85),
        expected_max_percent=Decimal(90 if newly_qualified else 100),
        review_date=today + dt.timedelta(days=rng.randint(-10, 120)),
        development_percent=Decimal(10 if newly_qualified else 0),
        no_sole_cp_or_court=newly_qualified,
        protected_notes="Protected development time in the first year." if newly_qualified else "",
        actor=manager,
    )
    if rng.random() < 0.7:
        confirm_agreement(agreement, party="practitioner", actor=None)


def _supervise(rng: random.Random, membership: TeamMembership, today: dt.date, manager: User | None) -> None:
    day = today - dt.timedelta(days=180 - rng.randint(0, 20))
    while day <= today:
        record_supervision(
            membership=membership,
            held_on=day,
            duration_minutes=rng.choice([45, 60, 60, 90]),
            kind=rng.choice([SupervisionKind.FORMAL, SupervisionKind.FORMAL, SupervisionKind.REFLECTIVE]),
            extra_hours=Decimal(rng.choice([0, 0, 1, 2, 4])) if rng.random() < 0.5 else None,
            actor=manager,
        )
        day += dt.timedelta(days=rng.choice([21, 28, 28, 35, 49]))
