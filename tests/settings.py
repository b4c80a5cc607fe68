"""Settings for pytest (see DJANGO_SETTINGS_MODULE in pyproject.toml).

pytest-django loads settings before any conftest.py runs, so the data folder has to be redirected
here, ahead of the real settings, for tests never to touch ./var.

The database is SQLite unless KFQ_TEST_DATABASE_URL names another (``bash .ci/with-postgres`` sets it
to a throwaway PostgreSQL server); DATABASE_URL is ignored so that tests never reach a real database.
pytest-django creates the test database (``test_<name>``) and drops it afterwards.
"""

import os
import tempfile

import dj_database_url

os.environ["KFQ_DATA_DIR"] = tempfile.mkdtemp(prefix="kfq-test-")
os.environ.pop("DATABASE_URL", None)

from kfq_archive.settings import *  # noqa: F403
from kfq_archive.settings import DATABASES

if os.environ.get("KFQ_TEST_DATABASE_URL"):
    DATABASES["default"] = dj_database_url.parse(os.environ["KFQ_TEST_DATABASE_URL"])

# The manifest storage needs collectstatic to have run; tests render templates without it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders; nothing is collected in tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
# client.login() has no request to throttle; see tests/auth.py.
AUTHENTICATION_BACKENDS = [
    "tests.auth.AxesBackendAllowingTestClientLogin",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]
# Off in tests; tests/test_rate_limit.py turns it on.
RATELIMIT_ENABLE = False
