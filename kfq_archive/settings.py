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
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
KFQ_MAX_UPLOAD_BYTES = int(os.environ.get("KFQ_MAX_UPLOAD_BYTES", 2 * 1024 * 1024))
# Admin upload: page files per upload (a zip's members count) and their total size, unpacked.
KFQ_MAX_UPLOAD_FILES = int(os.environ.get("KFQ_MAX_UPLOAD_FILES", 40))
KFQ_MAX_UPLOAD_TOTAL_BYTES = int(os.environ.get("KFQ_MAX_UPLOAD_TOTAL_BYTES", 20 * 1024 * 1024))
# Django refuses a request with more files than this before the form sees it; kept above the form's
# own limit so editors normally get the form's clearer message.
DATA_UPLOAD_MAX_NUMBER_FILES = KFQ_MAX_UPLOAD_FILES + 10

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "haystack",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
    "default": dj_database_url.config(
        default=f"sqlite:///{KFQ_DATA_DIR / 'kfq.sqlite3'}",
        conn_max_age=60,
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

# Full-text search (articles/search/): a Whoosh index under KFQ_DATA_DIR, kept in step with the
# database by articles.search.signals (synchronous, after each transaction commits).
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "articles.search.backend.ArchiveWhooshEngine",
        "PATH": str(KFQ_DATA_DIR / "whoosh_index"),
    }
}
HAYSTACK_SIGNAL_PROCESSOR = "articles.search.signals.ArchiveSignalProcessor"
