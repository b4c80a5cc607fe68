"""Keeping the index in step with the database: ``sync_articles`` and the after-commit queue."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from . import analysis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    indexed: int  # visible articles written to the index
    removed: int  # ids deleted from the index (hidden, unpublished or gone)


def _backend_and_index():
    from haystack import connections

    from ..models import Article

    connection = connections["default"]
    return connection.get_backend(), connection.get_unified_index().get_index(Article)


def sync_articles(article_ids: Iterable[int]) -> SyncResult:
    """(Re)index the visible articles among ``article_ids``; remove the others from the index.

    Synchronous: when it returns, searches see the change. Safe to call with ids that no longer
    exist (they are removed) and with ids of hidden articles (removed too).
    """
    from haystack.utils import get_identifier


    ids = {int(pk) for pk in article_ids}
    if not ids:
        return SyncResult(0, 0)
    backend, index = _backend_and_index()
    visible = list(index.index_queryset().filter(pk__in=ids))
    names = set()
    for article in visible:
        names.update(article.author_names())
        names.update(zone.name for zone in article.zones.all())
    analysis.add_words(names)
    gone = sorted(ids - {article.pk for article in visible})
    backend.apply(index, visible, [get_identifier(f"articles.article.{pk}") for pk in gone])
    return SyncResult(len(visible), len(gone))


# --- after-commit queue ----------------------------------------------------------------------
# Signals fire while a transaction is open (ingest stores a page and its articles in one); the
# articles they touch are collected here and indexed once, right after the commit. Outside a
# transaction, on_commit runs at once.

_pending = threading.local()


def _queue() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids


def sync_on_commit(article_ids: Iterable[int], using: str | None = None) -> None:
    """Index these articles as soon as the current transaction commits (at once without one)."""
    ids = {int(pk) for pk in article_ids if pk is not None}
    if not ids:
        return
    queue = _queue()
    queue.update(ids)
    transaction.on_commit(flush, using=using, robust=True)


def flush() -> None:
    """Index everything queued (a no-op when an earlier callback of the same commit did it)."""
    queue = _queue()
    if not queue:
        return
    ids = set(queue)
    queue.clear()
    try:
        sync_articles(ids)
    except Exception:
        queue.update(ids)  # tried again after the next commit
        raise
