"""Development on one machine: SQLite under var/, debug pages, demo users on the sign-in page."""

from caseload.config.env import env_bool
from caseload.config.settings.base import *

DEBUG = env_bool("DEBUG", True)
DEMO_MODE = env_bool("CASELOAD_DEMO_MODE", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if not env_bool("CASELOAD_SMTP", False)
    else EMAIL_BACKEND
)
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Static files come from the finders (runserver, live_server); WhiteNoise serves collected files in production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]

# Demo data and personas: development and tests only, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "caseload.nonprod"]
