"""Shared fixtures: one small organisation and a fixed cast of users, and the clock.

The cast (HOUSE_STYLE convention 10) — every permission test uses these same people:

    org.organisation  "Test Organisation"
    ├── org.division  "North Division"            senior_leader oversees it
    │   └── org.area  "North Area"                area_manager oversees it
    │       ├── org.team      "North Team A"      practitioner_user works here; team_manager manages it
    │       └── org.team_b    "North Team B"      a neighbouring team in the same area
    └── org.other_division  "South Division"
        └── org.other_team  "South Team"          outsider works here

admin_user (administrator, staff and superuser) and analyst have the whole organisation. Users who only
carry a caseload (practitioner_user, outsider) have a practitioner record and no org units: org units are
what a user manages or oversees.

Time: tests that depend on today freeze the clock. Either take the `frozen_now` fixture (the clock stands
at FROZEN_NOW) or mark the test with time-machine's own marker for another moment:

    @pytest.mark.time_machine(dt.datetime(2026, 4, 1, 9, tzinfo=LONDON), tick=False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from caseload.core.models import Role, User
from caseload.core.tests.factories import UserFactory
from caseload.organisations.models import OrgUnit, OrgUnitKind, Practitioner, Service
from caseload.organisations.tests.factories import OrgUnitFactory, PractitionerFactory, TeamMembershipFactory

pytest_plugins = ["caseload.notifications.testing"]

LONDON = ZoneInfo("Europe/London")
FROZEN_NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)  # a Monday morning


@dataclass(frozen=True)
class Org:
    organisation: OrgUnit
    division: OrgUnit
    area: OrgUnit
    team: OrgUnit
    team_b: OrgUnit
    other_division: OrgUnit
    other_team: OrgUnit


@pytest.fixture
def org(db: None) -> Org:
    """The small organisation tree the cast works in (see the module docstring)."""

    def unit(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
        service = "" if parent is None else Service.PROBATION
        return OrgUnitFactory(code=code, name=name, kind=kind, parent=parent, service=service)

    organisation = unit("ORG", "Test Organisation", OrgUnitKind.ORGANISATION, None)
    division = unit("NORTH", "North Division", OrgUnitKind.DIVISION, organisation)
    area = unit("NORTH-AREA", "North Area", OrgUnitKind.AREA, division)
    other_division = unit("SOUTH", "South Division", OrgUnitKind.DIVISION, organisation)
    return Org(
        organisation=organisation,
        division=division,
        area=area,
        team=unit("NORTH-A", "North Team A", OrgUnitKind.TEAM, area),
        team_b=unit("NORTH-B", "North Team B", OrgUnitKind.TEAM, area),
        other_division=other_division,
        other_team=unit("SOUTH-T", "South Team", OrgUnitKind.TEAM, other_division),
    )


def _practitioner_in(team: OrgUnit, staff_code: str, first_name: str, last_name: str) -> Practitioner:
    practitioner = PractitionerFactory(staff_code=staff_code, first_name=first_name, last_name=last_name)
    TeamMembershipFactory(practitioner=practitioner, team=team, contracted_hours=Decimal(37))
    return practitioner


@pytest.fixture
def practitioner_user(org: Org) -> User:
    """Pat Practitioner, a probation officer (37 h) in North Team A."""
    practitioner = _practitioner_in(org.team, "CAST-PRAC", "Pat", "Practitioner")
    return UserFactory(
        username="practitioner", first_name="Pat", last_name="Practitioner", practitioner=practitioner
    )


@pytest.fixture
def team_manager(org: Org) -> User:
    """Tom Manager, who manages North Team A."""
    return UserFactory(
        username="team-manager",
        first_name="Tom",
        last_name="Manager",
        role=Role.TEAM_MANAGER,
        org_units=[org.team],
    )


@pytest.fixture
def area_manager(org: Org) -> User:
    """Ava Manager, who manages North Area (both North teams)."""
    return UserFactory(
        username="area-manager",
        first_name="Ava",
        last_name="Manager",
        role=Role.AREA_MANAGER,
        org_units=[org.area],
    )


@pytest.fixture
def senior_leader(org: Org) -> User:
    """Sam Leader, who leads North Division (but not South Division)."""
    return UserFactory(
        username="senior-leader",
        first_name="Sam",
        last_name="Leader",
        role=Role.SENIOR_LEADER,
        org_units=[org.division],
    )


@pytest.fixture
def admin_user(org: Org) -> User:
    """Ada Admin, administrator of the whole organisation, also Django staff and superuser. Replaces
    pytest-django's `admin_user`, so `admin_client` signs in as her."""
    return UserFactory(
        username="admin",
        first_name="Ada",
        last_name="Admin",
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
        org_units=[org.organisation],
    )


@pytest.fixture
def analyst(org: Org) -> User:
    """Ana Lyst, who reports on the whole organisation."""
    return UserFactory(
        username="analyst",
        first_name="Ana",
        last_name="Lyst",
        role=Role.ANALYST,
        org_units=[org.organisation],
    )


@pytest.fixture
def outsider(org: Org) -> User:
    """Olly Outsider, a practitioner in South Team: in the organisation, outside everyone's North scope."""
    practitioner = _practitioner_in(org.other_team, "CAST-OUT", "Olly", "Outsider")
    return UserFactory(
        username="outsider", first_name="Olly", last_name="Outsider", practitioner=practitioner
    )


@pytest.fixture
def frozen_now(time_machine) -> dt.datetime:
    """Stop the clock at FROZEN_NOW for the test; returns that moment. `time_machine.move_to()` moves it."""
    time_machine.move_to(FROZEN_NOW, tick=False)
    return FROZEN_NOW


@pytest.fixture
def db_refuses() -> Callable[[str], AbstractContextManager[None]]:
    """`with db_refuses("constraint_name"): <write>` expects the database to reject the write with an
    IntegrityError whose message matches the pattern. The write runs in its own savepoint, so the test
    can carry on afterwards. (SQLite names the columns of a failed unique index, not the index.)"""

    @contextmanager
    def refuses(pattern: str) -> Iterator[None]:
        with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
            yield

    return refuses
