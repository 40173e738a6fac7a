"""The environment helpers added for security settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from caseload.config.env import env_choice, env_map, env_required_list


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


def test_env_choice_takes_one_of_the_choices(monkeypatch):
    monkeypatch.delenv("X_CHOICE", raising=False)
    assert env_choice("X_CHOICE", ("GB-ENG", "none"), "GB-ENG") == "GB-ENG"
    monkeypatch.setenv("X_CHOICE", " none ")
    assert env_choice("X_CHOICE", ("GB-ENG", "none"), "GB-ENG") == "none"
    monkeypatch.setenv("X_CHOICE", "gb-eng")  # the spelling is exact
    with pytest.raises(ImproperlyConfigured, match="X_CHOICE='gb-eng' is not one of: GB-ENG, none"):
        env_choice("X_CHOICE", ("GB-ENG", "none"), "GB-ENG")
