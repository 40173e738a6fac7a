"""A measured organisation for the dashboard tests.

North Division uses probation-wmt-legacy (WMT points per week); South Division probation-2022 (minutes per
week), so the organisation mixes points units. Hand-checkable figures (legacy: community A3 = 206 points,
C2 = 63; a full-time PO has 2176 available points, 18.5 h has 1088):

    North Team A  Pat (37 h, A3)           206 / 2176        = 9.4669 %
                  Quinn (18.5 h, C2)        63 / 1088
                  team                     269 / 3264        = 8.2414 %
    North Team B  Robin (3 h, A3: red)     206 / 176         = 117.0455 %
    North Area                             475 / 3440        = 13.8081 %
    South Team    Olly (37 h, one case, probation-2022, minutes)
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.organisations.models import TeamMembership
from caseload.organisations.tests.factories import OrgUnitFactory
from caseload.schemes.models import Scheme, SchemeAssignment
from caseload.workloads.services import recalculate, take_snapshots
from caseload.workloads.tests.fixtures import legacy, officer  # noqa: F401 (legacy is a fixture)

TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def measured(legacy, frozen_now, practitioner_user, outsider):  # noqa: F811
    org = legacy
    SchemeAssignment.objects.create(
        org_unit=org.other_division,
        scheme=Scheme.objects.get(code="probation-2022"),
        effective_from=dt.date(2024, 4, 1),
    )
    pat = TeamMembership.objects.get(practitioner=practitioner_user.practitioner)
    quinn = officer(org.team, hours="18.5")
    quinn.practitioner.first_name, quinn.practitioner.last_name = "Quinn", "Zed"
    quinn.practitioner.save()
    robin = officer(org.team_b, hours="3")
    robin.practitioner.first_name, robin.practitioner.last_name = "Robin", "Redd"
    robin.practitioner.save()
    allocate_case(CaseFactory(team=org.team, level="A3", reference="CRN-PAT-1"), pat.practitioner, actor=None)
    allocate_case(
        CaseFactory(team=org.team, level="C2", reference="CRN-QUI-1"), quinn.practitioner, actor=None
    )
    allocate_case(
        CaseFactory(team=org.team_b, level="A3", reference="CRN-ROB-1"), robin.practitioner, actor=None
    )
    CaseFactory(team=org.team, level="C2", reference="CRN-WAIT-1")  # unallocated: counted in open cases
    allocate_case(
        CaseFactory(team=org.other_team, level="C2", reference="CRN-OLLY-1"),
        outsider.practitioner,
        actor=None,
    )
    recalculate(TeamMembership.objects.all())
    take_snapshots(TODAY - dt.timedelta(days=2))
    take_snapshots(TODAY)
    return SimpleNamespace(org=org, pat=pat, quinn=quinn, robin=robin)


def add_team_of(org, parent, n, code):
    """An extra team of `n` full-time officers below `parent` (for query-count tests)."""
    team = OrgUnitFactory(code=code, name=f"Team {code}", kind="team", parent=parent, service="probation")
    for _ in range(n):
        officer(team, hours="37")
    return team
