"""The environment helpers added for security settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from caseload.config.env import env_map, env_required_list


def test_env_map_reads_pairs_in_order(monkeypatch):
    monkeypatch.setenv("X_MAP", " caseload-admins=administrator , caseload-tm = team_manager,")
    assert list(env_map("X_MAP").items()) == [
        ("caseload-admins", "administrator"),
        ("caseload-tm", "team_manager"),
    ]


def test_env_map_is_empty_when_unset(monkeypatch):
    monkeypatch.delenv("X_MAP", raising=False)
    assert env_map("X_MAP") == {}


@pytest.mark.parametrize("raw", ["caseload-admins", "=administrator", "caseload-tm="])
def test_env_map_refuses_malformed_items(monkeypatch, raw):
    monkeypatch.setenv("X_MAP", raw)
    with pytest.raises(ImproperlyConfigured, match="key=value"):
        env_map("X_MAP")


def test_env_required_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example.org, b.example.org")
    assert env_required_list("X_HOSTS", "hosts") == ["a.example.org", "b.example.org"]
    monkeypatch.setenv("X_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="X_HOSTS must be set: hosts"):
        env_required_list("X_HOSTS", "hosts")
