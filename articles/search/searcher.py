"""One Whoosh searcher per process, refreshed when the index on disk changes.

Opening readers for every query (haystack's path) costs ~20x a query on a kept searcher. Here the
searcher stays open; before each use a directory listing of the index's table-of-contents files
(generation number, inode, mtime) says whether a writer has committed since, or the index was
rebuilt, and only then is the searcher refreshed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

INDEX_NAME = "MAIN"  # haystack's Whoosh backend uses the default index name

_lock = threading.Lock()
_state: dict = {"stamp": None, "searcher": None, "zones": None}


def index_path() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])


def generation_stamp(path: Path | None = None) -> tuple:
    """What identifies the committed index on disk; changes with every commit and every rebuild."""
    path = path or index_path()
    try:
        names = [name for name in os.listdir(path) if name.startswith(f"_{INDEX_NAME}_") and name.endswith(".toc")]
    except FileNotFoundError:
        return ()
    stamp = []
    for name in sorted(names):
        try:
            info = os.stat(path / name)
        except FileNotFoundError:
            continue
        stamp.append((name, info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def _ensure_index() -> None:
    """Create an empty index (through haystack, with the archive's schema) if there is none yet."""
    from haystack import connections

    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()


def get_searcher() -> Searcher:
    """The process's searcher on the latest committed index."""
    stamp = generation_stamp()
    current = _state["searcher"]
    if current is not None and stamp == _state["stamp"]:
        return current
    with _lock:
        if _state["searcher"] is not None and generation_stamp() == _state["stamp"]:
            return _state["searcher"]
        if not stamp:
            _ensure_index()
        stamp = generation_stamp()
        ix = whoosh_index.open_dir(str(index_path()), indexname=INDEX_NAME)
        _state["searcher"] = ix.searcher()
        _state["stamp"] = stamp
        _state["zones"] = None
        return _state["searcher"]


def reset() -> None:
    """Drop the kept searcher (tests, or after moving the index)."""
    with _lock:
        _state["searcher"] = None
        _state["stamp"] = None
        _state["zones"] = None


def forget_zones() -> None:
    _state["zones"] = None


def zone_names():
    """Gazetteer (from the database), cached until the index or a zone changes."""
    cached = _state["zones"]
    if cached is None:
        from ..gazetteer_db import gazetteer_from_db

        cached = gazetteer_from_db()
        _state["zones"] = cached
    return cached
