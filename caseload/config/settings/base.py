"""Settings shared by every environment. Values that differ come from the environment (see docs/deployment.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from caseload.config.env import env_bool, env_choice, env_int, env_list, env_map, env_str
from caseload.workloads.snapshot_policy import snapshot_every_days, snapshot_retention_days

BASE_DIR = Path(__file__).resolve().parent.parent.parent.parent
VAR_DIR = Path(env_str("CASELOAD_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Demo mode lists a demo user for each role on the sign-in page. Never on in production.
DEMO_MODE = env_bool("CASELOAD_DEMO_MODE", False)
SITE_NAME = "Caseload"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "caseload.core",
    "caseload.organisations",
    "caseload.cases",
    "caseload.schemes",
    "caseload.workloads",
    "caseload.imports",
    "caseload.api",
    "caseload.dashboards",
    "caseload.notifications",
    "caseload.allocations",
    "caseload.wellbeing",
    "caseload.supervision",
    "caseload.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caseload.core.scope.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseload.config.urls"
WSGI_APPLICATION = "caseload.config.wsgi.application"
ASGI_APPLICATION = "caseload.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "caseload.config.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "caseload.core.context_processors.site",
            ],
        },
    },
    {
        # Django's own admin still renders with the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'caseload.sqlite3'}",  # empty means unset
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:sign-in"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "core:sign-in"
# The lock-out check first (it refuses before any password is checked), then passwords; single sign-on is
# added below when it is configured.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 60) * 60

# Who people should contact about their account (shown on the lock-out and password pages).
SUPPORT_CONTACT = env_str("CASELOAD_SUPPORT_CONTACT", "your Caseload administrator")
SUPPORT_EMAIL = env_str("CASELOAD_SUPPORT_EMAIL", "")

# Sign-in throttling (django-axes, docs/security.md): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused until the cool-off has passed since the last failure.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "caseload.core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "caseload.core.auth.client_ip"
# How many reverse proxies in front of Caseload append to X-Forwarded-For (0: use the connection's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Single sign-on with OpenID Connect (mozilla-django-oidc): off unless a client id is configured.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    OIDC_AUTHENTICATION_CALLBACK_URL = "core:oidc-callback"
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=failed"
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "caseload.core.oidc.CaseloadOIDCBackend"]
# Claims that carry the user's groups, org unit codes and staff code, and which group gives which role.
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_UNITS_CLAIM = env_str("OIDC_UNITS_CLAIM", "org_units")
OIDC_STAFF_CODE_CLAIM = env_str("OIDC_STAFF_CODE_CLAIM", "staff_code")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_ROLE_MAP = env_map("OIDC_ROLE_MAP")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The bank holidays that working-day timescales skip (docs/deployment.md): England and Wales, Scotland,
# Northern Ireland, or none (Monday to Friday only). Computed locally by the `holidays` package.
CASELOAD_BANK_HOLIDAYS = env_choice(
    "CASELOAD_BANK_HOLIDAYS", ("GB-ENG", "GB-SCT", "GB-NIR", "none"), "GB-ENG"
)

# Workload snapshots (docs/live-updates.md): the daily run takes them every N days (1 to 7, counted from
# Monday 3 January 2000, so 7 is every Monday), and deletes those older than the retention (0: keep for
# ever; else at least 366 days, for the well-being overload rules). Bad values stop Caseload starting.
CASELOAD_SNAPSHOT_EVERY_DAYS = snapshot_every_days(env_int("CASELOAD_SNAPSHOT_EVERY_DAYS", 1))
CASELOAD_SNAPSHOT_RETENTION_DAYS = snapshot_retention_days(env_int("CASELOAD_SNAPSHOT_RETENTION_DAYS", 0))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# GOV.UK Frontend's stylesheet refers to /assets/fonts and /assets/images, so static files live under /assets/.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Caseload <caseload@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): only our own files; no inline scripts or styles. The one inline
# script, GOV.UK Frontend's "js-enabled" line in its page template, carries the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
