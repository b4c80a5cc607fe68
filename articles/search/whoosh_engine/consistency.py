"""Does the index hold exactly what readers can see? ``manage.py check_index`` and the search.W001 check.

The database side is every visible article prepared as the index would take it: the digest of the whole
prepared document (``kfq_hash``, see ``backend.content_hash``) and the values the index stores (id, facets,
dates). The index side is every live document's stored values, digest included. An entry written from an
older state of its article has another digest; an entry altered afterwards has other stored values. No text
is analysed, so a full check costs one pass of document preparation, not a rebuild.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from ..backlog import chunks, forget_rows, identifier, take_rows
from .internals.arrays import index_arrays
from .internals.searcher import get_searcher
from .matching import stale_documents
from .writing import locked_writer, write_articles

log = logging.getLogger(__name__)


def _backend_and_index():
    from ..engine import get_search_engine

    engine = get_search_engine()
    return engine.backend, engine.index


ARTICLE_CT = "articles.article"
BACKLOG_GRACE = datetime.timedelta(minutes=1)  # younger backlog rows are writes in progress, not drift


@dataclass
class Drift:
    visible: int = 0  # articles readers can see
    indexed: int = 0  # live documents in the index
    missing: list[int] = field(default_factory=list)  # visible, not in the index
    stale: list[int] = field(default_factory=list)  # in the index, hidden or gone from the database
    changed: list[int] = field(default_factory=list)  # indexed differently from the database (or twice)
    strays: list[int] = field(default_factory=list)  # document numbers of entries naming no article
    unpreparable: list[int] = field(default_factory=list)  # visible articles whose document fails
    backlog: int = 0  # rows waiting in the index backlog

    @property
    def article_ids(self) -> set[int]:
        return {*self.missing, *self.stale, *self.changed}

    def __bool__(self) -> bool:
        return bool(self.missing or self.stale or self.changed or self.strays)


Fingerprint = dict  # a document's stored values (digest included), as the index returns them


def database_fingerprints(article_ids=None) -> tuple[dict[int, Fingerprint], list[int]]:
    """{pk: fingerprint} of the visible articles (all, or those among ``article_ids``), and the pks that fail."""
    backend, index = _backend_and_index()
    if not backend.setup_complete:
        backend.setup()
    stored = [name for name, field_type in backend.schema.items() if field_type.stored]
    queryset = index.index_queryset().order_by("pk")
    if article_ids is not None:
        batches = (queryset.filter(pk__in=chunk) for chunk in chunks(sorted(article_ids)))
    else:
        batches = (queryset.iterator(chunk_size=500),)
    fingerprints, failed = {}, []
    for batch in batches:
        for article in batch:
            try:
                doc = backend.document(index, article)
            except Exception:
                log.exception("article %s: its index document cannot be prepared", article.pk)
                failed.append(article.pk)
                continue
            if doc is not None:
                fingerprints[article.pk] = {name: doc[name] for name in stored if doc.get(name) is not None}
    return fingerprints, failed


def index_entries(reader, article_ids=None) -> tuple[dict[int, list[Fingerprint]], list[int]]:
    """{pk: [fingerprint of each live document of that article]} and the numbers of documents naming none."""
    from haystack.constants import DJANGO_CT, DJANGO_ID, ID

    if article_ids is not None:
        terms = [identifier(pk) for pk in article_ids]
        found = (reader.postings(ID, term).all_ids() for term in terms if (ID, term) in reader)
        docnums = {docnum for ids in found for docnum in ids if not reader.is_deleted(docnum)}
    else:
        docnums = reader.all_doc_ids()
    entries: dict[int, list[Fingerprint]] = {}
    strays = []
    for docnum in sorted(docnums):
        stored = reader.stored_fields(docnum)
        pk = _article_pk(stored.get(ID), stored.get(DJANGO_CT), stored.get(DJANGO_ID))
        if pk is None:
            strays.append(docnum)
        else:
            entries.setdefault(pk, []).append(dict(stored))
    return entries, strays


def _article_pk(doc_id, content_type, django_id) -> int | None:
    try:
        pk = int(django_id)
    except (TypeError, ValueError):
        return None
    return pk if content_type == ARTICLE_CT and doc_id == identifier(pk) else None


def compare(database: dict[int, Fingerprint], entries: dict[int, list[Fingerprint]], strays: list[int]) -> Drift:
    drift = Drift(visible=len(database), indexed=sum(map(len, entries.values())) + len(strays))
    drift.missing = sorted(database.keys() - entries.keys())
    drift.stale = sorted(entries.keys() - database.keys())
    drift.changed = sorted(pk for pk in database.keys() & entries.keys() if entries[pk] != [database[pk]])
    drift.strays = list(strays)
    return drift


def backlog_rows() -> int:
    from ..models import IndexBacklog

    return IndexBacklog.objects.count()


def find_drift() -> Drift:
    """Compare the whole database with the committed index.

    Without the writer lock: a change being written while this runs can show up as drift, so the
    articles found drifting are compared a second time before they are reported.
    """
    database, unpreparable = database_fingerprints()
    entries, strays = index_entries(get_searcher().reader())
    drift = compare(database, entries, strays)
    if drift.article_ids:  # look again at just these: a write in flight has finished by now
        suspects = drift.article_ids
        database_now, _ = database_fingerprints(suspects)
        entries_now, _ = index_entries(get_searcher().reader(), suspects)
        again = compare(database_now, entries_now, [])
        drift.missing = [pk for pk in drift.missing if pk in again.missing]
        drift.stale = [pk for pk in drift.stale if pk in again.stale]
        drift.changed = [pk for pk in drift.changed if pk in again.changed]
    drift.unpreparable = unpreparable
    drift.backlog = backlog_rows()
    return drift


@dataclass
class Repair:
    found: Drift
    indexed: int = 0
    removed: int = 0  # article ids removed, plus stray documents deleted
    failed: tuple[int, ...] = ()


def repair(timeout: float | None = None) -> Repair:
    """Make the index equal to the database, backlog included, in one Whoosh commit.

    The database side is prepared before the writer lock is taken (it is the slow part); under the
    lock the index side and the backlog are read, and only drifting or queued articles are written.
    A change committed meanwhile either was indexed already (and is rewritten, harmlessly) or still
    has its backlog row, which is read under the lock.
    """
    from ..sync import drain_all

    database, unpreparable = database_fingerprints()
    backend, index = _backend_and_index()
    with locked_writer(backend, timeout) as writer:
        entries, strays = index_entries(writer.reader())
        drift = compare(database, entries, strays)
        drift.unpreparable = unpreparable
        rows = take_rows(None, None, set())
        drift.backlog = len(rows)
        for docnum in strays:
            writer.delete_document(docnum)
        ids = drift.article_ids | {article_id for _, article_id in rows}
        result = write_articles(backend, index, writer, ids)
        backend.commit(writer, result.indexed + result.removed + len(strays))
    forget_rows(rows, result.failed)
    later = drain_all(timeout=timeout)  # rows committed while this ran
    return Repair(
        drift,
        indexed=result.indexed + later.indexed,
        removed=result.removed + later.removed + len(strays),
        failed=tuple(sorted({*result.failed, *later.failed})),
    )


def quick_check() -> list[str]:
    """Cheap signs of drift for the system check: counts and old backlog rows (no documents prepared)."""
    from django.utils import timezone

    from ...models import Article
    from ..models import IndexBacklog

    problems = []
    visible = Article.objects.visible().count()
    searcher = get_searcher()
    indexed = searcher.doc_count()
    stale = stale_documents(index_arrays(searcher))
    if stale:
        problems.append(
            f"检索索引中有 {stale} 篇文章按旧的分析方式写成（繁简、全角未统一），检索会漏掉它们：运行 "
            f"manage.py rebuild_index --noinput / {stale} index documents were analysed before the current "
            "folding (traditional/simplified, full-width); rebuild the index"
        )
    if indexed != visible:
        problems.append(
            f"检索索引有 {indexed} 篇文章，数据库中公开文章 {visible} 篇 / the search index holds {indexed} "
            f"articles, readers can see {visible}"
        )
    waiting = IndexBacklog.objects.filter(enqueued_at__lt=timezone.now() - BACKLOG_GRACE).count()
    if waiting:
        problems.append(
            f"{waiting} 条索引待办超过一分钟未处理 / {waiting} index backlog rows have waited over a minute"
        )
    return problems
