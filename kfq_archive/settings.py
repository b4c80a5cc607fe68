"""Settings, read from environment variables with defaults that are safe for one machine.

KFQ_DATA_DIR          folder for everything the site writes (SQLite file, secret key, static files,
                      later the search index); default ./var under the project root
DATABASE_URL          any dj-database-url URL; default SQLite at KFQ_DATA_DIR/kfq.sqlite3
DJANGO_SECRET_KEY     default: a random key kept in KFQ_DATA_DIR/secret_key (created on first start)
DJANGO_DEBUG          "1"/"true" turns debug on; default off
DJANGO_ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost
KFQ_MAX_UPLOAD_BYTES  largest page file accepted; default 2 MiB
KFQ_MAX_UPLOAD_FILES  page files per admin upload (zip members count); default 40
KFQ_MAX_UPLOAD_TOTAL_BYTES  all files of one admin upload, unpacked; default 20 MiB
KFQ_MAX_REQUEST_BYTES  any request body (Content-Length), refused with 413 before it is read; default
                      the upload total plus 1 MiB for the form around the files
DJANGO_SECURE_SSL     "1": the site is served over HTTPS only (secure cookies, HSTS, redirect to https)
DJANGO_HSTS_SECONDS   with DJANGO_SECURE_SSL; default 31536000 (one year)
DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD  opt-in HSTS flags (hard to undo: read Django's docs)
DJANGO_BEHIND_PROXY   "1": a reverse proxy sets X-Forwarded-Proto and appends the client to X-Forwarded-For
DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins such as https://kfq.example.org
KFQ_LOGIN_FAILURE_LIMIT  wrong passwords in a row (per user name and address) before a lockout; default 5
KFQ_LOGIN_COOLOFF_MINUTES  how long a lockout lasts; default 15
KFQ_SEARCH_ENGINE     whoosh (default) or elasticsearch7, with KFQ_ELASTICSEARCH_URL, _INDEX, _TIMEOUT
                      (see search_engine.py)
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from . import search_engine, sqlite

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(os.environ.get("KFQ_DATA_DIR") or "var")
    if not path.is_absolute():
        path = BASE_DIR / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """DJANGO_SECRET_KEY, or a random key stored once per data folder (so sessions survive restarts)."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        # O_EXCL: when two processes start at once, only one writes the key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


KFQ_DATA_DIR = data_dir()
SECRET_KEY = secret_key(KFQ_DATA_DIR)
DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
KFQ_MAX_UPLOAD_BYTES = int(os.environ.get("KFQ_MAX_UPLOAD_BYTES", 2 * 1024 * 1024))
# Admin upload: page files per upload (a zip's members count) and their total size, unpacked.
KFQ_MAX_UPLOAD_FILES = int(os.environ.get("KFQ_MAX_UPLOAD_FILES", 40))
KFQ_MAX_UPLOAD_TOTAL_BYTES = int(os.environ.get("KFQ_MAX_UPLOAD_TOTAL_BYTES", 20 * 1024 * 1024))
# Django refuses a request with more files than this before the form sees it; kept above the form's
# own limit so editors normally get the form's clearer message.
DATA_UPLOAD_MAX_NUMBER_FILES = KFQ_MAX_UPLOAD_FILES + 10
# Checked from Content-Length before anything reads the body (kfq_archive.security.RequestSizeLimitMiddleware).
KFQ_MAX_REQUEST_BYTES = int(os.environ.get("KFQ_MAX_REQUEST_BYTES", KFQ_MAX_UPLOAD_TOTAL_BYTES + 1024 * 1024))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_ratelimit",
    "reversion",  # editors' revisions of articles, pages and issues (articles/services/history.py)
    "articles",
    "articles.search",  # before haystack: its rebuild_index command replaces haystack's for the Whoosh index
    "haystack",
]

MIDDLEWARE = [
    # Header-setting middleware first, so that even the size limit's early 413 carries the headers.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (CSRF, forms).
    "kfq_archive.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a search over the rate limit into the 429 answer (kfq_archive.security.rate_limited).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last: turns a lockout found during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Security headers. Pages and the admin need no inline script or style, so the policy allows only
# this site's own files; frames, plugins and foreign form targets are refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# HTTPS: opt-in, because `make serve` and tests speak plain HTTP on 127.0.0.1.
if env_flag("DJANGO_BEHIND_PROXY"):
    # The proxy must overwrite (never pass on) a client's X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if env_flag("DJANGO_SECURE_SSL"):
    SECURE_SSL_REDIRECT = True
    # The container's health check asks over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")

# Admin login throttling (django-axes): after KFQ_LOGIN_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is refused (even with the right password) for the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Search and the API (the costly reader requests): at most this many per client address, counted in
# fixed windows ("60/m", "1000/h"); "off" (or 0) turns the limit off. Counts are kept in files under
# KFQ_DATA_DIR so every gunicorn worker shares them; file increments are not atomic, so under races the
# limit errs on the lenient side, which suits a guard against floods (django-ratelimit's check E003).
KFQ_SEARCH_RATE = os.environ.get("KFQ_SEARCH_RATE", "60/m").strip()
RATELIMIT_ENABLE = KFQ_SEARCH_RATE.lower() not in ("", "0", "off")
if RATELIMIT_ENABLE and not re.fullmatch(r"[1-9]\d*/[1-9]?\d*[smhd]", KFQ_SEARCH_RATE):
    raise ImproperlyConfigured(
        f"KFQ_SEARCH_RATE must look like 60/m (a count per s, m, h or d) or be off, not {KFQ_SEARCH_RATE!r}"
    )
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "kfq_archive.security.rate_limited"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(KFQ_DATA_DIR / "ratelimit"),
    },
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
if env_flag("DJANGO_BEHIND_PROXY"):
    RATELIMIT_IP_META_KEY = "kfq_archive.security.forwarded_client_ip"

AXES_FAILURE_LIMIT = int(os.environ.get("KFQ_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KFQ_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kfq_archive.security.lockout_response"
if env_flag("DJANGO_BEHIND_PROXY"):
    AXES_CLIENT_IP_CALLABLE = "kfq_archive.security.forwarded_client_ip"

ROOT_URLCONF = "kfq_archive.urls"
WSGI_APPLICATION = "kfq_archive.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": sqlite.database_options(
        dj_database_url.config(default=f"sqlite:///{KFQ_DATA_DIR / 'kfq.sqlite3'}", conn_max_age=60)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = KFQ_DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Full-text search (articles/search/): a Whoosh index under KFQ_DATA_DIR by default, or an Elasticsearch 7
# server (KFQ_SEARCH_ENGINE and KFQ_ELASTICSEARCH_*, see kfq_archive/search_engine.py), kept in step with
# the database by articles.search.signals (synchronous, after each transaction commits).
KFQ_SEARCH_ENGINE = search_engine.engine_name()
HAYSTACK_CONNECTIONS = search_engine.haystack_connections(KFQ_DATA_DIR)
HAYSTACK_SIGNAL_PROCESSOR = "articles.search.signals.ArchiveSignalProcessor"

# Warnings and errors (a request that failed with its traceback, an index write left in the backlog) go
# to standard error, which gunicorn and `make serve` show, also without DEBUG; Django's default sends
# them only to the admins by email, which this site does not configure.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback": {"()": "kfq_archive.security.WithoutTraceback"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "level": "WARNING"},
        # A bad Host header is the client's mistake (or a scanner): one line, not a traceback each time.
        "stderr_one_line": {"class": "logging.StreamHandler", "level": "WARNING", "filters": ["no_traceback"]},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["stderr_one_line"], "level": "WARNING", "propagate": False},
    },
}
