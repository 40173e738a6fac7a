"""Production: every secret from the environment, HTTPS-only cookies and headers, compressed static files.

`manage.py check --deploy` passes with these settings (a test runs it); docs/security.md has the checklist
and docs/deployment.md the environment variables."""

from django.core.exceptions import ImproperlyConfigured

from caseload.config.env import env_bool, env_int, env_required_list, env_str
from caseload.config.settings.base import *

DEBUG = False
DEMO_MODE = False

# No default: refuse to start without a real key (and never the development one).
SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("insecure", "django-insecure")):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (at least 50 characters), for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`. Keep it out of the repository."
    )
ALLOWED_HOSTS = env_required_list(
    "ALLOWED_HOSTS", "the host names Caseload answers to, comma-separated (e.g. caseload.example.org)."
)

# HTTPS only. When TLS ends at a reverse proxy, that proxy must set X-Forwarded-Proto and
# TRUST_X_FORWARDED_PROTO=true tells Django to believe it (never set it without such a proxy).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# A working day; signing out (or closing the browser, with SESSION_EXPIRE_AT_BROWSER_CLOSE) ends it sooner.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
