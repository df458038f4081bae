"""Django settings, read from the environment. See docs/configuration.md for every variable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from accountplan.config.env import env, env_bool, env_list, env_number, persistent_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The data folder holds the SQLite file, the generated secret key and import artefacts.
DATA_DIR = Path(env("ACCOUNTPLAN_DATA_DIR", str(Path.cwd() / "data"))).resolve()

DEBUG = bool(env_bool("DEBUG", False))
SECRET_KEY = env("SECRET_KEY") or persistent_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # ninja's own templates and static files: the API docs page works offline, without a CDN.
    "ninja",
    "accountplan.core",
    "accountplan.book",
    "accountplan.ingest",
    "accountplan.demo",
    "django_tasks_db",
    "accountplan.portfolio",
    "accountplan.plans",
    "accountplan.governance",
    "accountplan.followup",
    "accountplan.campaigns",
    "accountplan.fit",
    "accountplan.sharing",
    "accountplan.drafts",
    "accountplan.salesforce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accountplan.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers go out gzip-compressed when the browser asks (static files come
    # compressed already, from WhiteNoise above). BREACH: see docs/performance.md, "Compression".
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A read request asks some questions several times (the current snapshot): answered once.
    "accountplan.core.request_memo.RequestMemoMiddleware",
]

ROOT_URLCONF = "accountplan.config.urls"
WSGI_APPLICATION = "accountplan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

#: What every SQLite database gets, however it is configured (the default file or a
#: ``sqlite:///`` DATABASE_URL): WAL so pages read while an import or a rescore writes, the write
#: lock taken when a transaction starts (not midway, where SQLite could only fail it), and a
#: 20 s wait for that lock. Each server thread keeps its connection (and SQLite's page cache)
#: between requests instead of opening the file and setting the pragmas every time.
SQLITE_SETTINGS: dict[str, Any] = {
    "CONN_MAX_AGE": 60,
    "CONN_HEALTH_CHECKS": True,
    "OPTIONS": {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    },
}

_database_url = env("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "accountplan.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"] |= SQLITE_SETTINGS  # type: ignore[typeddict-item]

# What pages derive from a finished snapshot is cached in two levels (portfolio.grid_data.cached):
# each process's memory, then files every process on this machine shares, so that one
# computation (or the worker's warming at the end of a rescore) serves every web worker. Files,
# not a database table: their writes never wait for the write lock a rescore holds on SQLite,
# and they add no statement to a request's queries.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("SHARED_CACHE_DIR", str(DATA_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Background work (rescoring after imports) through Django's task framework, queued in the
# database and run by `accountplan worker` (django-tasks-db's db_worker), started by `serve`.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A running rescore with no heartbeat for this long was killed midway: it is marked failed and the
# pages stop announcing it (``portfolio.services.fail_stale_snapshots``).
RESCORE_STALE_AFTER = dt.timedelta(minutes=env_number("ACCOUNTPLAN_RESCORE_STALE_MINUTES", 15))
# A web import run by the worker beats every 2 s (ingest.background): one silent for this long
# was killed midway; it is marked failed (nothing was written: its transaction never committed).
IMPORT_STALE_AFTER = dt.timedelta(seconds=env_number("ACCOUNTPLAN_IMPORT_STALE_SECONDS", 60))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first: new and changed passwords are hashed with it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates read "Jun 25, 2026" in English; every date goes through accountplan.core.fmt.
FORMAT_MODULE_PATH = ["accountplan.config.formats"]
#: Selects, checkbox lists and inputs written in Python, the same HTML as Django's templates.
FORM_RENDERER = "accountplan.core.form_renderer.FastRenderer"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # hashed names cached for a year, gzip and Brotli copies (core/staticfiles.py)
            else "accountplan.core.staticfiles.HashedStaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders when collectstatic has not run (tests, dev).
WHITENOISE_USE_FINDERS = True
# collectstatic keeps (and compresses) only the hashed copies: the plain names come from the
# apps' folders through the finders above; half the compression work at each deploy.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded import files up to 50 MB are handled; bigger ones belong on the command line.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = bool(env_bool("SECURE_COOKIES", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# HTTPS from the environment (docs/configuration.md, "Production"): redirect plain HTTP, and
# tell browsers to come back over HTTPS only for SECURE_HSTS_SECONDS.
SECURE_SSL_REDIRECT = bool(env_bool("SECURE_SSL_REDIRECT", False))
SECURE_HSTS_SECONDS = int(env_number("SECURE_HSTS_SECONDS", 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = bool(env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False))
SECURE_HSTS_PRELOAD = bool(env_bool("SECURE_HSTS_PRELOAD", False))
# Content-Security-Policy: scripts from our own files, plus inline ones carrying this response's
# nonce; nothing from elsewhere. 'unsafe-eval' because the charts' library (Vega) compiles its
# expressions; style attributes stay allowed (bars and swatches are sized inline).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
#: Browser features no page of ours uses, switched off (core.middleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- email (the digest: `accountplan digest`, docs/governance.md) -------------------------------
#: SMTP once a mail host is configured (EMAIL_HOST), the console otherwise (nothing is sent).
_mail_backend = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env_number("EMAIL_PORT", 25)),
        }
        if _mail_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "accountplan@localhost")
#: Links in emails and the CLI's output start with this (e.g. https://plans.example.com).
ACCOUNTPLAN_BASE_URL = env("ACCOUNTPLAN_BASE_URL", "")
# The key column of the Salesforce account-plan files (docs/salesforce.md): a custom External Id
# field the admin may add to the four objects so Data Loader can upsert by our keys.
SALESFORCE_KEY_FIELD = env("ACCOUNTPLAN_SALESFORCE_KEY_FIELD", "Accountplan_Key__c")
#: A lost deal's micro-plan comes back this many months after the loss (two quarters by default).
FOLLOWUP_REENGAGE_MONTHS = int(env_number("ACCOUNTPLAN_REENGAGE_MONTHS", 6, minimum=1))

# --- the drafting model (issue 15: docs/drafts.md, "A model pass") ------------------------------
#: None by default: drafts are written offline from the data and nothing leaves the machine. Set
#: the URL of an OpenAI-compatible endpoint (…/v1) or the path of a GGUF model file run in this
#: process by llama-cpp-python (`pip install 'accountplan[llm]'`), not both.
ACCOUNTPLAN_DRAFT_MODEL_URL = env("ACCOUNTPLAN_DRAFT_MODEL_URL").strip()
ACCOUNTPLAN_DRAFT_MODEL_PATH = env("ACCOUNTPLAN_DRAFT_MODEL_PATH").strip()
if ACCOUNTPLAN_DRAFT_MODEL_URL and ACCOUNTPLAN_DRAFT_MODEL_PATH:
    raise ImproperlyConfigured(
        "Set ACCOUNTPLAN_DRAFT_MODEL_URL (an endpoint) or ACCOUNTPLAN_DRAFT_MODEL_PATH (a model "
        "file run in this process), not both."
    )
#: The model's name as the endpoint knows it (e.g. llama3.1:8b); the file's name by default.
ACCOUNTPLAN_DRAFT_MODEL = env("ACCOUNTPLAN_DRAFT_MODEL").strip()
#: Sent as a bearer token; from the environment (or ACCOUNTPLAN_DRAFT_MODEL_API_KEY_FILE) only.
ACCOUNTPLAN_DRAFT_MODEL_API_KEY = env("ACCOUNTPLAN_DRAFT_MODEL_API_KEY").strip()
ACCOUNTPLAN_DRAFT_MODEL_TIMEOUT = env_number("ACCOUNTPLAN_DRAFT_MODEL_TIMEOUT", 60, minimum=1)
ACCOUNTPLAN_DRAFT_MODEL_TEMPERATURE = env_number("ACCOUNTPLAN_DRAFT_MODEL_TEMPERATURE", 0.2)
