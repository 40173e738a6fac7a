"""Single sign-on: claims mapped to role, org units and practitioner record (fake claims, no network), and
single sign-on switched on only by the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from caseload.core.models import AuditEntry, Role, User
from caseload.core.oidc import CaseloadOIDCBackend, apply_claims, map_claims, role_map
from caseload.core.tests.factories import UserFactory
from caseload.organisations.tests.factories import PractitionerFactory

ROLES = {
    "caseload-admins": Role.ADMINISTRATOR,
    "caseload-tm": Role.TEAM_MANAGER,
    "caseload-am": Role.AREA_MANAGER,
}


def _map(claims: dict) -> object:
    return map_claims(
        claims, roles=ROLES, groups_claim="groups", units_claim="org_units", staff_code_claim="staff_code"
    )


# -- the mapping, without a database ---------------------------------------------------------------------


def test_a_mapped_group_gives_its_role_and_the_listed_units():
    mapping = _map({"email": "tom@example.org", "groups": ["staff", "caseload-tm"], "org_units": ["NORTH-A"]})
    assert mapping.role == Role.TEAM_MANAGER
    assert mapping.unit_codes == ("NORTH-A",)
    assert mapping.email == "tom@example.org"


def test_the_first_group_in_the_map_wins():
    mapping = _map({"groups": ["caseload-tm", "caseload-admins"]})
    assert mapping.role == Role.ADMINISTRATOR  # caseload-admins comes first in the map


def test_no_known_group_gives_a_practitioner_with_no_units():
    mapping = _map({"groups": ["finance"], "org_units": ["NORTH-A", "SOUTH-T"]})
    assert mapping.role == Role.PRACTITIONER
    assert mapping.unit_codes == ()


def test_claims_may_be_comma_separated_strings():
    mapping = _map(
        {"groups": "staff, caseload-am", "org_units": "NORTH-AREA, NORTH-AREA,SOUTH", "staff_code": " P1 "}
    )
    assert mapping.role == Role.AREA_MANAGER
    assert mapping.unit_codes == ("NORTH-AREA", "SOUTH")
    assert mapping.staff_code == "P1"


def test_a_role_map_naming_an_unknown_role_is_refused():
    with pytest.raises(ImproperlyConfigured, match="unknown roles"):
        role_map({"caseload-admins": "superhero"})


# -- applying claims to users ------------------------------------------------------------------------------


@pytest.fixture
def oidc_settings(settings):
    settings.OIDC_ROLE_MAP = {"caseload-admins": "administrator", "caseload-tm": "team_manager"}
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_UNITS_CLAIM = "org_units"
    settings.OIDC_STAFF_CODE_CLAIM = "staff_code"
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_RP_CLIENT_ID = "caseload"
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.org/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    return settings


def _sign_in_with(claims: dict, monkeypatch) -> User | None:
    """Run the backend's user lookup/creation with these claims in place of the provider's answer."""
    backend = CaseloadOIDCBackend()
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: claims)
    return backend.get_or_create_user("access-token", "id-token", {})


def test_a_new_team_manager_is_created_with_role_and_units(db, org, oidc_settings, monkeypatch):
    claims = {
        "email": "tom.new@example.org",
        "preferred_username": "tom.new",
        "given_name": "Tom",
        "family_name": "New",
        "groups": ["caseload-tm"],
        "org_units": ["NORTH-A", "NO-SUCH-UNIT"],
    }
    user = _sign_in_with(claims, monkeypatch)

    assert user.username == "tom.new"
    assert (user.first_name, user.last_name, user.email) == ("Tom", "New", "tom.new@example.org")
    assert user.role == Role.TEAM_MANAGER
    assert list(user.org_units.all()) == [org.team]
    assert not user.has_usable_password()
    entry = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.after["org_units"] == ["NORTH-A"]
    assert entry.note == "From single sign-on"


def test_an_existing_user_is_matched_by_email_and_updated(db, org, oidc_settings, monkeypatch):
    existing = UserFactory(
        username="ada", email="ada@example.org", role=Role.TEAM_MANAGER, org_units=[org.team]
    )
    user = _sign_in_with(
        {"email": "ADA@example.org", "groups": ["caseload-admins"], "org_units": ["ORG"]}, monkeypatch
    )

    assert user.pk == existing.pk
    assert user.role == Role.ADMINISTRATOR
    assert list(user.org_units.all()) == [org.organisation]
    entry = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changed_fields()["role"] == ("team_manager", "administrator")
    assert entry.changed_fields()["org_units"] == (["NORTH-A"], ["ORG"])


def test_losing_the_group_makes_a_practitioner_with_no_units(db, org, oidc_settings, monkeypatch):
    UserFactory(username="tom", email="tom@example.org", role=Role.TEAM_MANAGER, org_units=[org.team])
    user = _sign_in_with({"email": "tom@example.org", "groups": [], "org_units": ["NORTH-A"]}, monkeypatch)
    assert user.role == Role.PRACTITIONER
    assert not user.org_units.exists()


def test_the_practitioner_record_is_linked_by_staff_code_then_email(db, org, oidc_settings, monkeypatch):
    by_code = PractitionerFactory(staff_code="P-100", email="someone.else@example.org")
    by_email = PractitionerFactory(staff_code="P-200", email="kim@example.org")

    pat = _sign_in_with({"email": "pat@example.org", "staff_code": "P-100"}, monkeypatch)
    kim = _sign_in_with({"email": "Kim@example.org"}, monkeypatch)

    assert pat.practitioner == by_code
    assert kim.practitioner == by_email


def test_a_practitioner_record_of_another_user_is_not_taken(db, org, oidc_settings, monkeypatch):
    practitioner = PractitionerFactory(staff_code="P-300")
    owner = UserFactory(username="owner", practitioner=practitioner)
    user = _sign_in_with({"email": "intruder@example.org", "staff_code": "P-300"}, monkeypatch)
    assert user.practitioner is None
    owner.refresh_from_db()
    assert owner.practitioner == practitioner


def test_a_taken_username_gets_a_suffix(db, oidc_settings, monkeypatch):
    UserFactory(username="sam", email="sam.local@example.org")
    user = _sign_in_with({"email": "sam.sso@example.org", "preferred_username": "sam"}, monkeypatch)
    assert user.username == "sam-2"


def test_claims_that_change_nothing_write_no_audit_entry(db, org, oidc_settings):
    user = UserFactory(username="tom", email="tom@example.org", first_name="Tom", last_name="Manager")
    apply_claims(user, {"email": "tom@example.org", "groups": []})
    apply_claims(user, {"email": "tom@example.org", "groups": []})
    assert AuditEntry.objects.filter(object_type="core.user").count() == 0


# -- switched on only by the environment -------------------------------------------------------------------


def test_single_sign_on_is_off_by_default(client, db):
    assert settings.OIDC_ENABLED is False
    assert "caseload.core.oidc.CaseloadOIDCBackend" not in settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("core:oidc-start")
    assert "single sign-on" not in client.get(reverse("core:sign-in")).content.decode()


def _settings_in_new_process(extra_env: dict[str, str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; from django.urls import reverse; "
        "print(json.dumps({'enabled': s.OIDC_ENABLED, 'backends': s.AUTHENTICATION_BACKENDS, "
        "'start': reverse('core:oidc-start') if s.OIDC_ENABLED else None, "
        "'callback': reverse(s.OIDC_AUTHENTICATION_CALLBACK_URL) if s.OIDC_ENABLED else None}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update({"DJANGO_SETTINGS_MODULE": "caseload.config.settings.test", **extra_env})
    result = subprocess.run(  # noqa: S603 - our own interpreter with a fixed script
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_single_sign_on_switches_on_with_a_client_id_and_endpoints():
    on = _settings_in_new_process(
        {
            "OIDC_RP_CLIENT_ID": "caseload",
            "OIDC_RP_CLIENT_SECRET": "not-a-real-secret",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.org/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.org/token",
            "OIDC_OP_USER_ENDPOINT": "https://idp.example.org/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.org/jwks",
            "OIDC_ROLE_MAP": "caseload-admins=administrator,caseload-tm=team_manager",
        }
    )
    assert on["enabled"] is True
    assert on["backends"][0] == "axes.backends.AxesStandaloneBackend"  # the lock-out check still comes first
    assert on["backends"][-1] == "caseload.core.oidc.CaseloadOIDCBackend"
    assert on["start"] == "/sso/start/"
    assert on["callback"] == "/sso/callback/"
    off = _settings_in_new_process({})
    assert off == {"enabled": False, "backends": on["backends"][:-1], "start": None, "callback": None}


def test_a_client_id_without_endpoints_stops_start_up():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update({"DJANGO_SETTINGS_MODULE": "caseload.config.settings.test", "OIDC_RP_CLIENT_ID": "caseload"})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "OIDC_RP_CLIENT_SECRET must be set" in result.stderr


def test_the_sign_in_page_offers_single_sign_on_when_on(client, db, settings):
    settings.OIDC_ENABLED = True
    settings.ROOT_URLCONF = "caseload.core.tests.urls_with_sso"
    page = client.get("/sign-in/?next=/reports/").content.decode()
    assert "Sign in with single sign-on" in page
    assert 'href="/sso/start/?next=%2Freports%2F"' in page


def test_an_administrator_by_single_sign_on_opens_the_admin_until_the_group_is_lost(
    db, org, oidc_settings, monkeypatch
):
    claims = {"email": "ada@example.org", "groups": ["caseload-admins"], "org_units": ["ORG"]}
    ada = _sign_in_with(claims, monkeypatch)
    assert (ada.role, ada.is_staff, ada.is_superuser) == (Role.ADMINISTRATOR, True, True)
    assert AuditEntry.objects.get(object_id=str(ada.pk)).after["is_staff"] is True

    ada = _sign_in_with({**claims, "groups": ["caseload-tm"]}, monkeypatch)
    ada.refresh_from_db()
    assert (ada.role, ada.is_staff, ada.is_superuser) == (Role.TEAM_MANAGER, False, False)
    entry = AuditEntry.objects.filter(object_id=str(ada.pk)).order_by("id").last()
    assert entry.changed_fields()["is_staff"] == (True, False)
