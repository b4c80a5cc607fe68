"""Haystack's Whoosh backend, adjusted for this archive.

* Fields marked ``kfq_kind = "exact"`` are stored as whole values (ID, or comma-separated KEYWORD
  for lists), so facets count 朔州经济开发区 and not its analysed pieces.
* ``kfq_kind = "bigram"`` fields are indexed with positions, not stored, and keep their folded, lowercased
  text in a column of their own (``BigramText``), where a phrase's uncertain candidates are checked.
* Integer fields are sortable (date order).
* Writes wait for Whoosh's lock (one writer at a time across processes) for at most
  ``KFQ_INDEX_LOCK_TIMEOUT`` seconds (a setting), then raise ``IndexBusy``: never a silent failure, never a background
  thread; when a write returns, the index is up to date.
* Every document carries ``kfq_hash``, a digest of what was indexed, so ``manage.py check_index``
  can tell a changed article from an unchanged one without re-analysing anything.
* Merging: a small write (an editor's save) adds its own segment without merging anything, so it
  commits in tens of milliseconds whatever the size of the index. Small segments are merged by
  ``tidy()`` (five of one size class at a time, so each document is merged a logarithmic number of
  times; see ``merging``): after the editor's response is sent (see ``signals``), and
  right after any small write that leaves ``MAX_SMALL_SEGMENTS`` small segments (scripts, where no
  response comes). The merged segment is written without the write lock (``merging``), so a save
  never waits for a merge. Why not on every save: a merge writes every document of the merged
  segments again, more work than the save itself; why at all: each search opens and reads every
  segment, so a pile of small ones slows every search (bench/README.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from django.conf import settings
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID
from haystack.utils import get_identifier
from whoosh.columns import VarBytesColumn
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, NUMERIC, STORED, TEXT
from whoosh.index import LockError
from whoosh.writing import CLEAR

from ..contract import IndexBusy
from ..fields import prepared
from ..folding import ANALYSIS, ANALYSIS_FIELD, fold
from .analyzers import BigramAnalyzer, JiebaAnalyzer
from .internals import merging
from .internals.codec import InliningCodec

log = logging.getLogger(__name__)

__all__ = ["HASH_FIELD", "ArchiveWhooshBackend", "ArchiveWhooshEngine", "WriterBusy"]

LOCK_POLL = 0.02  # seconds between attempts to take the lock
HASH_FIELD = "kfq_hash"
SMALL_WRITE = 200  # documents; a write this small commits without merging ...
MAX_SMALL_SEGMENTS = 10  # ... and merges right after if the index has this many segments of at most SMALL_WRITE
MERGE_SWAP_TIMEOUT = 2.0  # seconds a merge waits for the write lock to swap its segment in (else dropped)
REBUILD_LIMITMB = 256  # MB of memory per writer process for a rebuild (postings sorted in memory)
REBUILD_CHUNK = 1000  # articles read from the database at a time during a rebuild
REBUILD_JOB = 100  # documents handed to a writer process at a time


class WriterBusy(IndexBusy, LockError):
    """Another process kept Whoosh's write lock past the timeout."""


def content_hash(doc: dict) -> str:
    """A digest of a prepared document: equal digests, equal index entries."""
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


class BigramText(TEXT):
    """A bigram field: postings with positions, and the field's text, folded and lowercased, in a column.

    Checking a candidate's text for a phrase costs a few microseconds; checking it by the positions of
    the phrase's bigrams means reading their postings, which for bigrams found in most articles is
    most of a search at tens of thousands of articles. (A column holds at most 2 GB per segment:
    some 800,000 articles in one segment.)
    """

    def __init__(self, **kwargs):
        super().__init__(phrase=True, sortable=VarBytesColumn(), **kwargs)

    def to_column_value(self, value):
        return fold(value).lower().encode("utf-8")


