"""A measured North Division for the report tests: three officers in North Team A and one in North Team B,
with community A3 cases (206 points each under probation-wmt-legacy; a 37-hour PO has 2176 available)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.models import TeamMembership
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import legacy, officer  # noqa: F401 - the fixture is used by name


@dataclass
class Measured:
    org: object
    a_light: TeamMembership  # 5 cases: 1030 / 2176 = 47.33 %
    a_full: TeamMembership  # 10 cases: 2060 / 2176 = 94.67 %
    a_over: TeamMembership  # 12 cases: 2472 / 2176 = 113.60 % (red: over 110 %)
    b_over: TeamMembership  # team B, 12 cases: 113.60 % (red)


def give_cases(membership: TeamMembership, count: int, **fields: object) -> list:
    return [
        CaseFactory(
            team=membership.team,
            practitioner=membership.practitioner,
            category="community",
            level="A3",
            **fields,
        )
        for _ in range(count)
    ]


@pytest.fixture
def measured(legacy, frozen_now) -> Measured:  # noqa: F811
    org = legacy
    members = Measured(org, officer(org.team), officer(org.team), officer(org.team), officer(org.team_b))
    for membership, count in [
        (members.a_light, 5),
        (members.a_full, 10),
        (members.a_over, 12),
        (members.b_over, 12),
    ]:
        membership.start_date = dt.date(2025, 1, 1)
        membership.save()
        give_cases(membership, count)
    recalculate([members.a_light, members.a_full, members.a_over, members.b_over])
    return members
