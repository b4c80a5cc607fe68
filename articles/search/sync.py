"""Keeping the index in step with the database: a transactional outbox (``IndexBacklog``).

A change that alters what an article's index entry holds queues the article's id in the backlog in
the same transaction as the change (the signal processor and ``sync_on_commit``). Right after the
commit the process drains: it takes the Whoosh writer (one writer at a time across processes, waiting
at most ``KFQ_INDEX_LOCK_TIMEOUT`` seconds), reads the rows, indexes the visible ones among their articles,
removes the others, commits the index, and only then deletes the rows it read. Anything that stops it
in between (a lock timeout, an exception, a killed process) leaves the rows for the next drain: the next
change anywhere takes up to ``DRAIN_EXTRA`` of them along with its own, an ingest run and
``manage.py check_index --repair`` take all.

Why nothing is lost: a drain deletes only rows it read, and it reads the articles after the rows, so
a change committed while a drain runs keeps its own row (committed after the drain read the others).

Each engine writes the rows it takes (``SearchEngine.apply``): Whoosh as above
(``whoosh_engine.writing``); OpenSearch in one bulk request inside a transaction that locks the rows it
took (``select_for_update``: on PostgreSQL a second drain of the same article waits, so writes land in
order).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, transaction

from .backlog import insert
from .contract import IndexBusy, SyncResult
from .engine import get_search_engine

log = logging.getLogger(__name__)

DRAIN_EXTRA = 20  # older backlog rows an after-commit drain takes besides its own (keeps saves fast)
# Seconds an editor's request waits for another writer (an ingest run, a rebuild) before leaving its
# articles in the backlog: that writer drains the whole backlog before it lets go (``drain_all``), and
# a wait this short keeps a save from holding a worker near gunicorn's timeout.
REQUEST_LOCK_TIMEOUT = 1.0
DEFERRED_BATCH = 2000  # articles an ingest run leaves in the backlog before writing them in one commit
DRAIN_CHUNK = 5000  # rows per Whoosh commit when the whole backlog is drained (above a batch: one commit)


# --- writing the index --------------------------------------------------------------------------


def _drain_once(own: set[int] | None, limit: int | None, skip: set[int], timeout: float | None) -> tuple:
    """One commit of the engine's; returns (SyncResult, rows taken)."""
    return get_search_engine().apply(own, limit, skip, timeout)


def drain(article_ids: Iterable[int] | None = None, *, extra: int = DRAIN_EXTRA, timeout=None) -> SyncResult:
    """Index the backlog rows of ``article_ids`` and up to ``extra`` others, in one commit.

    Raises ``IndexBusy`` when another writer holds the index longer than the timeout; the rows stay.
    """
    own = {int(pk) for pk in article_ids or ()}
    result, _ = _drain_once(own, extra, set(), timeout)
    return result


def drain_all(*, chunk: int = DRAIN_CHUNK, timeout=None) -> SyncResult:
    """Index the whole backlog, ``chunk`` articles per commit, until it holds only failed articles.

    It stops only when no row is left: rows that saves left while a pass held the writer (they waited
    ``REQUEST_LOCK_TIMEOUT`` at most) are taken by the next pass.
    """
    from .models import IndexBacklog

    indexed = removed = 0
    failed: set[int] = set()
    while True:
        result, taken = _drain_once(None, chunk, failed, timeout)
        indexed, removed = indexed + result.indexed, removed + result.removed
        failed.update(result.failed)
        if taken == 0 or not IndexBacklog.objects.exclude(article_id__in=failed).exists():
            return SyncResult(indexed, removed, tuple(sorted(failed)))


# --- queueing -----------------------------------------------------------------------------------

_local = threading.local()


class _Queued:
    """The on-commit callback of one transaction, and what it queued.

    ``ids`` maps an article id to the savepoints open when its row was written: the row needs writing
    again only where that savepoint stack is not still in effect (it may have been rolled back).
    """

    def __init__(self, using: str):
        self.__qualname__ = "index the transaction's articles"  # Django names a failed callback by this
        self.using = using
        self.ids: dict[int, tuple] = {}
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        _after_commit(set(self.ids))


def _current(connection) -> _Queued | None:
    """This transaction's callback, unless the transaction (or its savepoint) was rolled back since."""
    queued = getattr(_local, "queued", {}).get(connection.alias)
    if queued is None or queued.ran:  # (tests capturing callbacks run them without clearing the list)
        return None
    if any(func is queued for _, func, _ in connection.run_on_commit):
        return queued
    return None


