"""Settings. Every environment variable the archive reads is read here (the search engine's through
``search_engine.py``), checked at start-up, and has a default that is safe for one machine; the README's
“Configuration” table lists them all.

Values are read with django-environ. A blank value counts as unset (the default), except in the
comma-separated lists and ``KFQ_SEARCH_RATE``, where it means none. A value that cannot be read stops
start-up with ``ImproperlyConfigured`` naming the variable, e.g.
``KFQ_MAX_UPLOAD_BYTES: expected a whole number of bytes, got '2M'``, never a bare ``ValueError`` or a
setting silently taken for something else.
"""

import math
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured

from . import search_engine, sqlite

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _raw(name: str) -> str:
    """The variable's value without surrounding spaces ("" when unset)."""
    return env.str(name, default="").strip()


def _bad(name: str, expected: str, raw: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}: expected {expected}, got {raw!r}")


def env_flag(name: str, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case. Not django-environ's bool, which takes any other
    word for false: DJANGO_SECURE_SSL=ture must stop start-up, not leave HTTPS off."""
    raw = _raw(name)
    if not raw:
        return default
    if raw.lower() in TRUE_WORDS + FALSE_WORDS:
        return raw.lower() in TRUE_WORDS
    raise _bad(name, f"{'/'.join(TRUE_WORDS)} or {'/'.join(FALSE_WORDS)}", raw)


def env_int(name: str, default: int | None, *, unit: str, minimum: int = 0) -> int | None:
    """A whole number of ``unit`` (at least ``minimum``)."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = env.int(name)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise _bad(name, f"a whole number of {unit}" + (f" ≥ {minimum}" if minimum else ""), raw)
    return value


def env_seconds(name: str, default: float) -> float:
    """A number of seconds ≥ 0 (fractions allowed). Not django-environ's float, which drops every
    character but digits, commas, dots and minus signs (2.5s would read 2.5, 1e3 would read 13)."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        raise _bad(name, "a number of seconds ≥ 0", raw)
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated, spaces around items dropped; set but blank: an empty list."""
    return [item.strip() for item in env.list(name, default=default) if item.strip()]


def data_dir() -> Path:
    """KFQ_DATA_DIR (relative to the project root), created when missing."""
    path = Path(_raw("KFQ_DATA_DIR") or "var")
    if not path.is_absolute():
        path = BASE_DIR / path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(f"KFQ_DATA_DIR: cannot create the folder {path}: {error.strerror}") from error
    return path


def secret_key(folder: Path) -> str:
    """DJANGO_SECRET_KEY, or a random key stored once per data folder (so sessions survive restarts)."""
    # Read as written: django-environ takes a value starting with $ for the name of another variable,
    # and a secret key may start with $.
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


def database(folder: Path) -> dict:
    """DATABASE_URL (any dj-database-url URL), by default SQLite in the data folder."""
    url = _raw("DATABASE_URL") or f"sqlite:///{folder / 'kfq.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except ValueError as error:
        # The URL may carry a password: say what is wrong, not what it is.
        raise ImproperlyConfigured(
            f"DATABASE_URL: expected a database URL such as postgres://USER@HOST/NAME or "
            f"sqlite:////path/kfq.sqlite3 ({error})"
        ) from None
    return sqlite.database_options(config)


MIB = 1024 * 1024
KFQ_DATA_DIR = data_dir()
SECRET_KEY = secret_key(KFQ_DATA_DIR)
DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
KFQ_MAX_UPLOAD_BYTES = env_int("KFQ_MAX_UPLOAD_BYTES", 2 * MIB, unit="bytes", minimum=1)
# Issue PDFs: pages per file (a whole issue has 8-16) and bytes per PDF file (text files keep the limit above).
KFQ_MAX_PDF_PAGES = env_int("KFQ_MAX_PDF_PAGES", 32, unit="pages", minimum=1)
KFQ_MAX_PDF_BYTES = env_int("KFQ_MAX_PDF_BYTES", 15 * MIB, unit="bytes", minimum=1)
# Admin upload: page files per upload (a zip's members count) and their total size, unpacked.
KFQ_MAX_UPLOAD_FILES = env_int("KFQ_MAX_UPLOAD_FILES", 40, unit="files", minimum=1)
KFQ_MAX_UPLOAD_TOTAL_BYTES = env_int("KFQ_MAX_UPLOAD_TOTAL_BYTES", 20 * MIB, unit="bytes", minimum=1)
# Django refuses a request with more files than this before the form sees it; kept above the form's
# own limit so editors normally get the form's clearer message.
DATA_UPLOAD_MAX_NUMBER_FILES = KFQ_MAX_UPLOAD_FILES + 10
# Checked from Content-Length before anything reads the body (kfq_archive.security.RequestSizeLimitMiddleware);
# 0: no limit. The default leaves 1 MiB for the form around the largest upload.
KFQ_MAX_REQUEST_BYTES = env_int("KFQ_MAX_REQUEST_BYTES", KFQ_MAX_UPLOAD_TOTAL_BYTES + MIB, unit="bytes")
# Rendered reader pages kept per process for the data version (articles/caching.py); 0: none.
KFQ_PAGE_CACHE = env_int("KFQ_PAGE_CACHE", 2000, unit="pages")
# Seconds a search index write waits for another process's writer before it gives up (IndexBusy; the
# change then waits in the index backlog).
KFQ_INDEX_LOCK_TIMEOUT = env_seconds("KFQ_INDEX_LOCK_TIMEOUT", 30.0)
# Processes `manage.py rebuild_index` writes the Whoosh index with; None: the CPUs, at most 2.
KFQ_INDEX_PROCS = env_int("KFQ_INDEX_PROCS", None, unit="processes", minimum=1)

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

# HTTPS: opt-in, because `make serve` and tests speak plain HTTP on 127.0.0.1. Every variable is checked
# whether or not it is used, so a mistake shows before the day it matters.
behind_proxy = env_flag("DJANGO_BEHIND_PROXY")
hsts_seconds = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600, unit="seconds")
hsts_include_subdomains = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
hsts_preload = env_flag("DJANGO_HSTS_PRELOAD")
if behind_proxy:
    # The proxy must overwrite (never pass on) a client's X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if env_flag("DJANGO_SECURE_SSL"):
    SECURE_SSL_REDIRECT = True
    # The container's health check asks over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = hsts_include_subdomains
    SECURE_HSTS_PRELOAD = hsts_preload

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
KFQ_SEARCH_RATE = env.str("KFQ_SEARCH_RATE", default="60/m").strip()
RATELIMIT_ENABLE = KFQ_SEARCH_RATE.lower() not in ("", "0", "off")
if RATELIMIT_ENABLE and not re.fullmatch(r"[1-9]\d*/[1-9]?\d*[smhd]", KFQ_SEARCH_RATE):
    raise _bad("KFQ_SEARCH_RATE", "a count per s, m, h or d such as 60/m, or off", KFQ_SEARCH_RATE)
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
if behind_proxy:
    RATELIMIT_IP_META_KEY = "kfq_archive.security.forwarded_client_ip"

AXES_FAILURE_LIMIT = env_int("KFQ_LOGIN_FAILURE_LIMIT", 5, unit="failed logins", minimum=1)
# At least a minute: django-axes takes a cool-off of 0 for none, a lockout that never ends.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KFQ_LOGIN_COOLOFF_MINUTES", 15, unit="minutes", minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kfq_archive.security.lockout_response"
if behind_proxy:
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

DATABASES = {"default": database(KFQ_DATA_DIR)}
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

# Full-text search (articles/search/): a Whoosh index under KFQ_DATA_DIR by default, or an OpenSearch
# cluster (KFQ_SEARCH_ENGINE and KFQ_OPENSEARCH_*, see kfq_archive/search_engine.py), kept in step with
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
