"""Tests: fast hashing, tasks run immediately, no network. DATABASE_URL selects PostgreSQL."""

from caseload.config.settings.base import *

DEBUG = False
DEMO_MODE = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory SQLite for speed; each xdist worker gets its own.
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}

# Static files come from the finders (runserver, live_server); WhiteNoise serves collected files in production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]

# Demo data and personas: development and tests only, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "caseload.nonprod"]

# Sign-in throttling is off by default in tests: Django's test client `login()` authenticates without a
# request, which django-axes refuses. The sign-in tests switch it on (caseload/core/tests/test_lockout.py).
AXES_ENABLED = False