def _still_in_effect(stack: tuple | None, current: tuple) -> bool:
    return stack is not None and current[: len(stack)] == stack


def sync_on_commit(article_ids: Iterable[int], using: str | None = None) -> None:
    """Queue these articles for the index in the current transaction; indexed right after it commits.

    Without a transaction the row is written and drained at once.
    """
    ids = {int(pk) for pk in article_ids if pk is not None}
    if not ids:
        return
    using = using or DEFAULT_DB_ALIAS
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        insert(sorted(ids), using)
        _after_commit(ids)
        return
    queued = _current(connection)
    stack = tuple(connection.savepoint_ids)
    fresh = sorted(pk for pk in ids if queued is None or not _still_in_effect(queued.ids.get(pk), stack))
    insert(fresh, using)
    if queued is None:
        queued = _Queued(using)
        _local.queued = {**getattr(_local, "queued", {}), using: queued}
        transaction.on_commit(queued, using=using, robust=True)
    for pk in fresh:
        queued.ids[pk] = stack


def sync_articles(article_ids: Iterable[int]) -> SyncResult:
    """(Re)index the visible articles among ``article_ids`` now; remove the others from the index.

    Synchronous: when it returns, searches see the change (``IndexBusy`` if another writer keeps the
    index busy past the timeout; the articles stay queued). Inside a transaction it indexes what that
    transaction sees; ``sync_on_commit`` waits for the commit instead. Safe with ids that no longer
    exist or are hidden: they are removed.
    """
    ids = {int(pk) for pk in article_ids}
    if not ids:
        return SyncResult(0, 0)
    insert(sorted(ids), DEFAULT_DB_ALIAS)
    return drain(ids)


# --- after the commit ---------------------------------------------------------------------------


class DeferredIndexing:
    """State of a ``deferred_indexing`` block: articles queued since the last write, and what was written."""

    def __init__(self, batch: int):
        self.batch = batch
        self.queued = 0
        self.indexed = 0
        self.removed = 0
        self.failed: set[int] = set()

    def write(self) -> None:
        result = drain_all()
        self.queued = 0
        self.indexed += result.indexed
        self.removed += result.removed
        self.failed.update(result.failed)


def _after_commit(article_ids: set[int]) -> None:
    deferred = getattr(_local, "deferred", None)
    try:
        if deferred is None:
            drain(article_ids, timeout=REQUEST_LOCK_TIMEOUT if in_request() else None)
            _local.drained = True
            return
        deferred.queued += len(article_ids)
        if deferred.queued >= deferred.batch:
            deferred.write()
    except IndexBusy:
        log.warning(
            "the search index stayed busy; %d articles wait in the index backlog for the next write "
            "(or manage.py check_index --repair)",
            len(article_ids),
        )


def request_started() -> None:
    """This thread serves a request: merges wait until the response is sent (``signals.tidy_index``)."""
    _local.in_request = True


def request_ended() -> None:
    _local.in_request = False


def in_request() -> bool:
    return getattr(_local, "in_request", False)


def take_drained() -> bool:
    """Whether this thread wrote the index after a commit since it was last asked (then: merge time)."""
    drained, _local.drained = getattr(_local, "drained", False), False
    return drained


@contextmanager
def deferred_indexing(batch: int = DEFERRED_BATCH) -> Iterator[DeferredIndexing]:
    """Within the block, each transaction still queues its articles with its commit, but the index
    takes them ``batch`` articles per commit and at the end: one Whoosh commit per batch instead of
    one per page. If the process dies inside, the backlog holds what is not indexed yet.

    The final write raises ``IndexBusy`` if another writer keeps the index busy (the rows stay queued).
    """
    outer = getattr(_local, "deferred", None)
    if outer is not None:  # nested: the outer block writes the index
        yield outer
        return
    state = _local.deferred = DeferredIndexing(batch)
    try:
        yield state
    except Exception:
        _local.deferred = None
        try:
            state.write()  # what was committed before the error
        except Exception:
            log.exception("indexing after a failed run failed too; the articles stay in the index backlog")
        raise
    except BaseException:  # interrupted: do not hold the user up; the backlog keeps the rest
        _local.deferred = None
        raise
    _local.deferred = None
    state.write()
