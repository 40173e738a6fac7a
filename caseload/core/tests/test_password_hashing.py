"""Passwords are hashed with Argon2 outside the tests (the test settings use a fast hasher for speed)."""

from __future__ import annotations

import importlib

from django.contrib.auth.hashers import Argon2PasswordHasher

from caseload.core.tests.test_production_settings import _example_env, _manage

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_base_settings_list_argon2_first():
    base = importlib.import_module("caseload.config.settings.base")
    assert base.PASSWORD_HASHERS[0] == ARGON2
    assert "django.contrib.auth.hashers.MD5PasswordHasher" not in base.PASSWORD_HASHERS


def test_argon2_is_installed_and_verifies_its_own_hashes():
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("correct horse battery", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("correct horse battery", encoded)
    assert not hasher.verify("wrong horse battery", encoded)


def test_production_hashes_new_passwords_with_argon2():
    script = (
        "from django.conf import settings; from django.contrib.auth.hashers import make_password; "
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('correct horse battery').split('$')[0])"
    )
    result = _manage("shell", "-c", script, env=_example_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [ARGON2, "argon2"]
