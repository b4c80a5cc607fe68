"""Merging small segments without keeping saves waiting.

Whoosh merges inside a writer: while it reads the small segments again and writes them as one (every
document's postings once more: longer than a save), it holds the index's write lock, and an editor's save
arriving meanwhile waits for it. Here the merged segment is written aside, in a scratch folder inside
the index folder, with no lock on the index; the write lock is taken only to swap it in: check that
the segments it replaces are all still there, mark in it what was deleted from them meanwhile (a save
of one of their articles), move its file into the index folder and write the next table of contents —
no document is read or written under the lock. One merge at a time (``MERGE_LOCK``, not waited for);
a scratch folder left by a process killed while merging is removed by the next merge.

What is merged: five segments of one size class (live documents 1–4, 5–24, 25–124, …), so each
document is merged once per class; segments whose documents were all deleted (an article saved
again replaces its one-article segment) are dropped without being read.

Pure Whoosh: no Django here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.reading import SegmentReader

from .codec import InliningCodec

MERGE_LOCK = "MERGELOCK"
MERGE_FACTOR = 5  # segments of one size class merged at a time
SCRATCH_PREFIX = ".merging-"  # a name Whoosh's file cleaning skips (it passes over names starting with ".")


def tier(documents: int) -> int:
    """A segment's size class: 0 for 1–4 live documents, 1 for 5–24, 2 for 25–124, …"""
    level = 0
    while documents >= MERGE_FACTOR:
        documents //= MERGE_FACTOR
        level += 1
    return level


def segments_to_merge(segments) -> list:
    """``MERGE_FACTOR`` or more segments of the smallest size class that has as many, or none.

    Sizes count live documents. Whoosh's ``MERGE_SMALL`` takes the smallest segments while their total
    stays under a Fibonacci bound: a segment of a dozen documents was merged again with every four
    one-article saves (each time more work than those saves). By size class, each document is merged
    once per class.
    """
    classes: dict[int, list] = {}
    for segment in segments:
        if segment.doc_count():
            classes.setdefault(tier(segment.doc_count()), []).append(segment)
    for level in sorted(classes):
        if len(classes[level]) >= MERGE_FACTOR:
            return classes[level]
    return []


def empty_segments(segments) -> list:
    """Segments whose every document was deleted (an article saved again): dropped without reading them."""
    return [segment for segment in segments if segment.doc_count() == 0]


@dataclass
class MergedSegment:
    """What a merge replaces and with what: ``segment`` (None: nothing to merge, only empty segments to
    drop) written in ``folder`` from ``sources`` as they were read (their deletions then), their live
    documents numbered in that order."""

    folder: str | None
    segment: object | None
    sources: list
    empty: list


def write_aside(ix: FileIndex) -> MergedSegment | None:
    """Merge the small segments of the index's latest generation into a segment in a scratch folder;
    None if there is nothing to merge or drop. Takes no lock: the caller holds ``MERGE_LOCK``."""
    toc = TOC.read(ix.storage, ix.indexname)
    empty = empty_segments(toc.segments)
    sources = segments_to_merge(toc.segments)
    if not sources:
        return MergedSegment(None, None, [], empty) if empty else None
    folder = tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=ix.storage.folder)
    try:
        scratch = FileStorage(folder).create_index(toc.schema, indexname=ix.indexname)
        writer = scratch.writer(codec=InliningCodec())
        try:
            for segment in sources:
                reader = SegmentReader(ix.storage, toc.schema, segment)
                try:
                    writer.add_reader(reader)  # live documents, in order
                finally:
                    reader.close()
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
        [segment] = TOC.read(scratch.storage, ix.indexname).segments
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return MergedSegment(folder, segment, sources, empty)


def swap_in(ix: FileIndex, merged: MergedSegment, timeout: float, delay: float) -> bool:
    """Replace the merged segment's sources (and drop the empty segments) under the write lock
    (``LockError`` after ``timeout`` s). False, and nothing changed, if one of them is gone (another
    merge, a rebuild)."""
    writer = ix.writer(timeout=timeout, delay=delay)
    try:
        current = {segment.segment_id(): segment for segment in writer.segments}
        replaced = {old.segment_id() for old in merged.sources + merged.empty}
        if not replaced <= current.keys():
            writer.cancel()
            return False
        kept = [segment for segment in writer.segments if segment.segment_id() not in replaced]
        segment = merged.segment
        if segment is not None:
            _carry_deletions(segment, merged.sources, current)
            if segment.doc_count():
                for name in os.listdir(merged.folder):
                    if name.startswith(f"{segment.segment_id()}."):
                        os.replace(os.path.join(merged.folder, name), os.path.join(ix.storage.folder, name))
                kept.append(segment)
        writer.commit(mergetype=lambda _writer, _segments: kept)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return True


def _carry_deletions(segment, sources: list, current: dict) -> None:
    """Delete from the merged ``segment`` the documents deleted from its sources since they were read."""
    number = 0
    for source in sources:
        now = current[source.segment_id()]
        for docnum in range(source.doc_count_all()):
            if source.is_deleted(docnum):
                continue  # deleted before the merge read it: not in the merged segment
            if now.is_deleted(docnum):  # deleted while the merge was written
                segment.delete_document(number)
            number += 1
    if number != segment.doc_count_all():
        raise RuntimeError(f"merged segment holds {segment.doc_count_all()} documents, expected {number}")


def merge_small_segments(ix: FileIndex, timeout: float, delay: float) -> bool:
    """Merge the index's small segments if a size class has ``MERGE_FACTOR`` of them, and drop segments
    whose documents were all deleted (see the module's docstring).

    False when there was nothing to merge or drop, another process was merging, or the sources went away;
    ``LockError`` when the write lock stayed busy past ``timeout`` s (nothing changed then).
    """
    merge_lock = ix.lock(MERGE_LOCK)
    if not merge_lock.acquire(blocking=False):
        return False
    try:
        remove_leftovers(ix.storage.folder)
        merged = write_aside(ix)
        if merged is None:
            return False
        try:
            return swap_in(ix, merged, timeout, delay)
        finally:
            if merged.folder:
                shutil.rmtree(merged.folder, ignore_errors=True)
    finally:
        merge_lock.release()


def remove_leftovers(folder: str) -> None:
    """Scratch folders of merges that never finished (only the holder of ``MERGE_LOCK`` makes one)."""
    for name in os.listdir(folder):
        if name.startswith(SCRATCH_PREFIX):
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
