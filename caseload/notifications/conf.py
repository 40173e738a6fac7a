"""Notification settings: a Django setting of the same name wins, else the environment, else the default.
Read at call time so tests can change them with pytest-django's `settings` fixture."""

from __future__ import annotations

from django.conf import settings

from caseload.config.env import env_int, env_str


def max_attempts() -> int:
    """How many times an email is tried before it is marked failed (NOTIFICATIONS_MAX_ATTEMPTS, 5)."""
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5)))


def retry_backoff_seconds() -> int:
    """The wait before the first retry, doubled for each later one (NOTIFICATIONS_RETRY_BACKOFF, 60)."""
    return int(getattr(settings, "NOTIFICATIONS_RETRY_BACKOFF", env_int("NOTIFICATIONS_RETRY_BACKOFF", 60)))


def retry_backoff_max_seconds() -> int:
    """The longest wait between two attempts (NOTIFICATIONS_RETRY_BACKOFF_MAX, 3600)."""
    return int(
        getattr(settings, "NOTIFICATIONS_RETRY_BACKOFF_MAX", env_int("NOTIFICATIONS_RETRY_BACKOFF_MAX", 3600))
    )


def stale_minutes() -> int:
    """After how long a queued or sending notification is treated as lost and picked up by the sweep
    (NOTIFICATIONS_STALE_MINUTES, 10)."""
    return int(getattr(settings, "NOTIFICATIONS_STALE_MINUTES", env_int("NOTIFICATIONS_STALE_MINUTES", 10)))


def site_url() -> str:
    """The address of the site, for links in emails (CASELOAD_SITE_URL)."""
    value = getattr(settings, "CASELOAD_SITE_URL", env_str("CASELOAD_SITE_URL", "http://localhost:8000"))
    return str(value).rstrip("/")
