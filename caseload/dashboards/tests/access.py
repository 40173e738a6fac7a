"""Who may open the dashboards (see caseload/tests/access.py)."""

from django.urls import reverse

from caseload.tests.access import Check, expect

CHECKS = [
    # Practitioners have no unit figures: the home page sends them to their own workload.
    Check(
        "dashboards:home",
        lambda w: reverse("dashboards:home"),
        expect(
            anonymous=302,
            practitioner=302,
            outsider=302,
            team_manager=200,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=200,
        ),
    ),
    # A team in North Area: not Tom's team (he manages team A), within Ava's area and Sam's division.
    Check(
        "dashboards:unit",
        lambda w: reverse("dashboards:unit", args=[w.org.team_b.pk]),
        expect(
            anonymous=302,
            practitioner=404,
            outsider=404,
            team_manager=404,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=200,
        ),
    ),
    Check(
        "dashboards:search",
        lambda w: reverse("dashboards:search") + "?q=a",
        expect(
            anonymous=302,
            practitioner=200,
            outsider=200,
            team_manager=200,
            area_manager=200,
            senior_leader=200,
            admin=200,
            analyst=200,
        ),
    ),
]
