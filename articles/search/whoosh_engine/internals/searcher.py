"""One Whoosh searcher per process, refreshed when the index on disk changes.

Opening readers for every query (haystack's path) costs more than the query on a kept searcher. Here the
searcher stays open; before each use a directory listing of the index's table-of-contents files
(generation number, inode, mtime) says whether a writer has committed since, or the index was
rebuilt, and only then is the searcher refreshed.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from django.conf import settings
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.searching import Searcher

INDEX_NAME = "MAIN"  # haystack's Whoosh backend uses the default index name
OPEN_ATTEMPTS = 20  # readings of the table of contents before a missing segment file is an error

_lock = threading.Lock()
_local = threading.local()  # each thread's searcher (Whoosh searchers are not meant to be shared)


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

    connections["default"].get_backend().setup()  # creates the folder and an empty index


def open_index():
    """The index for reading, without memory maps: Whoosh copies each memory-mapped file of a compound
    segment into a buffer of its own as it opens it (time and memory that grow with the index, in every
    worker); read through the file instead, the operating system's cache is shared by all workers."""
    return FileStorage(str(index_path()), supports_mmap=False).open_index(INDEX_NAME)


def open_searcher() -> Searcher:
    """A searcher on the latest committed generation of the index.

    A commit writes its table of contents first, then deletes the files of the segments it replaced
    (and older tables): a reader that read the previous table just before finds a file gone. Whoosh's
    ``reader()`` then sleeps 50 ms before reading the table again (on every search right after another
    worker's merge, delaying the moment an editor's save becomes searchable); the newer table is
    already there, so it is read again at once (after a millisecond or two if commits go on)."""
    for attempt in range(OPEN_ATTEMPTS):
        try:
            index = open_index()
            toc = index._read_toc()
            return Searcher(FileIndex._reader(index.storage, toc.schema, toc.segments, toc.generation), fromindex=index)
        except OSError:
            if attempt + 1 == OPEN_ATTEMPTS:
                raise
            time.sleep(0.001 * attempt)


def get_searcher() -> Searcher:
    """This thread's searcher on the latest committed index (one per process with sync workers)."""
    stamp = generation_stamp()
    current = getattr(_local, "searcher", None)
    if current is not None and stamp == getattr(_local, "stamp", None):
        return current
    if not stamp:
        with _lock:
            _ensure_index()
        stamp = generation_stamp()
    # A new searcher, not Whoosh's ``refresh()``: that reuses no reader (its table of reusable readers is
    # keyed by generation and looked up by segment id), closes the old ones first, and if a segment's
    # file is deleted under it (another process's merge) retries with those closed readers: every
    # search of this process failed from then on. ``open_searcher`` reads the table of contents again
    # when a file is gone.
    fresh = open_searcher()
    fresh.kfq_stamp = stamp  # what the caches key on: document numbers hold within one generation
    _local.searcher, _local.stamp = fresh, stamp
    if current is not None:
        current.close()
    return fresh


def stamp_of(searcher: Searcher) -> tuple:
    """The generation stamp of the index ``searcher`` reads."""
    return getattr(searcher, "kfq_stamp", None) or ()


def close() -> None:
    """Close this thread's searcher, its open files with it (before a fork: the workers must not share
    file positions); what was read through it (``arrays``: each segment's facet codes, date order,
    lengths) stays, and the next search opens a new searcher."""
    from . import arrays

    current = getattr(_local, "searcher", None)
    _local.searcher = _local.stamp = None
    arrays.forget_view()
    if current is not None:
        current.close()


def release_if_stale() -> None:
    """Close this thread's searcher when a newer generation was committed: it holds the files of
    segments that merges have deleted, whose disk space is freed only when they are closed. Called
    after each request, so a worker does not keep them until its next search."""
    current = getattr(_local, "searcher", None)
    if current is not None and getattr(_local, "stamp", None) != generation_stamp():
        close()


def reset() -> None:
    """Close this thread's searcher (tests, or after moving the index)."""
    close()
