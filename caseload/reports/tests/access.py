"""Who may open the reports: anyone who sees unit figures, for units in their scope (404 outside it);
practitioners never (403)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from caseload.tests.access import Check, expect, only

UNIT_ROLES = ("team_manager", "area_manager", "senior_leader", "admin", "analyst")


def _in_scope_of_all() -> dict[str, int | tuple[int, ...]]:
    """North Team A: inside every unit viewer's scope."""
    return only(200, UNIT_ROLES)


def _south() -> dict[str, int | tuple[int, ...]]:
    """South Team: outside the North managers' scopes."""
    return expect(
        anonymous=302,
        practitioner=403,
        outsider=403,
        team_manager=404,
        area_manager=404,
        senior_leader=404,
        admin=200,
        analyst=200,
    )


def _month(w, unit) -> str:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return reverse("reports:monthly", args=[unit.pk, today.year, today.month])


CHECKS = [
    Check("reports:home", lambda w: reverse("reports:home"), only(200, UNIT_ROLES)),
    Check("reports:equity", lambda w: reverse("reports:equity", args=[w.org.team.pk]), _in_scope_of_all()),
    Check("reports:equity", lambda w: reverse("reports:equity", args=[w.org.other_team.pk]), _south()),
    Check(
        "reports:equity",
        lambda w: reverse("reports:equity", args=[w.org.team.pk]) + "?download=comparison&format=xlsx",
        _in_scope_of_all(),
    ),
    Check(
        "reports:performance",
        lambda w: reverse("reports:performance", args=[w.org.team.pk]),
        _in_scope_of_all(),
    ),
    Check(
        "reports:performance", lambda w: reverse("reports:performance", args=[w.org.other_team.pk]), _south()
    ),
    Check(
        "reports:performance",
        lambda w: reverse("reports:performance", args=[w.org.team.pk]) + "?download=trend&format=csv",
        _in_scope_of_all(),
    ),
    Check("reports:monthly", lambda w: _month(w, w.org.team), _in_scope_of_all()),
    Check("reports:monthly", lambda w: _month(w, w.org.other_team), _south()),
    Check("reports:monthly", lambda w: _month(w, w.org.team) + "?format=xlsx", _in_scope_of_all()),
]
