"""Django settings for Xuanshang, read from environment variables.

Everything a deployment changes comes from the environment (see README, "Configuration").
Development defaults apply only while DEBUG is on, so a production start without a secret key
fails loudly instead of running with a published one.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable; unset means `default`."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list, dropping blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random "
            "string), or set DEBUG=1 for local development only."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "screening.admin_site.XuanshangAdminConfig",  # django.contrib.admin, our name
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "screening",
    "regions",
    "projects",
    "shortlists",
]

MIDDLEWARE = [
    # The health probe is answered before the host check and the HTTPS redirect (health.py).
    "screening.config.health.HealthCheckMiddleware",
    # First, so it also sees what the others answer: every error under /api/ in the API's body.
    "screening.api.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with DEBUG off too (gunicorn has no static server): hashed, compressed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "screening.config.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "screening.config.security_headers.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login refused for too many failures into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "screening.config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "screening.config.wsgi.application"
ASGI_APPLICATION = "screening.config.asgi.application"

# SQLite in the project folder is the embedded default for a first run; deployments and CI
# pass DATABASE_URL=postgres://…  Tests get their own database name (TEST.NAME).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several users, a worker and imports at once. WAL lets
    # readers go on while one writes; IMMEDIATE takes the write lock when a transaction begins,
    # waiting up to `timeout` seconds for it. A deferred transaction that reads and then writes
    # (every service: validate, then save) cannot wait: SQLite answers "database is locked" at
    # once, to avoid a deadlock, and the user got a 500.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers grouped by thousands in Chinese too (Django's zh_Hans prints 55333).
FORMAT_MODULE_PATH = ["screening.config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = BASE_DIR / "media"
# With DEBUG off, `collectstatic` writes each file under a content-hashed name with gzip and
# Brotli copies, and WhiteNoise serves them from STATIC_ROOT with a far-future cache lifetime
# (a changed file gets a new name). With DEBUG on, files are served from their folders as they
# are, so no collectstatic is needed while developing.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Data uploads and imports (projects.interchange.uploads, regions.interchange.readers) ----
# Refused before anything is read: an upload larger than this; a .zip or .xlsx with more
# members or whose members inflate to more than this in total. Checked again while reading (a
# member that inflates past its declared size stops the read), and an .xlsx sheet may have at
# most this many rows. Raise them for a national-scale load from the command line.
MB = 1_000_000
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "50")) * MB
IMPORT_MAX_INFLATED_BYTES = int(os.environ.get("IMPORT_MAX_INFLATED_MB", "500")) * MB
IMPORT_MAX_ZIP_MEMBERS = int(os.environ.get("IMPORT_MAX_ZIP_MEMBERS", "100"))
IMPORT_MAX_XLSX_ROWS = int(os.environ.get("IMPORT_MAX_XLSX_ROWS", "1048576"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Security -------------------------------------------------------------------------------
# Secure by default; DEBUG (local HTTP) relaxes only what plain http://127.0.0.1 needs.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from this site's own files, so an injected
# <script>, onclick= or javascript: URL does not run (templates hold no JavaScript:
# tests/foundation/test_no_inline_script.py). Styles allow inline ones: htmx adds its request
# indicator's <style>, the comparison table sets a CSS variable in a style attribute and the
# Swagger UI page has a <style> block; inline CSS cannot run a script. Nothing may frame the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the product never uses are switched off for every page (and any frame).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), "
    "serial=(), usb=(), xr-spatial-tracking=()"
)

# --- Login protection -----------------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For (0: clients connect
# directly, only the socket address counts). The login lockout and the API throttles count per
# client address found this way (screening/client_address.py), never by a header a client
# sets. Set it to exactly the number of proxies: one too many trusts a client-made entry.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# django-axes: failed sign-ins on the login page, the Django admin and the API token endpoint
# (every path that calls django.contrib.auth.authenticate) are counted in a store every worker
# shares: the cache when it is Redis (REDIS_URL), else the database (a per-process memory
# cache would give each gunicorn worker its own count). After LOGIN_FAILURE_LIMIT failures
# from one address, or for one username, further attempts are refused, even with the right
# password, until LOGIN_COOLOFF_MINUTES pass without another failure. Counting by username
# stops a guesser who changes address; counting by address stops one who tries many usernames.
AUTHENTICATION_BACKENDS = [
    "screening.config.login_protection.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if os.environ.get("REDIS_URL")
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "screening.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "screening.config.login_protection.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a guesser must not reset the count by signing in elsewhere
AXES_ENABLE_ADMIN = False  # same admin pages with either handler; unlock with manage.py commands

# --- Celery ---------------------------------------------------------------------------------
# REDIS_URL unset: tasks run eagerly in-process, so a demo needs no broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is redelivered, tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when the broker is down: the write has committed already and the
# periodic sweep picks up what is stale, so a request must not hang on a dead broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY = False
# Nothing reads a task's result. Without this, every publish first subscribes to the result
# channel on Redis, which retries for ~20 s when Redis is down: the request that enqueued
# hung for the whole outage (bench/bench_faults.py).
CELERY_TASK_IGNORE_RESULT = True
SCORE_SWEEP_SECONDS = int(os.environ.get("SCORE_SWEEP_SECONDS", "60"))

CACHES = {
    "default": (
        # Django's RedisCache, answering as a miss while Redis is down (the throttles read the
        # cache on every API request): screening/config/cache.py.
        {"BACKEND": "screening.config.cache.FailOpenRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "screening.api.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "screening.api.errors.api_exception_handler",
    # Per signed-in user and per anonymous client address, counted in the shared cache
    # (screening/api/throttling.py); the rates are API_THROTTLE_RATES below.
    "DEFAULT_THROTTLE_CLASSES": [
        "screening.api.throttling.UserRateThrottle",
        "screening.api.throttling.AnonRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens (django-rest-knox, screening/api/tokens.py): stored as SHA-512 digests, expire
# after API_TOKEN_TTL_DAYS, revoked when the user's password changes; same header as before.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=float(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
API_TOKENS_PER_USER = int(os.environ.get("API_TOKENS_PER_USER", "10"))
# Requests per period ("N/second|minute|hour|day"); "off" turns a scope off.
API_THROTTLE_RATES: dict[str, str | None] = {
    scope: (None if rate.strip().lower() == "off" else rate.strip())
    for scope, rate in {
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "20/minute"),
    }.items()
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xuanshang API",
    "DESCRIPTION": "Investment-lead screening: regions, clusters, chains, leads and scores.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Lockouts and repeated failures are warnings; every single attempt is not news.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Scoring --------------------------------------------------------------------------------
# Capex is stored in 10k units of the lead's currency; scoring compares sizes in 10k CNY, and
# pages that compare or sum amounts show CNY equivalents with the rate and its date.
# The one table of rates: CNY per unit of each currency. Illustrative fixed round figures near
# the 2024 averages of the PBOC central parity, NOT live FX (docs/methods.md, "Money"); an
# agency sets its own with CURRENCY_TO_CNY="USD:7.1,EUR:7.8" and CURRENCY_RATES_AS_OF.
CURRENCY_RATES = {
    "CNY": 1.0,
    "RMB": 1.0,
    "USD": 7.1,
    "EUR": 7.8,
    "HKD": 0.91,
    "JPY": 0.048,
    "KRW": 0.0052,
    "GBP": 9.0,
}
CURRENCY_RATES.update(
    {
        k.strip().upper(): float(v)
        for k, v in (pair.split(":") for pair in env_list("CURRENCY_TO_CNY"))
    }
)
CURRENCY_RATES_AS_OF = os.environ.get("CURRENCY_RATES_AS_OF", "2024-12-31")
CURRENCY_TO_CNY = CURRENCY_RATES  # the earlier name, kept for deployments that read it

# A TrueType/TrueType-collection font with Chinese that the PDF briefings embed; empty = look
# for one (fontconfig, then the usual Debian paths; shortlists/pdf_fonts.py).
PDF_CJK_FONT = os.environ.get("PDF_CJK_FONT", "")
# Leads per recompute task; large sets are split into chunks run as a group across workers.
SCORE_CHUNK_SIZE = int(os.environ.get("SCORE_CHUNK_SIZE", "20000"))
# Where the processes of a host share one World per data version as memory-mapped files
# (screening.world_store; docs/engine-interface.md). Empty: each process builds its own.
WORLD_STORE_DIR = os.environ.get("WORLD_STORE_DIR", "")
# How long a process waits for another one building the same World before building its own.
WORLD_BUILD_WAIT_SECONDS = float(os.environ.get("WORLD_BUILD_WAIT_SECONDS", "600"))
# Recomputations of at most this many leads store explanations at once; larger ones leave
# them to be built on first read (screening/services/explanations.py).
EXPLAIN_INLINE_MAX = int(os.environ.get("EXPLAIN_INLINE_MAX", "2000"))
