"""Single sign-on with OpenID Connect: who the identity provider says someone is, as a Caseload user.

Switched on by OIDC_RP_CLIENT_ID and the provider's endpoints in the environment (docs/security.md). At every
single sign-on the user's role and org units are set from their claims, so the identity provider stays the
source of truth:

- role: the first entry of OIDC_ROLE_MAP (`group=role,...`, in the order written) whose group is in the
  OIDC_GROUPS_CLAIM claim. No matching group gives a practitioner with no org units.
- org units: the org unit codes listed in the OIDC_UNITS_CLAIM claim (unknown codes are ignored).
  Practitioners have none (org units are what a user manages or oversees).
- practitioner record: the one whose staff code is in the OIDC_STAFF_CODE_CLAIM claim, otherwise the one
  practitioner with the user's email address, unless that record belongs to another user already.

Each change to a user made this way is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from caseload.core import audit
from caseload.core.models import AuditEntry, Role, User

log = logging.getLogger(__name__)

AUDITED_FIELDS = [
    "username",
    "email",
    "first_name",
    "last_name",
    "role",
    "is_staff",
    "is_superuser",
    "practitioner",
]


@dataclass(frozen=True)
class ClaimMapping:
    """What a set of claims means in Caseload."""

    role: str
    unit_codes: tuple[str, ...]
    staff_code: str
    email: str


def role_map(raw: Mapping[str, str]) -> dict[str, str]:
    """Check OIDC_ROLE_MAP: every value must be one of Caseload's roles."""
    unknown = sorted({role for role in raw.values() if role not in Role.values})
    if unknown:
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP names unknown roles {unknown}; use {', '.join(Role.values)}."
        )
    return dict(raw)


def _as_list(value: Any) -> list[str]:
    """A claim as a list of strings: providers send either a JSON list or one comma-separated string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def map_claims(
    claims: Mapping[str, Any],
    *,
    roles: Mapping[str, str],
    groups_claim: str,
    units_claim: str,
    staff_code_claim: str,
) -> ClaimMapping:
    """Role, org unit codes, staff code and email from a provider's claims (see the module docstring)."""
    groups = set(_as_list(claims.get(groups_claim)))
    role = next((r for group, r in roles.items() if group in groups), Role.PRACTITIONER)
    units = () if role == Role.PRACTITIONER else tuple(dict.fromkeys(_as_list(claims.get(units_claim))))
    staff_code = str(claims.get(staff_code_claim) or "").strip()
    return ClaimMapping(
        role=str(role), unit_codes=units, staff_code=staff_code, email=str(claims.get("email") or "").strip()
    )


def mapping_from_settings(claims: Mapping[str, Any]) -> ClaimMapping:
    return map_claims(
        claims,
        roles=role_map(settings.OIDC_ROLE_MAP),
        groups_claim=settings.OIDC_GROUPS_CLAIM,
        units_claim=settings.OIDC_UNITS_CLAIM,
        staff_code_claim=settings.OIDC_STAFF_CODE_CLAIM,
    )


def _state(user: User) -> dict[str, Any]:
    data = audit.snapshot(user, fields=AUDITED_FIELDS)
    data["org_units"] = sorted(user.org_units.values_list("code", flat=True))
    return data


def _find_practitioner(mapping: ClaimMapping, user: User) -> Any:
    from caseload.organisations.models import Practitioner

    candidates = Practitioner.objects.none()
    if mapping.staff_code:
        candidates = Practitioner.objects.filter(staff_code=mapping.staff_code)
    elif mapping.email:
        candidates = Practitioner.objects.filter(email__iexact=mapping.email)
    found = list(candidates[:2])
    if len(found) != 1:
        return None
    practitioner = found[0]
    holder = User.objects.filter(practitioner=practitioner).exclude(pk=user.pk).first()
    if holder is not None:
        log.warning("Single sign-on: practitioner %s already belongs to user %s", practitioner, holder)
        return None
    return practitioner


def apply_claims(user: User, claims: Mapping[str, Any], *, created: bool = False) -> User:
    """Set a user's name, role, org units and practitioner record from their claims, and audit the change."""
    from caseload.organisations.models import OrgUnit

    mapping = mapping_from_settings(claims)
    with transaction.atomic():
        before = None if created else _state(user)
        user.role = mapping.role
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        if mapping.email:
            user.email = mapping.email
        practitioner = _find_practitioner(mapping, user)
        if practitioner is not None:
            user.practitioner = practitioner
        user.save()
        units = list(OrgUnit.objects.filter(code__in=mapping.unit_codes))
        missing = set(mapping.unit_codes) - {u.code for u in units}
        if missing:
            log.warning("Single sign-on for %s: no org units with codes %s", user.username, sorted(missing))
        user.org_units.set(units)
        after = _state(user)
        if before != after:
            action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
            audit.record(action, user, actor=None, before=before, after=after, note="From single sign-on")
    return user


class CaseloadOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, creating and updating users from their claims as described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_map(settings.OIDC_ROLE_MAP)  # fail early on a mistyped role

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User.objects.create_user(self._free_username(claims), email=claims.get("email", ""))
        return apply_claims(user, claims, created=True)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return apply_claims(user, claims)

    def _free_username(self, claims: Mapping[str, Any]) -> str:
        """The provider's username for the person (or their email), made unique: an existing local account
        with the same username but a different email is someone else."""
        base = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or "").strip()[:140]
        base = base or self.get_username(claims)
        candidate, n = base, 1
        while User.objects.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def urlpatterns(*, force: bool = False) -> list[Any]:
    """The single sign-on URLs (in the `core` namespace), or none when single sign-on is off (`force` is for
    tests that switch it on after start-up)."""
    if not (force or settings.OIDC_ENABLED):
        return []
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

    return [
        path("sso/start/", OIDCAuthenticationRequestView.as_view(), name="oidc-start"),
        path("sso/callback/", OIDCAuthenticationCallbackView.as_view(), name="oidc-callback"),
    ]
