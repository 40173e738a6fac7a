"""Builders for allocation tests: officers with a given number of community A3 cases (206 points each under
probation-wmt-legacy; a full-time PO has 2176 available points), and a waiting case."""

from __future__ import annotations

import datetime as dt
import uuid

from caseload.allocations.services import Choice
from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.workloads.tests.fixtures import officer


def loaded_officer(team: OrgUnit, a3_cases: int = 0, grade: str = "PO", **names: str) -> TeamMembership:
    membership = officer(team, grade=grade)
    if names:
        for key, value in names.items():
            setattr(membership.practitioner, key, value)
        membership.practitioner.save()
    for _ in range(a3_cases):
        CaseFactory(team=team, practitioner=membership.practitioner, level="A3")
    return membership


def waiting_case(team: OrgUnit, **fields: object):
    values: dict[str, object] = {"team": team, "level": "A3", "received_date": dt.date(2026, 3, 12)}
    values.update(fields)
    return CaseFactory(**values)


def choice(membership: TeamMembership, **fields: object) -> Choice:
    values: dict[str, object] = {"membership_id": membership.pk, "token": uuid.uuid4().hex}
    values.update(fields)
    return Choice(**values)  # type: ignore[arg-type]
