"""Factories for the organisation tree, grades, practitioners, memberships and reductions.

Grades and reduction reasons are reference data seeded by migration: their factories fetch the seeded row
by code (and only create one for a code that is not seeded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from caseload.organisations.models import (
    Grade,
    OrgUnit,
    OrgUnitKind,
    OrgUnitParentHistory,
    Practitioner,
    Reduction,
    ReductionReason,
    Responsibility,
    Service,
    TeamMembership,
)

LONG_AGO = dt.date(2020, 1, 1)


class OrgUnitFactory(DjangoModelFactory):
    """A root unit (an organisation) unless told otherwise; see `org_chain` for a whole branch."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = OrgUnitKind.ORGANISATION
    service = ""
    parent = None
    effective_from = LONG_AGO


class TeamFactory(OrgUnitFactory):
    """A probation team under a new organisation of its own."""

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = OrgUnitKind.TEAM
    service = Service.PROBATION
    parent = factory.SubFactory(OrgUnitFactory)


def org_chain(*kinds: str, service: str = Service.PROBATION, parent: OrgUnit | None = None) -> list[OrgUnit]:
    """A branch of the tree, one unit per kind, each the parent of the next, starting under `parent` (a new
    root when None). `org_chain("organisation", "division", "area", "team")[-1]` is a team three levels
    down. The first unit of a new root has no service; the rest carry `service`."""
    units: list[OrgUnit] = []
    for kind in kinds:
        above = units[-1] if units else parent
        units.append(
            OrgUnitFactory(
                kind=kind, parent=above, service="" if kind == OrgUnitKind.ORGANISATION else service
            )
        )
    return units


class OrgUnitParentHistoryFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnitParentHistory

    unit = factory.SubFactory(TeamFactory)
    parent = factory.LazyAttribute(lambda o: o.unit.parent)
    valid_from = LONG_AGO
    valid_to = None


class GradeFactory(DjangoModelFactory):
    """The seeded grade with this code (a probation officer by default)."""

    class Meta:
        model = Grade
        django_get_or_create = ("code",)

    code = "PO"
    name = factory.LazyAttribute(lambda o: f"Grade {o.code}")
    service = Service.PROBATION
    default_weekly_hours = Decimal(37)


class PractitionerFactory(DjangoModelFactory):
    class Meta:
        model = Practitioner

    staff_code = factory.Sequence(lambda n: f"S{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.staff_code.lower()}@caseload.example")
    grade = factory.SubFactory(GradeFactory)
    start_date = LONG_AGO
    leave_date = None


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    practitioner = factory.SubFactory(PractitionerFactory)
    team = factory.SubFactory(TeamFactory)
    contracted_hours = Decimal("37.00")
    start_date = LONG_AGO
    end_date = None


class ReductionReasonFactory(DjangoModelFactory):
    """The seeded reason with this code ("other" by default)."""

    class Meta:
        model = ReductionReason
        django_get_or_create = ("code",)

    code = "other"
    name = factory.LazyAttribute(lambda o: f"Reason {o.code}")
    category = "personal"


class ReductionFactory(DjangoModelFactory):
    class Meta:
        model = Reduction

    membership = factory.SubFactory(TeamMembershipFactory)
    reason = factory.SubFactory(ReductionReasonFactory)
    hours = Decimal("3.70")
    effective_from = dt.date(2026, 1, 1)
    effective_to = None
    is_deleted = False


class ResponsibilityFactory(DjangoModelFactory):
    class Meta:
        model = Responsibility

    membership = factory.SubFactory(TeamMembershipFactory)
    code = "duty_rota"
    quantity = Decimal(1)
    effective_from = dt.date(2026, 1, 1)
    effective_to = None
