"""Shared by the workload and case event tests: the cast's organisation measured with the
`probation-wmt-legacy` preset (assigned to North Division), and probation officers to hold cases.

Hand-checkable values of that preset: community A3 = 206 points, C2 = 63, a standard court report 138 for
30 days, CMS03 = 18 points for 7 days; a full-time (37 h) PO has 2176 available points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.organisations.tests.factories import PractitionerFactory, TeamMembershipFactory
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.schemes.services import install_presets
from caseload.workloads.models import Workload


@pytest.fixture
def legacy(org):
    """The cast's organisation with North Division measured under probation-wmt-legacy."""
    install_presets()
    SchemeAssignment.objects.create(
        org_unit=org.division,
        scheme=Scheme.objects.get(code="probation-wmt-legacy"),
        effective_from=dt.date(2024, 4, 1),
    )
    return org


def officer(team: OrgUnit, hours: str = "37", grade: str = "PO") -> TeamMembership:
    return TeamMembershipFactory(
        practitioner=PractitionerFactory(grade__code=grade), team=team, contracted_hours=Decimal(hours)
    )


def stored(membership: TeamMembership) -> Workload:
    return Workload.objects.get(membership=membership)


def revisions(*memberships: TeamMembership) -> list[int | None]:
    by_id = dict(Workload.objects.values_list("membership_id", "revision"))
    return [by_id.get(m.pk) for m in memberships]
