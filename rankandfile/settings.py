"""Settings for every environment, read from the process environment.

One file and one code path for development, tests and production (DESIGN §2). What differs between them is
the environment: `DATABASE_URL`, `REDIS_URL`, `SECRET_KEY`, `ALLOWED_HOSTS`, `EMAIL_URL`, `DEBUG`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RANKANDFILE_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY, development and tests sign with this published key. With DEBUG off the ASGI application
# refuses to start on it, and `manage.py check --deploy` fails (rankandfile/checks.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-rankandfile-development-only-key-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Rank & File")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "ninja",  # serves Swagger UI from our own static files (the CSP allows no CDN)
    "django_otp",
    "django_otp.plugins.otp_totp",  # the authenticator app
    "django_otp.plugins.otp_static",  # recovery codes
    "rankandfile.audit",
    "rankandfile.org",
    "rankandfile.proposals",
    "rankandfile.ballots",
    "rankandfile.meetings",
    "rankandfile.notifications",
    "rankandfile.cases",
    "rankandfile.recall",  # above ballots: petitions whose threshold opens a recall ballot
    "rankandfile.insights",
    "rankandfile.bulletin",
    "rankandfile.demo",  # `load_demo`: the demo organization, above every app
    "huey.contrib.djhuey",  # the task worker: `manage.py run_huey` (docs/deploy.md, "The task worker")
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rankandfile.org.middleware.SecondFactorRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rankandfile.middleware.SyncBoundary",  # keep last: see its docstring
]

ROOT_URLCONF = "rankandfile.urls"
ASGI_APPLICATION = "rankandfile.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGE_CODE for <html lang>
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rankandfile.org.context_processors.site",
                "rankandfile.notifications.context_processors.unread",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------------------------------
def database_from_url(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers work during a write; IMMEDIATE takes the write lock at BEGIN so two writers queue
        # instead of failing with "database is locked" half-way through a transaction. mmap_size: pages are read
        # through the operating system's cache instead of copied into each connection's 2 MB page cache, which a
        # large database thrashes (a bulletin search read a thousand 20 kB rows in 12 ms, 3 ms mapped;
        # docs/performance.md). SQLite caps it at 2 GB; past that, the rest of the file is read as before.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                " PRAGMA mmap_size=2147418112;"
            ),
        }
    elif engine == "django.db.backends.postgresql":
        # Under ASGI, persistent connections (CONN_MAX_AGE > 0) leaked until PostgreSQL refused clients
        # (DESIGN §2, measured). Django's own pool (psycopg_pool) is the measured-good choice.
        min_size = int(os.environ.get("DATABASE_POOL_MIN", "2"))
        max_size = int(os.environ.get("DATABASE_POOL_MAX", "20"))
        config["OPTIONS"] = {"pool": {"min_size": min_size, "max_size": max_size, "timeout": 20}}
    config["CONN_MAX_AGE"] = 0
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'rankandfile.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Browser tests run the server in another process (ChannelsLiveServerTestCase): the test database must be a
    # file. One per test process, so that parallel runs in one tree do not share it.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels and cache ---------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Sites (or parallel test processes) sharing one Redis database keep apart by a prefix on every key and group.
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "")
if REDIS_URL:
    # Pub/sub layer: one publish per process and group; the measured choice for large meetings (DESIGN §2).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_KEY_PREFIX}asgi"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- The task worker (huey) ---------------------------------------------------------------------------------
# Ballots close on time, reminders and digests go out, deadlines pass: `manage.py run_huey` runs them beside the
# web server (`make demo`, `make serve`, the systemd unit in docs/deploy.md); no cron. The queue lives in Redis when
# REDIS_URL is set (production, shared by every machine), else in its own SQLite file beside the database, so the
# worker never holds the application database's write lock. Tests run every task at once, in process (conftest).
HUEY: dict[str, Any] = {
    "name": os.environ.get("HUEY_QUEUE", "rankandfile"),
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {
        "workers": int(os.environ.get("HUEY_WORKERS", "2")),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
    },
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")}
# Reminders go to members who have not voted yet this many hours before a remote ballot closes.
BALLOT_REMINDER_HOURS = int(os.environ.get("BALLOT_REMINDER_HOURS", "48"))
# How many months of Millbrook's history the demo simulates (docs/insights.md; the test suite uses a few).
DEMO_HISTORY_MONTHS = int(os.environ.get("DEMO_HISTORY_MONTHS", "36"))
# The daily digest of notifications goes out at this hour (TIME_ZONE).
NOTIFICATIONS_DIGEST_HOUR = int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR", "7"))

# --- Authentication -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "org.Member"
AUTHENTICATION_BACKENDS = ["rankandfile.org.auth.ThrottledEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
# Login throttling: after this many failures in the window, further tries wait until the window passes.
# Temporary by design: an attacker must never be able to lock a member out for good.
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_IP_FAILURES = int(os.environ.get("LOGIN_THROTTLE_IP_FAILURES", "30"))
LOGIN_THROTTLE_ACCOUNT_FAILURES = int(os.environ.get("LOGIN_THROTTLE_ACCOUNT_FAILURES", "50"))
# Only behind the documented reverse proxy, which sets X-Real-IP to the client's address.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "900"))
# Two-factor (django-otp): the issuer shown in authenticator apps; the admin never shows secrets.
OTP_TOTP_ISSUER = SITE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
RECOVERY_CODES = 10
# A login waits this long for its second factor after the password.
SECOND_FACTOR_LOGIN_SECONDS = 300
# Password-reset requests: at most this many per address asked for, and per client address, in the window.
PASSWORD_RESET_THROTTLE_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_THROTTLE_PER_EMAIL", "3"))
PASSWORD_RESET_THROTTLE_PER_IP = int(os.environ.get("PASSWORD_RESET_THROTTLE_PER_IP", "20"))
PASSWORD_RESET_THROTTLE_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_THROTTLE_WINDOW_SECONDS", "3600"))
INVITATION_DAYS = 14


# --- Email ----------------------------------------------------------------------------------------------
def email_from_url(url: str) -> dict[str, Any]:
    """`smtp://user:pass@host:587/?tls=1` or `console://`; a tiny parser so we need no extra package."""
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and query.get("tls", ["1"])[0] == "1",
    }


_email = email_from_url(os.environ.get("EMAIL_URL", ""))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rank & File <noreply@localhost>")

# --- Ballots --------------------------------------------------------------------------------------------------
# How long a close waits for the open box's exclusive lock (PostgreSQL) before refusing; casts wait meanwhile.
BALLOT_BOX_LOCK_TIMEOUT_MS = int(os.environ.get("BALLOT_BOX_LOCK_TIMEOUT_MS", "2000"))

# --- Confidential cases (docs/cases.md, docs/security.md "Confidential cases") ---------------------------------
# Uploaded files live here; case attachments only ever as ciphertext (cases/uploads.py).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served: attachments are streamed, decrypted, by the case views
# Argon2id cost for a committee member's case passphrase: 3 passes over 64 MiB, 0.1–0.4 s here (unlock ≤ 1 s).
CASE_PASSPHRASE_OPSLIMIT = int(os.environ.get("CASE_PASSPHRASE_OPSLIMIT", "3"))
CASE_PASSPHRASE_MEMLIMIT = int(os.environ.get("CASE_PASSPHRASE_MEMLIMIT", str(64 * 1024 * 1024)))
# Argon2id cost for receipts (fixed in the database the first time it is used): 3 passes over 64 MiB, ~0.1 s.
CASE_RECEIPT_OPSLIMIT = int(os.environ.get("CASE_RECEIPT_OPSLIMIT", "3"))
CASE_RECEIPT_MEMLIMIT = int(os.environ.get("CASE_RECEIPT_MEMLIMIT", str(64 * 1024 * 1024)))
# An unlocked case key lasts this long without use; each use starts the time again.
CASE_UNLOCK_IDLE_SECONDS = int(os.environ.get("CASE_UNLOCK_IDLE_SECONDS", "1800"))
CASE_ATTACHMENT_MAX_BYTES = int(os.environ.get("CASE_ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
# The public intake page takes at most this many complaints per client address per hour.
CASE_PUBLIC_INTAKE_PER_HOUR = int(os.environ.get("CASE_PUBLIC_INTAKE_PER_HOUR", "5"))
# Receipt tries per client address per hour (each costs an Argon2id hash: a limit on guessing and on memory).
CASE_RECEIPT_TRIES_PER_HOUR = int(os.environ.get("CASE_RECEIPT_TRIES_PER_HOUR", "30"))

# --- Audit chain heads (docs/security.md, "Signed heads") ----------------------------------------------------
# The Ed25519 key that signs published chain heads. It must live outside the database (and, in production, where a
# database administrator cannot read it); created on first use if the file does not exist.
AUDIT_SIGNING_KEY_FILE = Path(os.environ.get("AUDIT_SIGNING_KEY_FILE", str(VAR_DIR / "audit-signing.key")))
# Hex public keys of earlier signing keys whose heads verify-audit still accepts (after a key change).
AUDIT_TRUSTED_KEYS = env_list("AUDIT_TRUSTED_KEYS")
# Addresses outside the committee (a mailing list, an outside auditor) that also receive every published head.
AUDIT_HEAD_EMAIL_TO = env_list("AUDIT_HEAD_EMAIL_TO")

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
FORMAT_MODULE_PATH = ["rankandfile.formats"]  # one date format: "6 Dec 2026", "6 Dec 2026, 14:30"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR.parent / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("RANKANDFILE_PLAIN_STATIC", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("RANKANDFILE_PLAIN_STATIC", True)

# --- Security -------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep default behaviour
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
