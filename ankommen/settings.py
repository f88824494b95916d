"""The one settings module of ankommen. Everything is configured from the environment.

See docs/deploy.md for the variables. A fresh clone runs with no variables at all
under ``make run`` (SQLite, debug, console e-mail); production must set at least
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ankommen.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ANKOMMEN_VAR_DIR", str(BASE_DIR / "var")))

# "production" (default), "development" (make run) or "test" (pytest). A developer checkout set up by
# `make` carries the git-ignored marker var/DEVELOPMENT, so a bare `./manage.py …` there runs in
# development mode; without the marker (any deployment) the default stays production.
_DEFAULT_ENVIRONMENT = "development" if (VAR_DIR / "DEVELOPMENT").exists() else "production"
ENVIRONMENT = env_choice("ANKOMMEN_ENV", ["production", "development", "test"], _DEFAULT_ENVIRONMENT)
TESTING = ENVIRONMENT == "test"
DEBUG = env_bool("DEBUG", ENVIRONMENT == "development")

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production-0123456789")
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_countries",  # country names in the user's language (its own catalogue)
    "huey.contrib.djhuey",
    # ankommen, by domain
    "ankommen.core",
    "ankommen.accounts",
    "ankommen.network",
    "ankommen.audit",
    "ankommen.jobs",
    "ankommen.participants",
    "ankommen.cases",
    "ankommen.consents",
    "ankommen.conferences",
    "ankommen.offers",
    "ankommen.api",
    "ankommen.pathways",
    "ankommen.funding",
    "ankommen.steering",
    "ankommen.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ankommen.audit.context.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ankommen.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "ankommen.network.middleware.AccessMiddleware",
]

ROOT_URLCONF = "ankommen.urls"
WSGI_APPLICATION = "ankommen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ankommen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ankommen.core.context_processors.navigation",
            ],
            "string_if_invalid": "",
        },
    }
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ankommen.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids
    # "database is locked" upgrades inside transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: our queries are short, and PostgreSQL's cost estimate for a page's
    # query can pass jit_above_cost and spend 30 ms compiling for a 10 ms query (bench/pages.py).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (str(options.get("options", "")) + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication & login security --------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users. A test asserts the real setting.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor authentication is mandatory for every staff account unless debug is on
# (the demo logins of `make run`). Tests switch it on where they test it.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "ankommen"
# Fresh re-authentication ("sudo mode") before exports, erasure and role changes.
SUDO_MODE_SECONDS = env_int("SUDO_MODE_SECONDS", 10 * 60, minimum=60)
# Invitations to join the network (one-time link by e-mail) expire after this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)

# Throttling and temporary lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ankommen.accounts.views.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "ankommen.audit.context.address_of"
# Our own reverse proxies (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"): when the peer is one
# of them, the client address comes from X-Forwarded-For (audit log, login lockout). Empty: the peer.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None
# E-mail logins are case-insensitive: count "Alice@…" and "alice@…" as one (ankommen/accounts/lockout.py).
AXES_USERNAME_CALLABLE = "ankommen.accounts.lockout.username_for_axes"
# Axes' log lines and stored form data must not carry e-mail addresses, passwords or codes.
AXES_CLIENT_STR_CALLABLE = "ankommen.accounts.lockout.client_str_for_axes"
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "code",
    "csrfmiddlewaretoken",
]
# Successful logins are in the audit log already; axes' own access log would keep them forever.
AXES_DISABLE_ACCESS_LOG = True
# A password-reset link is valid for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * env_int("PASSWORD_RESET_MINUTES", 60, minimum=5)

# Sessions expire after inactivity (every request renews the expiry).
SESSION_COOKIE_AGE = 60 * env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers (strict unless debug) --------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ankommen" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "ankommen" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Test runs keep their uploads apart, one directory per pytest-xdist worker.
_MEDIA_DEFAULT = VAR_DIR / "test-media" / env_str("PYTEST_XDIST_WORKER", "main") if TESTING else VAR_DIR / "media"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(_MEDIA_DEFAULT)))
MEDIA_URL = "/media/"

# --- E-mail -------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ankommen <noreply@localhost>")

# --- Background jobs (huey) ---------------------------------------------------
# Embedded default: a SQLite file next to the database, consumed by `manage.py run_huey`.
# Production: TASK_BROKER_URL=redis://host:6379/0 (see docs/adr/0003-background-jobs.md).
TASK_BROKER_URL = env_str("TASK_BROKER_URL", "")
if TASK_BROKER_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env_str("TASK_QUEUE_NAME", "ankommen"),
        "url": TASK_BROKER_URL,
        "immediate": False,
        "consumer": {"workers": env_int("TASK_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ankommen",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": env_int("TASK_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ankommen API",
    "DESCRIPTION": "API of the ankommen integration-network platform. Every call is scoped to the caller's network.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets used by several fields get one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "ankommen.participants.choices.Language",
        "CefrLevelEnum": "ankommen.participants.choices.CEFR",
    },
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # huey's consumer adds its own handler unless the "huey" logger already has one: give it ours
    # and stop propagation, so each line is written once.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its progress lines at INFO would flood the log
        "fontTools": {"level": "WARNING"},
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
