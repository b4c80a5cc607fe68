"""Settings for pytest (see DJANGO_SETTINGS_MODULE in pyproject.toml).

pytest-django loads settings before any conftest.py runs, so the data folder has to be redirected
here, ahead of the real settings, for tests never to touch ./var.
"""

import os
import tempfile

os.environ["KFQ_DATA_DIR"] = tempfile.mkdtemp(prefix="kfq-test-")

from kfq_archive.settings import *  # noqa: F403

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
