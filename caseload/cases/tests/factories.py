"""Factories for cases, their allocation history and their events."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus, EventKind
from caseload.organisations.models import OrgUnit
from caseload.organisations.tests.factories import PractitionerFactory, TeamFactory


def root_of(unit: OrgUnit) -> OrgUnit:
    """The organisation a unit belongs to: the first of its ancestors, or itself when it is a root."""
    ancestors = unit.ancestors()
    return ancestors[0] if ancestors else unit


def at_ten(day: dt.date) -> dt.datetime:
    """10:00 local time on a day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


class CaseFactory(DjangoModelFactory):
    """An open, unallocated probation community case in a new team. Pass `practitioner` for a held case
    (and add a CaseAllocationFactory for its history)."""

    class Meta:
        model = Case

    team = factory.SubFactory(TeamFactory)
    organisation = factory.LazyAttribute(lambda o: root_of(o.team))
    reference = factory.Sequence(lambda n: f"X{n:06d}")
    name = factory.Faker("name")
    service = "probation"
    category = "community"
    level = "C2"
    status = CaseStatus.ACTIVE
    flags = factory.LazyFunction(list)
    received_date = dt.date(2026, 1, 5)
    practitioner = None

    class Params:
        closed = factory.Trait(status=CaseStatus.CLOSED, closed_date=dt.date(2026, 2, 27))


class CaseAllocationFactory(DjangoModelFactory):
    """An open allocation of the case to a practitioner, in the case's team."""

    class Meta:
        model = CaseAllocation

    case = factory.SubFactory(CaseFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    team = factory.LazyAttribute(lambda o: o.case.team)
    started_at = factory.LazyFunction(lambda: at_ten(dt.date(2026, 1, 6)))
    ended_at = None


class CaseEventFactory(DjangoModelFactory):
    """A plain contact; the `report` and `cms` traits make the two kinds that need more fields."""

    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = EventKind.CONTACT
    occurred_on = dt.date(2026, 2, 2)
    practitioner = None

    class Params:
        report = factory.Trait(kind=EventKind.REPORT_REQUESTED, report_type="court_standard")
        cms = factory.Trait(
            kind=EventKind.CMS_CONTACT,
            contact_type="CMS01",
            practitioner=factory.SubFactory(PractitionerFactory),
        )
