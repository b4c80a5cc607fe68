"""WSGI entry point: ``gunicorn kfq_archive.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq_archive.settings")

application = get_wsgi_application()
