"""Writing backlog rows to the Whoosh index: under the writer lock (one writer at a time across
processes), the rows are read, the visible ones among their articles (re)indexed and the others
deleted, the index committed, and only then the rows deleted (``sync``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager

from .. import analysis
from ..backlog import chunks, forget_rows, identifier, take_rows
from ..contract import SyncResult
from .internals.searcher import get_searcher

log = logging.getLogger(__name__)


def write_articles(backend, index, writer, article_ids: Iterable[int]) -> SyncResult:
    """Into an open writer: the visible ones among ``article_ids`` (re)indexed, the others deleted."""
    from haystack.constants import ID

    ids = sorted({int(pk) for pk in article_ids})
    visible = {}
    for chunk in chunks(ids):
        visible.update((article.pk, article) for article in index.index_queryset().filter(pk__in=chunk))
    names = set()
    for article in visible.values():
        names.update(article.author_names())
        names.update(zone.name for zone in article.zones.all())
    analysis.add_words(names)  # new author and zone names are words before their articles are indexed
    indexed = removed = 0
    failed = []
    # Delete every entry of the article, then add (``update_document`` replaces only one of two copies).
    with _deletion_searcher(writer) as searcher:
        for pk in ids:
            article = visible.get(pk)
            try:
                doc = backend.document(index, article) if article is not None else None
            except Exception:  # one broken article must not keep the others out of the index
                log.exception("article %s could not be indexed; it stays in the index backlog", pk)
                failed.append(pk)
                continue
            writer.delete_by_term(ID, identifier(pk), searcher=searcher)
            if doc is None:
                removed += 1
            else:
                writer.add_document(**doc)
                indexed += 1
    return SyncResult(indexed, removed, tuple(failed))


@contextmanager
def _deletion_searcher(writer):
    """A searcher numbering documents as ``writer`` does: this thread's kept searcher when it reads the
    same segments (no readers to open), otherwise a new one on the writer's segments."""
    kept = get_searcher()
    read = [reader.segment() for reader, _ in kept.reader().leaf_readers()]
    if [segment.segment_id() for segment in read if segment] == [segment.segment_id() for segment in writer.segments]:
        yield kept
        return
    with writer.searcher() as fresh:
        yield fresh


@contextmanager
def locked_writer(backend, timeout: float | None = None):
    """The Whoosh writer (``IndexBusy`` after ``timeout`` s, default KFQ_INDEX_LOCK_TIMEOUT); cancelled if the
    block raises. The block commits it (``backend.commit``) or cancels it."""
    writer = backend.writer(timeout)
    try:
        yield writer
    except BaseException:
        backend.cancel(writer)
        raise


def drain_once(backend, index, own: set[int] | None, limit: int | None, skip: set[int], timeout, *, tidy: bool):
    """One writer, one commit; returns (SyncResult, rows taken). ``tidy``: merge right after if small
    segments piled up (not in a request: the merge comes after the response)."""
    with locked_writer(backend, timeout) as writer:
        # Rows are read while holding the lock, so two drains never take the same rows.
        rows = take_rows(own, limit, skip)
        if not rows:
            backend.cancel(writer)  # (a writer creates its segment's files at once: they are removed)
            return SyncResult(0, 0), 0
        result = write_articles(backend, index, writer, {article_id for _, article_id in rows})
        backend.commit(writer, result.indexed + result.removed, tidy=tidy)
    forget_rows(rows, result.failed)
    return result, len(rows)
