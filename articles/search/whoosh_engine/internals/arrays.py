"""The Whoosh index read as arrays (numpy): which documents hold a term, where, and each document's
facet values, date order and field lengths.

Whoosh's own query evaluation walks the matching documents one at a time in Python (a phrase on
character bigrams builds a span object per position), which is most of a search at tens of
thousands of articles. Here Whoosh still writes and stores everything; postings are read a block at
a time and matching, facet counting and ordering become array operations over all documents.

What belongs to one segment (its facet codes, sort keys, lengths, recent terms' postings) is kept
while the segment exists, so after a commit, which adds a small segment, only that one is read.
Document numbers are the searcher's (segment offset + number in the segment); deleted documents
are left out through ``IndexArrays.live``.
"""

from __future__ import annotations

import io
import math
import mmap
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher
from whoosh.columns import FixedBytesColumn, VarBytesColumn
from whoosh.filedb.compound import SubFile
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from ...analysis import bigrams

K1, B = 1.2, 0.75  # BM25F constants, Whoosh's defaults
POSTINGS_CACHE_BYTES = 32 * 2**20  # recent terms' postings, all segments together
_BYTE_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_NO_IDS = np.zeros(0, dtype=np.int32)
_NO_WEIGHTS = np.zeros(0, dtype=np.float32)

_lock = threading.RLock()


class Vocabulary:
    """Values of one field numbered in the order first seen (stable for the life of the process)."""

    def __init__(self):
        self.values: list[str] = []
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            with _lock:
                code = self.codes.get(value)
                if code is None:
                    code = len(self.values)
                    self.values.append(value)
                    self.codes[value] = code
        return code


_vocabularies: dict[str, Vocabulary] = {}


def vocabulary(fieldname: str) -> Vocabulary:
    with _lock:
        return _vocabularies.setdefault(fieldname, Vocabulary())


# --- one segment -------------------------------------------------------------------------------
def _leaf(matcher):
    while isinstance(matcher, FilterMatcher):  # the reader's filter of deleted documents; ``live`` does that
        matcher = matcher.child
    return matcher


def _postings(reader, fieldname: str, text: str):
    try:
        return _leaf(reader.postings(fieldname, text))
    except TermNotFound:
        return None


_BLOCK_LENGTH = struct.Struct("!i")  # how Whoosh writes a block's length (negative for the last block)
_PICKLE_START = b"\x80\x02("  # protocol 2, then the mark opening the tuple of deltas
_K, _M, _J = b"KMJ"  # pickled ints of 1, 2 and 4 bytes (opcodes as byte values)
_PICKLED_ONE = b"G" + struct.pack(">d", 1.0)  # a weight of 1 as pickle writes a float
_BIG_ENDIAN_DOUBLE = np.dtype(">f8")


