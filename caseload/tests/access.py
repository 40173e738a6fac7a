"""The role × URL access matrix: the world it runs in and how each app states its expectations.

Each app lists a `Check` for every URL name and API operation it serves, in `caseload/<app>/tests/access.py`
as `CHECKS`. `caseload/tests/test_access_matrix.py` runs every check as every role of the fixed cast and
fails when any URL or API operation has no check, so a new page cannot ship without saying who may see it.

    Check("dashboards:unit", lambda w: reverse("dashboards:unit", args=[w.org.team_b.pk]),
          expect(anonymous=302, practitioner=404, outsider=404, team_manager=404, area_manager=200,
                 senior_leader=200, admin=200, analyst=200))

An expected value may be a tuple of acceptable status codes (useful for form posts that answer 200 with
errors or 302 on success). Each role's request runs in its own savepoint, rolled back afterwards, so a POST
by one role does not change what the next one sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from caseload.cases.models import Case
from caseload.core.models import User

ROLES = (
    "anonymous",
    "practitioner",
    "outsider",
    "team_manager",
    "area_manager",
    "senior_leader",
    "admin",
    "analyst",
)

Expected = int | tuple[int, ...]


def expect(**by_role: Expected) -> dict[str, Expected]:
    """Expected status per role; every role must be named (so nobody is forgotten)."""
    missing = [r for r in ROLES if r not in by_role]
    unknown = [r for r in by_role if r not in ROLES]
    if missing or unknown:
        raise ValueError(f"expect() needs every role exactly: missing {missing}, unknown {unknown}")
    return dict(by_role)


def only(allowed: Expected, roles: tuple[str, ...], *, denied: Expected = 403, anonymous: Expected = 302):
    """`allowed` for the named roles, `denied` for every other signed-in role, `anonymous` when signed out."""
    return expect(
        **{r: (anonymous if r == "anonymous" else allowed if r in roles else denied) for r in ROLES}
    )


@dataclass(frozen=True)
class Check:
    name: str  # URL name "ns:name", or "METHOD /api/path/{param}" as in the OpenAPI schema
    path: Callable[[World], str]
    expected: dict[str, Expected]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] | None = None
    json: bool = False  # send `data` as a JSON body (API); otherwise as form fields

    @property
    def is_api(self) -> bool:
        return " /api/" in self.name


@dataclass
class World:
    """The cast's organisation measured by the probation-wmt-legacy preset, with a few cases."""

    org: Any
    users: dict[str, User]
    membership: Any  # Pat's membership in North Team A
    other_membership: Any  # Olly's membership in South Team
    team_b_membership: Any  # a practitioner in North Team B
    case: Case  # North Team A, held by Pat
    other_case: Case  # South Team, held by Olly
    unallocated_case: Case  # North Team A, nobody holds it
    team_b_case: Case  # North Team B, held by the team B practitioner
    extra: dict[str, Any] = field(default_factory=dict)


def build_world(org: Any, cast: dict[str, User]) -> World:
    """Assign the legacy scheme to the organisation, give out cases and store everyone's workload."""
    from caseload.cases.services import allocate_case
    from caseload.cases.tests.factories import CaseFactory
    from caseload.organisations.models import TeamMembership
    from caseload.organisations.tests.factories import PractitionerFactory, TeamMembershipFactory
    from caseload.schemes.models import Scheme, SchemeAssignment
    from caseload.schemes.services import install_presets
    from caseload.workloads.services import recalculate

    install_presets()
    SchemeAssignment.objects.create(
        org_unit=org.organisation,
        scheme=Scheme.objects.get(code="probation-wmt-legacy"),
        effective_from=dt.date(2024, 4, 1),
    )
    pat = cast["practitioner"].practitioner
    olly = cast["outsider"].practitioner
    bea = PractitionerFactory(staff_code="CAST-TEAMB", first_name="Bea", last_name="Bee", grade__code="PO")
    team_b_membership = TeamMembershipFactory(practitioner=bea, team=org.team_b, contracted_hours=Decimal(37))
    cases = {}
    for key, team, holder in [
        ("case", org.team, pat),
        ("other_case", org.other_team, olly),
        ("unallocated_case", org.team, None),
        ("team_b_case", org.team_b, bea),
    ]:
        case = CaseFactory(team=team, category="community", level="A3", reference=f"ACC-{key.upper()}")
        if holder is not None:
            allocate_case(case, holder, actor=None)
            case.refresh_from_db()
        cases[key] = case
    recalculate(list(TeamMembership.objects.values_list("pk", flat=True)))
    return World(
        org=org,
        users=cast,
        membership=pat.memberships.get(),
        other_membership=olly.memberships.get(),
        team_b_membership=team_b_membership,
        **cases,
    )
