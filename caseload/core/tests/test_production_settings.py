"""Production settings: required secrets and hosts, and `manage.py check --deploy` with an example environment.

Each case runs Django in a fresh process, since settings are read once at start-up."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# The only deployment warning allowed, and why (docs/security.md, "Production checklist"):
# security.W021, SECURE_HSTS_PRELOAD off — asking browsers to preload HSTS commits the whole domain to HTTPS
# for months and is the domain owner's decision; set SECURE_HSTS_PRELOAD=true once it is made.
ACCEPTED_WARNINGS = {"security.W021"}


def _example_env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "OIDC_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "caseload.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "caseload.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://caseload.example.org",
            "DATABASE_URL": "",
        }
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _issue_ids(output: str) -> set[str]:
    return set(re.findall(r"\(([a-z_]+\.[EW]\d{3})\)", output))


def test_check_deploy_passes_with_the_example_environment():
    result = _manage("check", "--deploy", env=_example_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert _issue_ids(output) <= ACCEPTED_WARNINGS, output


def test_check_deploy_has_no_warnings_once_hsts_preload_is_chosen():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_example_env(SECURE_HSTS_PRELOAD="true")
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output


def test_the_secret_key_is_required():
    result = _manage("check", env=_example_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_the_development_key_is_refused():
    result = _manage("check", env=_example_env(SECRET_KEY="insecure-" + "x" * 60))
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_allowed_hosts_are_required():
    result = _manage("check", env=_example_env(ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "redirect=True proxy=None hsts=31536000 secure_cookies=True debug=False"),
        (
            {"SECURE_SSL_REDIRECT": "false", "TRUST_X_FORWARDED_PROTO": "true", "SECURE_HSTS_SECONDS": "600"},
            "redirect=False proxy=('HTTP_X_FORWARDED_PROTO', 'https') hsts=600 secure_cookies=True debug=False",
        ),
    ],
)
def test_tls_settings_follow_the_environment(changes, expected):
    code = (
        "from django.conf import settings as s; "
        "print(f'redirect={s.SECURE_SSL_REDIRECT} proxy={s.SECURE_PROXY_SSL_HEADER} "
        "hsts={s.SECURE_HSTS_SECONDS} secure_cookies={s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE} "
        "debug={s.DEBUG}')"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=_example_env(**changes))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