def _w3_blocks(matcher: W3LeafMatcher) -> Iterator[tuple[int, int, bool, bytes]]:
    """(count, last document number, compressed, data) of each block of a term's postings in Whoosh's
    W3 format.

    The term's postings are read in one go and cut into blocks in memory (Whoosh's matcher reads each
    block's header from the file a few bytes at a time: ~20 reads per block); a block's data is only
    decompressed and unpickled when decoded, so blocks can be skipped by their last document number.
    """
    length = matcher._length
    if isinstance(length, tuple):  # Whoosh's term dictionary decodes it as a 1-tuple (unpack_int)
        (length,) = length
    raw = matcher._postfile.get(matcher._startoffset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh 3 postings list")
    stream = io.BytesIO(raw)
    position = 4
    last = False
    while not last:
        (length,) = _BLOCK_LENGTH.unpack_from(raw, position)
        last = length < 0
        stream.seek(position + 4)
        count, last_id, _, compression, _, _ = pickle.load(stream)
        position += 4 + abs(length)
        yield count, last_id, bool(compression), raw[stream.tell() : position]


def _decode(compressed: bool, data: bytes) -> tuple:
    """A block's (document number deltas, weights, values) as Whoosh minified them."""
    return pickle.loads(zlib.decompress(data) if compressed else data)


def _head(count: int, compressed: bool, data: bytes) -> bytes:
    """The start of a block's pickle that holds its deltas and weights (5 bytes per pickled int at most,
    9 per float, a few for marks, tuple ends and memo): a bigram block's positions, most of its bytes,
    are never decompressed."""
    return zlib.decompressobj().decompress(data, 32 + 14 * count) if compressed else data


def _usual_block(count: int, head: bytes) -> tuple[int, bytes, bytes] | None:
    """(first delta, the other deltas as bytes, the weights as 9-byte pickled doubles) from the start of
    a block's pickle, when the block has the usual layout of a term found in many documents; else None.

    Whoosh pickles a block as ``(deltas, weights, values)`` (protocol 2). In a block of four postings or
    more whose deltas after the first are under 256 that is ``( <int> K. K. ... t [memo]``, then ``N``
    (all weights 1), ``G`` and one double, or ``( G. G. ... t``. Each opcode's argument has a fixed
    size, so the numbers are cut out by position (byte slices) instead of unpickled one by one.
    """
    if count < 4 or len(head) < 8 or head[:3] != _PICKLE_START:  # under four: tuples pickled without a mark
        return None
    opcode = head[3]
    if opcode == _K:
        first, position = head[4], 5
    elif opcode == _M:
        first, position = int.from_bytes(head[4:6], "little"), 6
    elif opcode == _J:
        first, position = int.from_bytes(head[4:8], "little", signed=True), 8
    else:
        return None
    rest_end = position + 2 * (count - 1)
    if head[position:rest_end:2] != b"K" * (count - 1) or head[rest_end : rest_end + 1] != b"t":
        return None
    rest = head[position + 1 : rest_end : 2]
    position = rest_end + 1
    memo = head[position : position + 1]
    position += 2 if memo == b"q" else 5 if memo == b"r" else 0
    kind = head[position : position + 1]
    if kind == b"N":
        return first, rest, _PICKLED_ONE * count
    if kind == b"G" and len(head) >= position + 9:
        return first, rest, head[position : position + 9] * count
    weights_end = position + 1 + 9 * count
    if kind != b"(" or head[position + 1 : weights_end : 9] != b"G" * count:
        return None
    if head[weights_end : weights_end + 1] != b"t":
        return None
    return first, rest, head[position + 1 : weights_end]


def _weights_array(weights, count: int) -> np.ndarray:
    """Whoosh's minified weights (None: all 1; one number: all that; else one per posting) as an array."""
    if weights is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(weights, (int, float)):
        return np.full(count, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


def _block_ids(deltas: np.ndarray, counts: list[int]) -> np.ndarray:
    """Document numbers from the deltas of consecutive blocks (each block's first delta is from 0)."""
    sums = np.cumsum(deltas, dtype=np.int64)
    ends = np.cumsum(counts)
    before_block = np.concatenate(([0], sums[ends[:-1] - 1]))  # the running sum where each block starts
    return (sums - np.repeat(before_block, counts)).astype(np.int32)


def read_postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (in the segment) and weights (term frequency × field boost) of one term."""
    matcher = _postings(reader, fieldname, text)
    if matcher is None:
        return _NO_IDS, _NO_WEIGHTS
    if not isinstance(matcher, W3LeafMatcher):  # a few postings kept inline in the term dictionary
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)
    blocks = [(count, compressed, data) for count, _, compressed, data in _w3_blocks(matcher)]
    if not blocks:
        return _NO_IDS, _NO_WEIGHTS
    deltas, weights, counts = _deltas_and_weights(blocks)
    return _block_ids(deltas, counts), weights


def _deltas_and_weights(blocks: list[tuple[int, bool, bytes]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deltas and weights of consecutive blocks ((count, compressed, data) each), and their counts: the
    usual blocks' numbers are cut out as bytes and read with one numpy call each for the whole term;
    blocks of another layout are unpickled whole."""
    counts = np.array([count for count, _, _ in blocks], dtype=np.int64)
    firsts, rests, weights_pickled, others = [], [], [], {}
    for index, (count, compressed, data) in enumerate(blocks):
        usual = _usual_block(count, _head(count, compressed, data))
        if usual is None:
            others[index] = _decode(compressed, data)
            usual = 0, bytes(count - 1), _PICKLED_ONE * count  # placeholders, overwritten below
        firsts.append(usual[0])
        rests.append(usual[1])
        weights_pickled.append(usual[2])
    out_start = np.cumsum(counts) - counts
    deltas = np.empty(int(counts.sum()), dtype=np.int64)
    later = np.ones(len(deltas), dtype=bool)
    later[out_start] = False
    deltas[later] = np.frombuffer(b"".join(rests), dtype=np.uint8)
    deltas[out_start] = firsts
    doubles = np.frombuffer(b"".join(weights_pickled), dtype=np.uint8).reshape(-1, 9)[:, 1:]
    weights = np.ascontiguousarray(doubles).view(_BIG_ENDIAN_DOUBLE).ravel().astype(np.float32)
    for index, (block_deltas, block_weights, _) in others.items():
        start, count = out_start[index], counts[index]
        deltas[start : start + count] = block_deltas
        weights[start : start + count] = _weights_array(block_weights, count)
    return deltas, weights, counts


def read_positions(reader, fieldname: str, text: str, targets: np.ndarray) -> dict[int, list[int]]:
    """Positions of one term in each of ``targets`` (sorted document numbers in the segment)."""
    matcher = _postings(reader, fieldname, text)
    found: dict[int, list[int]] = {}
    if matcher is None or not len(targets):
        return found
    decode = reader.schema[fieldname].format.decode_positions
    if not isinstance(matcher, W3LeafMatcher):
        wanted = set(targets.tolist())
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = matcher.value_as("positions")
            matcher.next()
        return found
    next_target = 0
    for count, last_id, compressed, data in _w3_blocks(matcher):
        if next_target >= len(targets):
            break
        if last_id < targets[next_target]:  # nothing wanted in this block: skip it undecoded
            continue
        deltas, _, values = _decode(compressed, data)
        block_ids = _block_ids(np.asarray(deltas, dtype=np.int64), [count])
        hits = np.flatnonzero(np.isin(block_ids, targets, assume_unique=True))
        for index in hits.tolist():
            found[int(block_ids[index])] = decode(values[index])
        next_target = int(np.searchsorted(targets, block_ids[-1], side="right"))
    return found


def _fixed_column(column_reader, dtype: str, count: int, default) -> np.ndarray:
    """A fixed-width column of a segment as an array (documents past the written end hold the default)."""
    out = np.full(count, default, dtype=np.dtype(dtype).newbyteorder("="))
    if isinstance(column_reader, FixedBytesColumn.Reader):
        written = min(column_reader._count, count)
        raw = column_reader._dbfile.get(column_reader._basepos, written * column_reader._fixedlen)
        out[:written] = np.frombuffer(raw, dtype=dtype, count=written)
    else:  # no column file in this segment: every document has the default
        for docnum, value in enumerate(column_reader):
            out[docnum] = value
    return out


def _map_file(structfile) -> tuple[mmap.mmap, int] | None:
    """The file holding ``structfile`` mapped for reading, and where ``structfile`` starts in it (a
    compound segment's files are parts of one file); None if it is not a file on disk.

    A text column is searched in place through the map: reading each candidate's text through Whoosh's
    file objects would add a seek, a read and a copy per candidate. Nothing is copied, so the pages stay the
    operating system's cache shared by all workers."""
    inner, position = structfile.file, 0
    if isinstance(inner, SubFile):
        inner, position = inner._file, inner._offset
    try:
        return mmap.mmap(inner.fileno(), 0, access=mmap.ACCESS_READ), position
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _text_column(reader, fieldname: str) -> tuple[Callable, np.ndarray, np.ndarray, bool] | None:
    """(find, starts, lengths, mapped) of a segment's text column, or None without one: ``find(needle,
    start, end)`` searches the column's bytes from ``start`` to ``end`` like ``bytes.find``; ``mapped``:
    it reads through a map of the segment's file, which outlives ``reader``."""
    if not reader.has_column(fieldname):
        return None
    column = reader.column_reader(fieldname, translate=False)
    if not isinstance(column, VarBytesColumn.Reader):
        return None
    starts = np.array(column._offsets, dtype=np.int64) + column._basepos
    lengths = np.array(column._lengths, dtype=np.int64)
    mapped = _map_file(column._dbfile)
    if mapped is None:
        get = column._dbfile.get
        return (lambda needle, start, end: get(start, end - start).find(needle)), starts, lengths, False
    source, position = mapped
    return source.find, starts + position, lengths, True


class SegmentArrays:
    """What one segment holds, read on first use and kept while the segment exists."""

    def __init__(self, reader):
        self.key = segment_key(reader)
        self.size = reader.doc_count_all()
        self._lock = threading.Lock()
        self._codes: dict[str, np.ndarray] = {}
        self._multi: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._numbers: dict[str, np.ndarray] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._texts: dict[str, tuple | None] = {}

    def codes(self, reader, fieldname: str) -> np.ndarray:
        """Each document's value of a one-value field as a vocabulary code (-1: none)."""
        with self._lock:
            if fieldname not in self._codes:
                codes = np.full(self.size, -1, dtype=np.int32)
                words = vocabulary(fieldname)
                # A field the segment's schema lacks (written before the field existed) has no values.
                terms = reader.lexicon(fieldname) if fieldname in reader.schema else ()
                for term in terms:
                    value = term.decode("utf-8")
                    ids, _ = read_postings(reader, fieldname, value)
                    codes[ids] = words.code(value)
                self._codes[fieldname] = codes
            return self._codes[fieldname]

    def multi_codes(self, reader, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        """A many-value field as pairs: (document numbers, vocabulary codes)."""
        with self._lock:
            if fieldname not in self._multi:
                docs, codes = [], []
                words = vocabulary(fieldname)
                for term in reader.lexicon(fieldname):
                    value = term.decode("utf-8")
                    ids, _ = read_postings(reader, fieldname, value)
                    docs.append(ids)
                    codes.append(np.full(len(ids), words.code(value), dtype=np.int32))
                self._multi[fieldname] = (
                    np.concatenate(docs) if docs else _NO_IDS,
                    np.concatenate(codes) if codes else _NO_IDS,
                )
            return self._multi[fieldname]

    def numbers(self, reader, fieldname: str) -> np.ndarray:
        """A sortable numeric field's column in its sortable form (order-preserving unsigned integers)."""
        with self._lock:
            if fieldname not in self._numbers:
                field = reader.schema[fieldname]
                column = reader.column_reader(fieldname, translate=False)
                default = field.default  # NumericColumn's default, already in the column's form
                typecode = field.sortable_typecode
                self._numbers[fieldname] = _fixed_column(column, f">{typecode}", self.size, default).astype(np.uint64)
            return self._numbers[fieldname]

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Each document's length of the field in tokens, as Whoosh stores it (one byte, approximate)."""
        with self._lock:
            if fieldname not in self._lengths:
                perdoc = reader._perdoc
                lenfield = f"_{fieldname}_len"
                if perdoc.has_column(lenfield):
                    column = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
                    raw = _fixed_column(column, "u1", self.size, 0)
                else:
                    raw = np.zeros(self.size, dtype=np.uint8)
                self._lengths[fieldname] = _BYTE_LENGTHS[raw]
            return self._lengths[fieldname]

    def text_column(self, reader, fieldname: str):
        """The segment's text column (``_text_column``); kept unless it reads through ``reader``'s file."""
        with self._lock:
            if fieldname in self._texts:
                return self._texts[fieldname]
            column = _text_column(reader, fieldname)
            if column is None or column[3]:
                self._texts[fieldname] = column
            return column


def segment_key(reader) -> tuple:
    return (reader.segment().segment_id(), reader.doc_count_all())


_segments: dict[tuple, SegmentArrays] = {}


class _PostingsCache:
    """Recent terms' postings per segment, bounded in bytes (they outlive generations with their segment)."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        size = sum(part.nbytes for part in value) + 100
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.used += size
            while self.used > self.budget and self.items:
                _, old = self.items.popitem(last=False)
                self.used -= sum(part.nbytes for part in old) + 100

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.used = 0


_postings_cache = _PostingsCache(POSTINGS_CACHE_BYTES)


def forget_postings() -> None:
    """Drop the cached postings (the benchmark times queries as if asked for the first time)."""
    _postings_cache.clear()


def kept_postings() -> dict:
    """The decoded postings kept from earlier queries (the benchmark puts them back after forgetting)."""
    return dict(_postings_cache.items)


def restore_postings(postings: dict) -> None:
    _postings_cache.items.update(postings)


# --- the whole index, one generation -----------------------------------------------------------
class IndexArrays:
    """One searcher's documents as arrays: built once per index generation, shared by its queries."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.stamp = getattr(searcher, "kfq_stamp", None) or id(searcher)  # the index generation on disk
        reader = searcher.reader()
        self.leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers()]
        self.size = reader.doc_count_all()
        self.segments = []
        live = np.ones(self.size, dtype=bool)
        with _lock:
            current = {}
            for leaf, offset in self.leaves:
                if leaf.doc_count_all() == 0:
                    self.segments.append(None)
                    continue
                key = segment_key(leaf)
                arrays = _segments.get(key) or SegmentArrays(leaf)
                current[key] = arrays
                self.segments.append(arrays)
                deleted = list(leaf.segment().deleted_docs()) if leaf.has_deletions() else []
                if deleted:
                    live[np.asarray(deleted, dtype=np.int64) + offset] = False
            _segments.clear()  # segments merged away are forgotten
            _segments.update(current)
        self.live = live
        self.count = int(live.sum())
        self._lock = threading.RLock()  # what one cached value computes may use another
        self._cache: dict = {}

    def _parts(self):
        for (leaf, offset), arrays in zip(self.leaves, self.segments, strict=True):
            if arrays is not None:
                yield leaf, offset, arrays

    def once(self, key, compute):
        """``compute()``, kept for this index generation under ``key``."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    # postings
    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Live documents holding the term (ascending) and the term's weight in each."""
        ids, weights = [], []
        for leaf, offset, arrays in self._parts():
            key = (arrays.key, fieldname, text)
            cached = _postings_cache.get(key)
            if cached is None:
                cached = read_postings(leaf, fieldname, text)
                _postings_cache.put(key, cached)
            if len(cached[0]):
                ids.append(cached[0] + offset)
                weights.append(cached[1])
        if not ids:
            return _NO_IDS, _NO_WEIGHTS
        ids_all, weights_all = np.concatenate(ids), np.concatenate(weights)
        keep = self.live[ids_all]
        return ids_all[keep], weights_all[keep]

    def term_mask(self, fieldname: str, text: str) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.postings(fieldname, text)[0]] = True
        return mask

    def prefix_mask(self, fieldname: str, prefix: str) -> np.ndarray:
        """Live documents holding any term that starts with ``prefix``."""
        mask = np.zeros(self.size, dtype=bool)
        terms = set()
        for leaf, _, _ in self._parts():
            terms.update(term.decode("utf-8") for term in leaf.expand_prefix(fieldname, prefix))
        for term in sorted(terms):
            mask[self.postings(fieldname, term)[0]] = True
        return mask

    def doc_frequency(self, fieldname: str, text: str) -> int:
        return int(self.searcher.doc_frequency(fieldname, text))

    def positions(self, fieldname: str, text: str, docs: np.ndarray) -> dict[int, list[int]]:
        """Positions of the term in each of ``docs`` (sorted document numbers) that holds it."""
        found: dict[int, list[int]] = {}
        for leaf, offset, arrays in self._parts():
            local = docs[(docs >= offset) & (docs < offset + arrays.size)] - offset
            if len(local):
                for docnum, positions in read_positions(leaf, fieldname, text, local).items():
                    found[docnum + offset] = positions
        return found

    def phrase_mask(self, fieldname: str, terms: list[str], docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` hold ``terms`` at consecutive positions (a phrase query, checked only there)."""
        mask = np.zeros(self.size, dtype=bool)
        if not len(docs):
            return mask
        # The rarest term first: it leaves the fewest starting positions to check.
        order = sorted(range(len(terms)), key=lambda i: self.doc_frequency(fieldname, terms[i]))
        starts: dict[int, set[int]] | None = None
        for index in order:
            found = self.positions(fieldname, terms[index], docs)
            shifted = {doc: {p - index for p in positions} for doc, positions in found.items()}
            if starts is None:
                starts = shifted
            else:
                starts = {doc: kept for doc, s in starts.items() if (kept := s & shifted.get(doc, set()))}
            if not starts:
                return mask
            docs = np.fromiter(sorted(starts), dtype=np.int64, count=len(starts))
        mask[docs] = True
        return mask

    def contains(self, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` (sorted document numbers) hold ``text`` (folded, lowercased) in a bigram field.

        Read from the field's text column; in a segment written before the column existed, from the
        positions of the text's bigrams."""
        mask = np.zeros(self.size, dtype=bool)
        needle = text.encode("utf-8")
        without_column = []
        for leaf, offset, arrays in self._parts():
            local = docs[(docs >= offset) & (docs < offset + arrays.size)] - offset
            if not len(local):
                continue
            column = arrays.text_column(leaf, fieldname)
            if column is None:
                without_column.append(local + offset)
                continue
            find, starts, lengths, _ = column
            found, unwritten = [], []
            for doc, start, length in zip(local.tolist(), starts[local].tolist(), lengths[local].tolist(), strict=True):
                if not length:  # a candidate's text is never empty: merged in from a segment without the column
                    unwritten.append(doc)
                elif find(needle, start, start + length) >= 0:
                    found.append(doc)
            mask[np.asarray(found, dtype=np.int64) + offset] = True
            if unwritten:
                without_column.append(np.asarray(unwritten, dtype=np.int64) + offset)
        if without_column:
            mask |= self.phrase_mask(fieldname, bigrams(text), np.concatenate(without_column))
        return mask

    # per-document columns
    def codes(self, fieldname: str) -> np.ndarray:
        return self.once(
            ("codes", fieldname),
            lambda: self._concat([arrays.codes(leaf, fieldname) for leaf, _, arrays in self._parts()], np.int32),
        )

    def multi_codes(self, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        def build():
            docs, codes = [], []
            for leaf, offset, arrays in self._parts():
                seg_docs, seg_codes = arrays.multi_codes(leaf, fieldname)
                docs.append(seg_docs + offset)
                codes.append(seg_codes)
            return self._concat(docs, np.int32), self._concat(codes, np.int32)

        return self.once(("multi", fieldname), build)

    def numbers(self, fieldname: str) -> np.ndarray:
        """A sortable numeric field's column for every document, in the column's form (documents without a
        value hold the column's default); not kept: callers keep what they derive from it."""
        return self._concat([arrays.numbers(leaf, fieldname) for leaf, _, arrays in self._parts()], np.uint64)

    def lengths(self, fieldname: str) -> np.ndarray:
        return self.once(
            ("lengths", fieldname),
            lambda: self._concat([arrays.lengths(leaf, fieldname) for leaf, _, arrays in self._parts()], np.float32),
        )

    def average_length(self, fieldname: str) -> float:
        total = self.searcher.reader().field_length(fieldname)
        return (total / self.size) if self.size and total else 1.0

    def order(self, *fields: tuple[str, bool]) -> np.ndarray:
        """All document numbers sorted by these numeric fields ((name, descending), ...), then number."""

        def build():
            keys = [np.arange(self.size, dtype=np.int64)]
            for fieldname, descending in reversed(fields):
                values = self._concat([arrays.numbers(leaf, fieldname) for leaf, _, arrays in self._parts()], np.uint64)
                keys.append(np.iinfo(np.uint64).max - values if descending else values)
            return np.lexsort(keys).astype(np.int32)

        return self.once(("order", fields), build)

    def _concat(self, parts: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

    # counting and scoring
    def counts(self, fieldname: str, mask: np.ndarray, *, multi: bool = False) -> dict[str, int]:
        """How many documents of ``mask`` have each value of the field."""
        words = vocabulary(fieldname)
        if multi:
            docs, codes = self.multi_codes(fieldname)
            chosen = codes[mask[docs]]
        else:
            codes = self.codes(fieldname)
            chosen = codes[mask & (codes >= 0)]
        tally = np.bincount(chosen, minlength=0)
        return {words.values[code]: int(tally[code]) for code in np.flatnonzero(tally).tolist()}

    def bm25(self, scores: np.ndarray, fieldname: str, text: str) -> None:
        """Add the term's BM25F score in the field to ``scores`` (Whoosh's formula and idf)."""
        ids, weights = self.postings(fieldname, text)
        if not len(ids):
            return
        idf = math.log(self.size / (self.doc_frequency(fieldname, text) + 1)) + 1
        lengths = self.lengths(fieldname)[ids]
        average = self.average_length(fieldname)
        scores[ids] += idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average))


_views = threading.local()  # each thread's arrays, like its searcher


def index_arrays(searcher) -> IndexArrays:
    """The arrays of ``searcher``'s generation (built on first use after a commit)."""
    current = getattr(_views, "arrays", None)
    if current is None or current.searcher is not searcher:
        current = IndexArrays(searcher)
        _views.arrays = current
    return current


def forget_view() -> None:
    """Drop this thread's arrays of the current generation (the searcher they read is being closed);
    each segment's arrays stay for the next generation."""
    _views.arrays = None
