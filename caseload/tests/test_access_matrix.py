"""Every URL and API operation × every role of the fixed cast answers as its app's `CHECKS` say.

The checks live beside each app (`caseload/<app>/tests/access.py`); see `caseload/tests/access.py`. A URL
or API operation without a check fails `test_every_url_and_api_operation_has_a_check`."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import caseload
from caseload.api.api import api
from caseload.tests.access import ROLES, Check, build_world

# Django's admin has its own permission system (staff and model permissions), tested in core/tests/test_admin.py;
# the API's own URL names are checked through the OpenAPI operations instead.
SKIPPED_NAMESPACES = ("admin", "api")


def _all_checks() -> list[Check]:
    checks: list[Check] = []
    for module in pkgutil.iter_modules(caseload.__path__):
        try:
            access = importlib.import_module(f"caseload.{module.name}.tests.access")
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith(f"caseload.{module.name}.tests"):
                continue
            raise
        checks.extend(getattr(access, "CHECKS", []))
    return checks


CHECKS = _all_checks()


def _url_names(patterns: list, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if full.split(":")[0] in SKIPPED_NAMESPACES:
                continue
            names |= _url_names(entry.url_patterns, full)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_url_and_api_operation_has_a_check():
    served = _url_names(get_resolver().url_patterns) | _api_operations()
    checked = {c.name for c in CHECKS}
    assert not sorted(served - checked), f"URLs with no access check: {sorted(served - checked)}"
    assert not sorted(checked - served), f"Checks for URLs that do not exist: {sorted(checked - served)}"


def test_the_matrix_is_not_empty():
    assert len(CHECKS) >= 10


@pytest.fixture
def world(org, practitioner_user, outsider, team_manager, area_manager, senior_leader, admin_user, analyst):
    cast = {
        "practitioner": practitioner_user,
        "outsider": outsider,
        "team_manager": team_manager,
        "area_manager": area_manager,
        "senior_leader": senior_leader,
        "admin": admin_user,
        "analyst": analyst,
    }
    return build_world(org, cast)


def _request(client: Client, check: Check, world) -> int:
    path = check.path(world)
    data = check.data(world) if check.data else None
    method = getattr(client, check.method.lower())
    if check.json and data is not None:
        response = method(path, data=data, content_type="application/json")
    elif data is not None:
        response = method(path, data=data)
    else:
        response = method(path)
    return response.status_code


@pytest.mark.parametrize("check", CHECKS, ids=[f"{c.name} #{i}" for i, c in enumerate(CHECKS)])
def test_access(check: Check, frozen_now, world):
    wrong = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        with transaction.atomic():
            status = _request(client, check, world)
            transaction.set_rollback(True)
        expected = check.expected[role]
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if status not in allowed:
            wrong.append(f"{role}: got {status}, expected {expected}")
    assert not wrong, f"{check.method} {check.name}:\n" + "\n".join(wrong)
