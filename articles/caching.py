"""Reader pages keyed on the archive's data version: ETag / Last-Modified (a conditional GET gets a 304),
``Cache-Control``, and small per-process caches of rendered pages and of parts many pages share.

The data version changes with everything a reader page shows:

* the search index's generation: every change to what readers see (an article, its page, issue,
  zone, authors, publishing) reaches the index, whose commit makes a new generation;
* the newest row of the index backlog: such a change not in the index yet (its row is written in
  the change's own transaction);
* the newest entry of the admin history: editors' changes that touch no article (a zone without
  articles, say) — every admin change and action is logged;
* the release: templates, static files and code of this deployment.

Changes made outside these paths (a database shell) are not seen until the next of them. With an
engine other than Whoosh there is no local index generation: pages are then neither validated nor
cached here.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

# Rendered pages kept per process: settings.KFQ_PAGE_CACHE of them (0: none), read at each page kept,
# and at most this many bytes of them: room for the default number of article pages, while a process
# that happens to keep large pages (long lists, tables of contents) stays bounded all the same.
PAGE_CACHE_BYTES = 32 * 1024 * 1024
CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}  # always revalidated: edits show at once

KEPT_PARTS = 256  # parts shared by many pages (related articles by zones and city) kept per process
_release: list[str] = []


class _Recent:
    """The ``size`` most recently used values by key, in this process (none when ``size`` is 0); with
    ``weigh``, also no more than ``max_weight`` in all (a value heavier than that is not kept). ``size``
    may be a function, asked at each ``put`` (a setting that tests and operators change)."""

    def __init__(self, size: int | Callable[[], int], max_weight: int = 0, weigh=None):
        self._size = size
        self.max_weight = max_weight
        self._weigh = weigh
        self._weight = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._size() if callable(self._size) else self._size

    def get(self, key, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        weight = self._weigh(value) if self._weigh else 0
        size = self.size
        if size <= 0 or (self._weigh and weight > self.max_weight):
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = value
            self._weight += weight
            while len(self._items) > size or (self._weigh and self._weight > self.max_weight):
                self._drop(next(iter(self._items)))

    def _drop(self, key) -> None:
        value = self._items.pop(key)
        if self._weigh:
            self._weight -= self._weigh(value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0


_pages = _Recent(lambda: settings.KFQ_PAGE_CACHE, PAGE_CACHE_BYTES, weigh=lambda page: len(page[0]))
_parts = _Recent(KEPT_PARTS)
_MISSING = object()


def release() -> str:
    """A digest of the deployment's templates, static files and code (names, sizes, times)."""
    if not _release:
        digest = hashlib.blake2b(digest_size=8)
        base = Path(settings.BASE_DIR)
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        roots = [base / "templates", base / "articles", base / "kfq_archive", manifest]
        for root in roots:
            files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
            for path in files:
                if path.is_file() and path.suffix in {".py", ".html", ".json", ".txt", ".xml"}:
                    info = path.stat()
                    digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\n".encode())
        _release.append(digest.hexdigest())
    return _release[0]


def data_version() -> tuple | None:
    """(index generation, newest backlog row, newest admin history entry and its time); None when the
    engine is not a local Whoosh index."""
    from django.apps import apps
    from django.contrib.admin.models import LogEntry

    from .search import index_generation

    stamp = index_generation()
    if stamp is None:
        return None
    IndexBacklog = apps.get_model("search", "IndexBacklog")
    quote = connection.ops.quote_name
    backlog, log = quote(IndexBacklog._meta.db_table), quote(LogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {backlog}), (SELECT MAX(id) FROM {log}), "  # table names from the models
            f"(SELECT MAX(action_time) FROM {log})"
        )
        backlog_id, log_id, log_time = cursor.fetchone()
    return stamp, backlog_id, log_id, log_time


def _last_modified(version: tuple) -> float | None:
    """The newest of the index's commit time and the last admin change (seconds since the epoch)."""
    stamp, _, _, log_time = version
    times = [mtime_ns / 1e9 for _, _, mtime_ns, _ in stamp]
    if isinstance(log_time, str):  # SQLite returns the aggregate as text
        log_time = datetime.fromisoformat(log_time)
    if isinstance(log_time, datetime):
        times.append((log_time if log_time.tzinfo else log_time.replace(tzinfo=UTC)).timestamp())
    return max(times) if times else None


def _etag(version: tuple) -> str:
    digest = hashlib.blake2b(repr((release(), version)).encode(), digest_size=12).hexdigest()
    return f'"{digest}"'


def _remember(key, response: HttpResponse) -> None:
    _pages.put(key, (response.content, response["Content-Type"]))


def _recall(key) -> HttpResponse | None:
    found = _pages.get(key)
    if found is None:
        return None
    content, content_type = found
    return HttpResponse(content, content_type=content_type)


def forget_pages() -> None:
    _pages.clear()
    _parts.clear()


def kept_for_version(key, compute):
    """``compute()``, kept per process for the data version like whole pages: for what many pages show
    alike (every article of a zone and city lists the same related articles). Not kept when the data
    version is unknown (an engine other than Whoosh)."""
    version = data_version()
    if version is None:
        return compute()
    value = _parts.get((key, version), _MISSING)
    if value is _MISSING:
        value = compute()
        _parts.put((key, version), value)
    return value


def conditional_page(view=None, *, daily: bool = False):
    """A reader page (GET): 304 when the client has the current version; a rendered copy when this
    process has one; otherwise rendered. Only 200 responses are validated and kept. ``daily``: the page
    also shows today's date (a citation's 引用日期), so each day is a version of its own."""
    if view is None:
        return functools.partial(conditional_page, daily=daily)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        version = data_version() if request.method in ("GET", "HEAD") else None
        if version is None:
            return view(request, *args, **kwargs)
        modified = _last_modified(version)
        if daily:
            today = timezone.localdate()
            midnight = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone()).timestamp()
            version, modified = (*version, today.isoformat()), max(modified or 0, midnight)
        etag = _etag(version)
        modified = int(modified) if modified is not None else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=modified)
        if not_modified is not None:
            patch_cache_control(not_modified, **CACHE_CONTROL)
            return not_modified
        key = (request.get_full_path(), version)
        response = _recall(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            _remember(key, response)
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified)
        patch_cache_control(response, **CACHE_CONTROL)
        return response

    return wrapper
