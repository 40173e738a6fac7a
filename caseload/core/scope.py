"""The access scope: what the signed-in user may see and change (HOUSE_STYLE convention 6).

Views and API modules reach case and practitioner data only through `request.scope` (set by
`ScopeMiddleware`), never through `Case.objects` and friends; `scripts/lint_scope.py` enforces that in CI.
Records outside the scope simply do not exist for the user, so guessing an id gives 404. Whole features a
role may not use (the audit log for a practitioner, say) answer 403 via `Scope.require`.

Who sees what (docs/access.md):

- practitioner: their own memberships, workload and cases; no unit aggregates.
- team manager, area manager, senior leader: everything in and below the org units on their user record.
  A senior leader given the organisation's root sees the whole organisation.
- administrator: everything.
- analyst: aggregated figures for every unit they are given; no individual practitioners or cases.

A user with no org units (other than a practitioner) sees nothing: the scope fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from caseload.core.models import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from caseload.cases.models import CaseQuerySet
    from caseload.organisations.models import OrgUnit, OrgUnitQuerySet

MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.AREA_MANAGER, Role.SENIOR_LEADER})
# Who may change hours and reductions and allocate cases within their scope.
EDITOR_ROLES = frozenset({Role.TEAM_MANAGER, Role.AREA_MANAGER, Role.ADMINISTRATOR})


@dataclass
class Scope:
    """What one user may reach. Build it with `scope_for(user)`."""

    user: Any
    role: str
    # None: the whole organisation. Otherwise the materialised paths of the units the user oversees.
    unit_paths: tuple[str, ...] | None
    practitioner_id: int | None = None
    signed_in: bool = True

    # -- what kind of access ---------------------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return self.signed_in and self.role == Role.ADMINISTRATOR

    @property
    def sees_units(self) -> bool:
        """Whether the user may see aggregate figures for org units (everyone but practitioners)."""
        return self.signed_in and self.role != Role.PRACTITIONER

    @property
    def sees_individuals(self) -> bool:
        """Whether the user may see named practitioners and cases beyond their own (not analysts)."""
        return self.signed_in and self.role in MANAGER_ROLES | {Role.ADMINISTRATOR}

    @property
    def pseudonymised(self) -> bool:
        """Analysts see case references and names pseudonymised, and never individual workloads."""
        return self.role == Role.ANALYST

    @property
    def can_edit(self) -> bool:
        """May change contracted hours and reductions, and allocate cases, within the scope."""
        return self.signed_in and self.role in EDITOR_ROLES

    def require(self, allowed: bool, message: str = "You do not have access to this page.") -> None:
        """Raise PermissionDenied (403) unless `allowed`."""
        if not allowed:
            raise PermissionDenied(message)

    # -- the records ---------------------------------------------------------------------------------------

    def _paths_q(self, prefix: str) -> Q:
        """Rows whose unit path starts with one of the scope's paths; `prefix` leads to the path field."""
        if self.unit_paths is None:
            return Q()
        if not self.unit_paths:
            return Q(pk__in=[])
        q = Q()
        for path in self.unit_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    @cached_property
    def units(self) -> OrgUnitQuerySet:
        """Org units whose aggregate figures the user may see."""
        from caseload.organisations.models import OrgUnit

        if not self.sees_units:
            return OrgUnit.objects.none()
        return OrgUnit.objects.filter(self._paths_q(""))

    def contains_unit(self, unit: OrgUnit) -> bool:
        """Whether `unit` lies in the scope (without a query)."""
        if not self.sees_units:
            return False
        if self.unit_paths is None:
            return True
        return any(unit.path.startswith(p) for p in self.unit_paths)

    @property
    def memberships(self) -> Any:
        """Team memberships (a practitioner's place in a team, the unit of workload) the user may see
        individually."""
        from caseload.organisations.models import TeamMembership

        if self.role == Role.PRACTITIONER or not self.sees_individuals:
            if self.signed_in and self.practitioner_id is not None:
                return TeamMembership.objects.filter(practitioner_id=self.practitioner_id)
            return TeamMembership.objects.none()
        return TeamMembership.objects.filter(self._paths_q("team__"))

    @property
    def practitioners(self) -> Any:
        """Practitioners the user may see individually: those with any membership in scope."""
        from caseload.organisations.models import Practitioner

        if self.role == Role.PRACTITIONER or not self.sees_individuals:
            if self.signed_in and self.practitioner_id is not None:
                return Practitioner.objects.filter(pk=self.practitioner_id)
            return Practitioner.objects.none()
        if self.unit_paths is None:
            return Practitioner.objects.all()
        return Practitioner.objects.filter(pk__in=self.memberships.values("practitioner_id"))

    @property
    def cases(self) -> CaseQuerySet:
        """Cases the user may see individually: a practitioner's own; a manager's team cases (allocated
        or not)."""
        from caseload.cases.models import Case

        if self.role == Role.PRACTITIONER or not self.sees_individuals:
            if self.signed_in and self.practitioner_id is not None:
                return Case.objects.filter(practitioner_id=self.practitioner_id)
            return Case.objects.none()
        return Case.objects.filter(self._paths_q("team__"))

    def can_edit_membership(self, membership: Any) -> bool:
        """Whether the user may change this membership's hours or reductions (a manager within scope)."""
        if self.is_admin:
            return True
        return self.can_edit and self.contains_unit(membership.team)


def scope_for(user: Any) -> Scope:
    """The scope of a user (anonymous users get an empty one)."""
    if user is None or not user.is_authenticated:
        return Scope(user=user, role="", unit_paths=(), signed_in=False)
    role = user.role
    if role == Role.ADMINISTRATOR:
        paths: tuple[str, ...] | None = None
    elif role == Role.PRACTITIONER:
        paths = ()
    else:
        paths = _collapse(tuple(u.path for u in user.org_units.all() if u.path))
    return Scope(user=user, role=role, unit_paths=paths, practitioner_id=user.practitioner_id)


def _collapse(paths: tuple[str, ...]) -> tuple[str, ...]:
    """Drop paths already covered by another (a unit below one already in scope)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=lambda p: (len(p), p)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


class ScopeMiddleware:
    """Puts the signed-in user's scope on every request as `request.scope` (built on first use)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        from django.utils.functional import SimpleLazyObject

        request.scope = SimpleLazyObject(lambda: scope_for(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
