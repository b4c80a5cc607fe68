"""WSGI entry point: ``gunicorn kfq_archive.wsgi --preload``.

Importing it also loads jieba's dictionary with the archive's words (slow). With ``--preload`` that
happens once, in the master, before the workers fork: they share it, and no worker's first search
waits for it. Without ``--preload`` each worker does it as it starts instead of at its first search.
"""

import gc
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq_archive.settings")

application = get_wsgi_application()


def warm_search() -> None:
    """Build the search dictionary, import the views and read the index ahead now (``search.warm``);
    no database connection or index file is left open to cross the fork. A missing or unreadable
    index is not read here: the first search reports it."""
    from django.db import connections
    from django.urls import reverse

    from articles import search

    try:
        reverse("search")  # imports the URLconf and the views, and builds the table links are made from
        try:
            search.warm()
        except Exception:
            logging.getLogger(__name__).warning("the search index could not be read ahead", exc_info=True)
    finally:
        connections.close_all()
    gc.freeze()  # what is loaded now stays out of the collector's way, so the forked copies stay shared


warm_search()