class ArchiveWhooshBackend(WhooshSearchBackend):
    # Newest issue first, then page and position, through a SearchQuerySet: haystack's Whoosh backend
    # sorts every field the same way.
    date_order = ("-sort_date", "-sort_seq")

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            kind = getattr(field_class, "kfq_kind", None)
            if kind == "exact":
                if field_class.is_multivalued:
                    replacement = KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)
                else:
                    replacement = WHOOSH_ID(stored=True, sortable=True)
            elif kind == "bigram":
                replacement = BigramText(analyzer=BigramAnalyzer(), stored=False, field_boost=field_class.boost)
            elif kind == "words":
                # jieba word fields only rank, by frequency: without positions their postings are a third
                # the size to read.
                replacement = TEXT(analyzer=JiebaAnalyzer(), phrase=False, stored=False, field_boost=field_class.boost)
            elif field_class.field_type == "integer":
                replacement = NUMERIC(stored=field_class.stored, numtype=int, bits=64, sortable=True)
            else:
                continue
            schema.remove(name)
            schema.add(name, replacement)
        schema.add(HASH_FIELD, STORED())
        # How the document's text was analysed (``folding.ANALYSIS``): documents without the current value
        # are found by one term lookup (``matching.stale_documents``) and rewritten by check_index --repair.
        schema.add(ANALYSIS_FIELD, WHOOSH_ID(stored=True))
        return content_field_name, schema

    def writer(self, timeout: float | None = None):
        """A Whoosh writer on the latest generation of the index; ``IndexBusy`` after ``timeout`` s
        (default ``settings.KFQ_INDEX_LOCK_TIMEOUT``)."""
        if timeout is None:
            timeout = settings.KFQ_INDEX_LOCK_TIMEOUT
        if not self.setup_complete or (self.use_file_storage and not os.path.isdir(self.path)):
            self.setup()  # first use, or the index folder was deleted: start an empty index
        self.index = self.index.refresh()
        return self._locked_writer(timeout, codec=InliningCodec())

    def _locked_writer(self, timeout: float, **options):
        try:
            return self.index.writer(timeout=timeout, delay=LOCK_POLL, **options)
        except LockError as error:
            raise WriterBusy(str(error)) from error

    def remove_unused_files(self) -> None:
        """Delete what a failed or cancelled write left in the index folder (parts of a segment no
        generation names), so failed writes on a full disk do not fill it further. Done under the write
        lock, never waited for: a writer holding it deletes such files itself when it commits."""
        from whoosh.index import TOC, EmptyIndexError, clean_files

        from .internals.searcher import INDEX_NAME

        if not self.use_file_storage or not os.path.isdir(self.path):
            return
        lock = self.storage.lock(f"{INDEX_NAME}_WRITELOCK")
        if not lock.acquire(blocking=False):
            return
        try:
            toc = TOC.read(self.storage, INDEX_NAME)
            clean_files(self.storage, INDEX_NAME, toc.generation, toc.segments)
            scratch = Path(self.path) / f"{INDEX_NAME}.tmp"  # the writer's sorting pool
            if scratch.is_dir():
                shutil.rmtree(scratch, ignore_errors=True)
            elif scratch.exists():
                scratch.unlink()
        except (EmptyIndexError, OSError):
            log.warning("could not remove what a failed index write left", exc_info=True)
        finally:
            lock.release()

    def cancel(self, writer) -> None:
        """Give up a write: the writer cancelled (if it is still open) and its partial files removed."""
        try:
            if not writer.is_closed:
                writer.cancel()
        except Exception:
            # Its files could not even be closed (the disk is full): let go of the lock regardless, so
            # what it left can be removed and the next writer is not kept waiting.
            log.warning("cancelling a failed index write failed too", exc_info=True)
            writelock = getattr(writer, "writelock", None)
            if writelock is not None:
                writelock.release()
            writer.is_closed = True
        finally:
            self.remove_unused_files()

    def commit(self, writer, documents: int, *, tidy: bool = True) -> None:
        """Commit; a small write only adds its segment, then merges aside if small segments piled up and
        ``tidy`` (False in a request: the merge comes after the response)."""
        if documents > SMALL_WRITE:
            writer.commit()  # Whoosh's default policy, MERGE_SMALL
            return
        small = sum(1 for segment in writer.segments if segment.doc_count_all() <= SMALL_WRITE)
        writer.commit(merge=False)
        if tidy and small + 1 >= MAX_SMALL_SEGMENTS:
            try:
                self.tidy()
            except Exception:  # the write is committed; the index is as good unmerged
                log.exception("merging the search index's small segments failed")

    def tidy(self, timeout: float = MERGE_SWAP_TIMEOUT) -> bool:
        """Merge five small segments of a size class, and drop segments holding only deleted copies,
        without keeping saves waiting (``merging``); False when there is nothing to do (no new
        generation then: searchers and caches stay valid), another process is merging, or the write
        lock stayed busy ``timeout`` s."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        try:
            return merging.merge_small_segments(self.index, timeout, LOCK_POLL)
        except LockError:
            return False

    def document(self, index, obj) -> dict | None:
        doc = prepared(self, index, obj)
        if doc is None:
            return None
        doc.pop("boost", None)
        doc[ANALYSIS_FIELD] = ANALYSIS
        doc[HASH_FIELD] = content_hash(doc)
        return doc

    def update(self, index, iterable, commit=True):
        """(Re)index ``iterable`` in one writer (haystack's ``update_index`` batches).

        Each document's old entries are looked up on one reader for the whole batch (Whoosh's
        ``update_document`` opens a new reader for every document), and a document not in the index
        yet is simply added: into an empty index (``clear_index`` then ``update_index``) nothing is
        deleted at all.
        """
        objects = list(iterable)
        if not objects:
            return
        writer = self.writer()
        try:
            with writer.searcher() as searcher:
                for obj in objects:
                    doc = self.document(index, obj)
                    if doc is None:
                        continue
                    for docnum in searcher.document_numbers(**{ID: doc[ID]}):
                        writer.delete_document(docnum)
                    writer.add_document(**doc)
            self.commit(writer, len(objects))
        except BaseException:
            self.cancel(writer)
            raise

    def rebuild(self, index, *, procs: int = 1, chunk: int = REBUILD_CHUNK, progress=None) -> int:
        """Replace the index with every article of ``index.index_queryset()``: one writer, one commit.

        Documents are added (nothing to replace) by ``procs`` processes, each writing a segment of its
        own (Whoosh's multiprocess writer; no merge afterwards), with a large memory budget so postings
        are sorted in memory. The commit swaps the new segments in for all old ones at once: searches
        see the old index until then, never an empty one. With a changed schema the index is created
        anew first. Returns the number of documents.
        """
        from .. import analysis

        if not self.setup_complete:
            self.setup()
        stored = stored_schema(self.storage) if self.use_file_storage else None
        if stored is None or schema_signature(stored) != schema_signature(self.schema):
            self.delete_index()  # a new schema (or RAM storage): start from an empty index
        # The dictionary (with every zone and author name) is built before the writer processes fork,
        # so they share it instead of each reading the database.
        analysis.mark_stale()
        analysis.segmenter()
        options = {"limitmb": REBUILD_LIMITMB}
        if procs > 1:
            options.update(procs=procs, multisegment=True, batchsize=REBUILD_JOB)
        self.index = self.index.refresh()
        writer = self._locked_writer(settings.KFQ_INDEX_LOCK_TIMEOUT, **options)
        written = 0
        try:
            queryset = index.index_queryset().order_by("pk")
            last = None
            while True:
                batch = list((queryset.filter(pk__gt=last) if last is not None else queryset)[:chunk])
                if not batch:
                    break
                for obj in batch:
                    doc = self.document(index, obj)
                    if doc is not None:
                        writer.add_document(**doc)
                        written += 1
                last = batch[-1].pk
                if progress:
                    progress(written)
            writer.commit(mergetype=CLEAR)  # the new segments replace every old one
        except BaseException:
            self.cancel(writer)
            raise
        return written

    def remove(self, obj_or_string, commit=True):
        writer = self.writer()
        try:
            writer.delete_by_term(ID, get_identifier(obj_or_string))
            self.commit(writer, 1)
        except BaseException:
            self.cancel(writer)
            raise


def stored_schema(storage):
    """The schema the index on disk was written with (haystack opens it with the current one)."""
    from whoosh.index import TOC, EmptyIndexError

    try:
        return TOC.read(storage, "MAIN").schema
    except EmptyIndexError:
        return None


def schema_signature(schema) -> list[tuple]:
    """What makes two schemas write the same index (field types, formats, boosts, columns), comparable
    across pickling (Whoosh's own ``==`` is not: column types compare by identity)."""

    def kind(value) -> str | None:
        return type(value).__name__ if value is not None else None

    return sorted(
        (
            name,
            kind(field),
            kind(field.format),
            getattr(field.format, "field_boost", 1.0),
            bool(field.scorable),
            bool(field.stored),
            bool(field.unique),
            kind(field.column_type),
            repr(getattr(field, "analyzer", None)),
        )
        for name, field in schema.items()
    )


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
    archive_engine = "articles.search.whoosh_engine.WhooshSearchEngine"
