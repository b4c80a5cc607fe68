"""WSGI entry point: ``gunicorn kfq_archive.wsgi --preload``.

Importing it also loads jieba's dictionary with the archive's words (~1 s). With ``--preload`` that
happens once, in the master, before the workers fork: they share it, and no worker's first search
waits for it. Without ``--preload`` each worker does it as it starts instead of at its first search.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq_archive.settings")

application = get_wsgi_application()


def warm_search() -> None:
    """Build the search dictionary now; no database connection is left open to cross the fork."""
    from django.db import connections

    from articles.search import analysis

    try:
        analysis.segmenter()
    finally:
        connections.close_all()
    gc.freeze()  # what is loaded now stays out of the collector's way, so the forked copies stay shared


warm_search()
