"""The demo organisation: a fictional partnership of probation, children's services and adult community
care, with staff, hours, reductions, about 5,000 cases and one demo user per role.

`build_demo()` is deterministic: the same seed on the same day builds the same organisation. Dates are
relative to today so the demo always looks current. Staff and cases are bulk inserted for speed; the
few org units and reductions go through the organisation services, so their rules and history apply. The
recent past (snapshots, agreements, supervision) comes from `demo_history`."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, fields
from typing import NamedTuple, TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus
from caseload.core.models import Role, User
from caseload.nonprod import codes
from caseload.nonprod.demo_cases import CaseBuilder, Post
from caseload.nonprod.demo_history import build_history
from caseload.nonprod.demo_sizing import Sizer
from caseload.nonprod.demo_staff import StaffBuilder, build_reductions, build_responsibilities, in_two_teams
from caseload.organisations import services
from caseload.organisations.models import (
    OrgUnit,
    OrgUnitKind,
    Practitioner,
    Reduction,
    TeamMembership,
)
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.schemes.services import install_presets

ROOT_CODE = "NSP"
DEFAULT_DEMO_PASSWORD = "caseload-demo-2026"  # noqa: S105 - a published demo password, never production
DEMO_PASSWORD: str = getattr(settings, "DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    description: str

    @property
    def role_label(self) -> str:
        return str(self.role.label)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("demo-practitioner", Role.PRACTITIONER, "A probation officer in Ashby North team."),
    DemoUser("demo-team-manager", Role.TEAM_MANAGER, "The senior probation officer managing Ashby North."),
    DemoUser("demo-area-manager", Role.AREA_MANAGER, "Head of Ashby and Brook PDU (four teams)."),
    DemoUser("demo-senior-leader", Role.SENIOR_LEADER, "Director over the whole partnership."),
    DemoUser("demo-admin", Role.ADMINISTRATOR, "Administrator: schemes, imports, people and settings."),
    DemoUser("demo-analyst", Role.ANALYST, "Analyst: reports and exports across the partnership."),
)


# --- The organisation tree ---------------------------------------------------------------------------------


class UnitSpec(NamedTuple):
    code: str
    name: str
    kind: str
    service: str = ""
    children: tuple[UnitSpec, ...] = ()


def _teams(service: str, *names: tuple[str, str]) -> tuple[UnitSpec, ...]:
    return tuple(UnitSpec(code, name, OrgUnitKind.TEAM, service) for code, name in names)


P, C, A = codes.PROBATION, codes.CHILDREN, codes.ADULT
# fmt: off
TREE = UnitSpec(
    ROOT_CODE,
    "Northshire Council and Probation Partnership",
    OrgUnitKind.ORGANISATION,
    children=(
        UnitSpec("NSP-PRB", "Northshire Probation Region", OrgUnitKind.REGION, P, children=(
            UnitSpec("NSP-AB", "Ashby and Brook PDU", OrgUnitKind.PDU, P, children=_teams(
                P, ("NSP-AB-1", "Ashby North"), ("NSP-AB-2", "Ashby South"),
                ("NSP-AB-3", "Brookfield"), ("NSP-AB-4", "Calder"),
            )),
            UnitSpec("NSP-DE", "Dunmore and Eastwick PDU", OrgUnitKind.PDU, P, children=_teams(
                P, ("NSP-DE-1", "Dunmore Central"), ("NSP-DE-2", "Dunmore East"),
                ("NSP-DE-3", "Eastwick"), ("NSP-DE-4", "Fairhaven"),
            )),
        )),
        UnitSpec("NSP-CS", "Children's Services", OrgUnitKind.DIVISION, C, children=(
            UnitSpec("NSP-FS", "Family Safeguarding Service", OrgUnitKind.AREA, C, children=_teams(
                C, ("NSP-FS-1", "Family Safeguarding North"), ("NSP-FS-2", "Family Safeguarding Central"),
                ("NSP-FS-3", "Family Safeguarding South"),
            )),
        )),
        UnitSpec("NSP-AC", "Adult Community Care", OrgUnitKind.DIVISION, A, children=(
            UnitSpec("NSP-CC", "Community Care Service", OrgUnitKind.AREA, A, children=_teams(
                A, ("NSP-CC-1", "Community Care East"), ("NSP-CC-2", "Community Care West"),
                ("NSP-CC-3", "Community Care Rural"),
            )),
        )),
    ),
)
# fmt: on


def _create_units(spec: UnitSpec, parent: OrgUnit | None, since: dt.date) -> list[OrgUnit]:
    unit = services.create_org_unit(
        actor=None,
        code=spec.code,
        name=spec.name,
        kind=spec.kind,
        service=spec.service,
        parent=parent,
        effective_from=since,
    )
    return [unit, *(u for child in spec.children for u in _create_units(child, unit, since))]


# --- Users ---------------------------------------------------------------------------------------------------


def _build_users(units: dict[str, OrgUnit], posts: list[Post]) -> None:
    team = units["NSP-AB-1"]
    two_team = in_two_teams(posts)
    practitioner = next(
        p.practitioner
        for p in posts
        if p.team == team and p.grade == "PO" and p.practitioner.pk not in two_team
    )
    manager = next(p.practitioner for p in posts if p.team == team and p.grade == "SPO")
    people = {"demo-practitioner": practitioner, "demo-team-manager": manager}
    scope = {"demo-team-manager": [team], "demo-area-manager": [units["NSP-AB"]]}
    for demo in DEMO_USERS:
        person = people.get(demo.username)
        user = User.objects.create_user(
            demo.username,
            email=f"{demo.username}@northshire.example",
            password=DEMO_PASSWORD,
            role=demo.role,
            practitioner=person,
            first_name=person.first_name if person else "Demo",
            last_name=person.last_name if person else demo.role_label,
            is_staff=demo.role == Role.ADMINISTRATOR,
            is_superuser=demo.role == Role.ADMINISTRATOR,
        )
        if demo.role != Role.PRACTITIONER:
            user.org_units.set(scope.get(demo.username, [units[ROOT_CODE]]))


# --- Putting it together -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    org_units: int
    teams: int
    practitioners: int
    memberships: int
    reductions: int
    cases: int
    open_cases: int
    unallocated_cases: int
    closed_cases: int
    allocations: int
    events: int
    users: int

    def __str__(self) -> str:
        return ", ".join(f"{f.name.replace('_', ' ')}: {getattr(self, f.name):,}" for f in fields(self))


def build_demo(seed: int = 2026, stdout: TextIO | None = None) -> DemoSummary:
    """Build the demo organisation in one transaction. Fails on the unique codes if it already exists:
    call `remove_demo()` first to rebuild it."""
    rng = random.Random(seed)
    today = timezone.localdate()
    since = dt.date(today.year - 5, 4, 1)
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(f"{time.perf_counter() - started:5.1f}s  {message}\n")

    with transaction.atomic():
        units = {u.code: u for u in _create_units(TREE, None, since)}
        _assign_schemes(units, since)
        teams = [u for u in units.values() if u.kind == OrgUnitKind.TEAM]
        say(f"{len(units)} organisation units")
        posts = StaffBuilder(rng, today, since).build(teams)
        say(f"{len({p.practitioner.pk for p in posts})} practitioners in {len(posts)} team memberships")
        build_reductions(rng, posts, today)
        build_responsibilities(rng, posts, today)
        say("reductions and extra responsibilities")
        CaseBuilder(rng, units[ROOT_CODE], today, Sizer(posts, today)).build(posts)
        say("cases, allocations and events")
        _build_users(units, posts)
        say(f"{len(DEMO_USERS)} demo users")
        build_history(rng, today, say)
        return summarise(units[ROOT_CODE])


# Which shipped scheme each division of the demo uses.
DEMO_SCHEMES = {"NSP-PRB": "probation-2022", "NSP-CS": "children-services", "NSP-AC": "adult-community-care"}


def _assign_schemes(units: dict[str, OrgUnit], since: dt.date) -> None:
    """Install the scheme presets if needed and give each division its scheme."""
    install_presets()
    for code, scheme_code in DEMO_SCHEMES.items():
        SchemeAssignment.objects.create(
            org_unit=units[code], scheme=Scheme.objects.get(code=scheme_code), effective_from=since
        )


def summarise(root: OrgUnit) -> DemoSummary:
    """What the demo organisation holds now."""
    units = OrgUnit.objects.within(root)
    memberships = TeamMembership.objects.filter(team__in=units)
    cases = Case.objects.filter(organisation=root)
    return DemoSummary(
        org_units=units.count(),
        teams=units.teams().count(),
        practitioners=memberships.values("practitioner").distinct().count(),
        memberships=memberships.count(),
        reductions=Reduction.objects.filter(membership__in=memberships).count(),
        cases=cases.count(),
        open_cases=cases.open().count(),
        unallocated_cases=cases.unallocated().count(),
        closed_cases=cases.filter(status=CaseStatus.CLOSED).count(),
        allocations=CaseAllocation.objects.filter(case__in=cases).count(),
        events=CaseEvent.objects.filter(case__in=cases).count(),
        users=User.objects.filter(username__in=[u.username for u in DEMO_USERS]).count(),
    )


@transaction.atomic
def remove_demo() -> bool:
    """Delete the demo organisation, its people, cases and demo users. False when there was none."""
    root = OrgUnit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return False
    units = OrgUnit.objects.within(root)
    _remove_records_of(units)
    Case.objects.filter(organisation=root).delete()
    SchemeAssignment.objects.filter(org_unit__in=units).delete()
    User.objects.filter(username__in=[u.username for u in DEMO_USERS]).delete()
    staff = list(TeamMembership.objects.filter(team__in=units).values_list("practitioner", flat=True))
    Practitioner.objects.filter(pk__in=staff).delete()
    for depth in sorted(set(units.values_list("depth", flat=True)), reverse=True):
        units.filter(depth=depth).delete()  # children before parents: the parent link protects
    return True


def _remove_records_of(units: object) -> None:
    """Delete the demo's allocation, well-being and supervision records first: they protect the people,
    memberships and units they are about."""
    from caseload.allocations.models import AllocationDecision, ApprovalRequest
    from caseload.notifications.models import Notification
    from caseload.supervision.models import Agreement, SupervisionRecord
    from caseload.wellbeing.models import CaseloadConcern, ItemQuery, WellbeingAlert

    memberships = TeamMembership.objects.filter(team__in=units)
    ApprovalRequest.objects.filter(membership__in=memberships).delete()
    AllocationDecision.objects.filter(membership__in=memberships).delete()
    for model in (ItemQuery, CaseloadConcern, WellbeingAlert, SupervisionRecord):
        model.objects.filter(membership__in=memberships).delete()
    Agreement.objects.filter(membership__in=memberships).update(superseded_by=None)
    Agreement.objects.filter(membership__in=memberships).delete()
    Notification.objects.filter(user__username__in=[u.username for u in DEMO_USERS]).delete()
