"""`AnyOf`: an `IN` condition, sent as one array on PostgreSQL; the same rows as `__in` on both databases."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseload.core.sql import AnyOf
from caseload.organisations.models import OrgUnit, TeamMembership
from caseload.organisations.tests.factories import TeamMembershipFactory


def test_it_keeps_the_rows_an_in_list_keeps_through_a_join_too(org):
    for team in (org.team, org.team, org.team_b, org.other_team):
        TeamMembershipFactory(team=team)
    units = list(OrgUnit.objects.values_list("pk", flat=True))
    for wanted in ([org.team.pk], [org.team.pk, org.other_team.pk, 10**9], units[:1]):
        assert set(OrgUnit.objects.filter(AnyOf("pk", wanted))) == set(OrgUnit.objects.filter(pk__in=wanted))
        by_join = TeamMembership.objects.filter(AnyOf("team__pk", iter(wanted)))  # any iterable, once
        assert set(by_join) == set(TeamMembership.objects.filter(team__pk__in=wanted))
    assert TeamMembership.objects.filter(team=org.team).count() == 2


def test_no_ids_match_nothing_and_it_combines_with_other_conditions(org):
    TeamMembershipFactory(team=org.team)
    assert not OrgUnit.objects.filter(AnyOf("pk", [])).exists()
    assert not TeamMembership.objects.filter(AnyOf("team_id", [org.team.pk]), team_id=org.team_b.pk).exists()
    assert TeamMembership.objects.exclude(AnyOf("team_id", [org.team.pk])).filter(team=org.team).count() == 0


def test_thousands_of_ids_travel_as_one_parameter_on_postgresql(org):
    every_unit = set(OrgUnit.objects.values_list("pk", flat=True))
    ids = [*every_unit, *range(10**9, 10**9 + 5000)]  # the units' own ids and thousands of others
    queryset = OrgUnit.objects.filter(AnyOf("pk", ids)).values_list("pk", flat=True)
    _, params = queryset.query.get_compiler(queryset.db).as_sql()
    assert len(params) == (1 if connection.vendor == "postgresql" else len(ids))
    with CaptureQueriesContext(connection) as queries:
        assert set(queryset) == every_unit
    assert len(queries.captured_queries) == 1
