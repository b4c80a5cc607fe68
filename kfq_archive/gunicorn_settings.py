"""gunicorn's settings for the archive: ``gunicorn kfq_archive.wsgi -c python:kfq_archive.gunicorn_settings``.

Set explicitly, each for a reason of this application (gunicorn's defaults are a generic 30 s and no
worker renewal). Workers and the address stay on the command line (``WEB_CONCURRENCY``, ``--bind``).
"""

# The longest request is an editor's upload: up to 40 page files (20 MiB, the default limits) parsed,
# stored and indexed in the request; the largest allowed upload must finish well inside this (parsing
# grows with a page's size). A worker silent for longer is hung and is replaced.
timeout = 120

# On a restart or redeploy, requests under way (an upload among them) may finish for this long; an
# upload is one transaction, so a request cut off after it leaves nothing half-written either.
graceful_timeout = 60

# Workers are renewed after this many requests (spread by the jitter so they do not restart together):
# what per-process caches keep (rendered pages, related lists, index arrays) is returned to the system.
max_requests = 5000
max_requests_jitter = 500

# Read the dictionary and the index's arrays once in the master, shared by the forked workers (wsgi.py).
preload_app = True
