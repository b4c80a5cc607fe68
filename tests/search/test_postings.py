"""The archive reads Whoosh's postings blocks itself (one read per term); what it reads must be what
Whoosh's own matcher yields, for every term of every kind of field."""

import pickle
import zlib

import numpy as np
import pytest
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage

from articles.search.whoosh_engine.analyzers import BigramAnalyzer
from articles.search.whoosh_engine.backend import BigramText
from articles.search.whoosh_engine.internals.arrays import (
    _block_ids,
    _deltas_and_weights,
    _head,
    _usual_block,
    read_positions,
    read_postings,
)
from articles.search.whoosh_engine.internals.searcher import get_searcher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

FIELDS = ["fulltext_grams", "title_grams", "text", "title", "authors", "zones", "city"]


def whoosh_postings(leaf, fieldname, text):
    matcher = leaf.postings(fieldname, text)
    ids, weights, positions = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if matcher.supports("positions"):
            positions.append(matcher.value_as("positions"))
        matcher.next()
    return ids, weights, positions


def assert_read_as_whoosh(leaf, fieldname: str, step: int) -> int:
    """Every term of the field read as Whoosh's matcher reads it (positions for every ``step``-th
    document holding it); returns how many terms were checked."""
    checked = 0
    for term in leaf.lexicon(fieldname):
        text = term.decode("utf-8")
        ids, weights, positions = whoosh_postings(leaf, fieldname, text)
        got_ids, got_weights = read_postings(leaf, fieldname, text)
        assert got_ids.tolist() == ids, text
        assert np.allclose(got_weights, weights), text
        if positions:
            targets = np.asarray(ids[::step], dtype=np.int64)
            expected = dict(zip(ids[::step], positions[::step], strict=True))
            assert read_positions(leaf, fieldname, text, targets) == expected, text
        checked += 1
    return checked


@pytest.mark.parametrize("fieldname", FIELDS)
def test_every_terms_postings_as_whoosh_reads_them(fieldname):
    leaves = [leaf for leaf, _ in get_searcher().reader().leaf_readers() if leaf.doc_count_all()]
    assert sum(assert_read_as_whoosh(leaf, fieldname, step=2) for leaf in leaves) >= 5


def test_terms_with_many_blocks(tmp_path):
    """Whoosh writes postings in blocks of 128 documents: 1000 short texts give common terms 8 blocks."""
    schema = Schema(id=ID(stored=True, unique=True), grams=BigramText(analyzer=BigramAnalyzer()))
    index = FileStorage(str(tmp_path)).create_index(schema)
    writer = index.writer()
    for number in range(1000):
        repeats = "开发区" * (number % 4 + 1)
        writer.add_document(id=str(number), grams=f"{repeats} 第{number}号 {'招商' if number % 3 else '引资'}")
    writer.commit()
    with index.searcher() as searcher:
        ((leaf, _),) = searcher.reader().leaf_readers()
        assert leaf.doc_frequency("grams", "开发") == 1000
        assert assert_read_as_whoosh(leaf, "grams", step=7) > 100


BLOCK_DELTAS = [
    (7,),  # one posting: Whoosh pickles tuples of under four without a mark
    (7, 1, 2),
    (0, *range(1, 128)),  # a common term: every delta after the first under 256 (1-byte ints)
    (70_000, *[3] * 127),  # a first document number over 65 535 (a 4-byte int)
    (300, *[2] * 64),  # a 2-byte first number, a short last block
    (5, *range(250, 250 + 20)),  # deltas of 256 and more (2-byte ints): unpickled whole
]
BLOCK_WEIGHTS = ["none", "one", "varied", "whole"]


def whoosh_block(deltas: tuple, weights: str, compress: bool) -> tuple[int, bool, bytes, list[float]]:
    """A block as Whoosh writes it ((count, compressed, data)), and the weights it stands for."""
    count = len(deltas)
    minified = {
        "none": None,
        "one": 2.0,
        "varied": tuple(float(n % 7 + 1) for n in range(count)),
        "whole": tuple(n % 3 + 1 for n in range(count)),  # ints, not floats: unpickled whole
    }[weights]
    values = tuple(pickle.dumps([n, n + 5], 2) for n in range(count))  # positions, as Whoosh encodes them
    data = pickle.dumps((deltas, minified, values), 2)
    expected = [1.0] * count if minified is None else [minified] * count if weights == "one" else list(minified)
    return count, compress, zlib.compress(data, 3) if compress else data, expected


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("deltas", BLOCK_DELTAS)
@pytest.mark.parametrize("weights", BLOCK_WEIGHTS)
def test_block_read_as_whoosh_minified_it(deltas, weights, compress):
    """Documents and weights of a block read from its start equal what Whoosh pickled, for every way it
    minifies them; the usual block of a common term is read without unpickling (the point of it)."""
    count, compressed, data, expected = whoosh_block(deltas, weights, compress)
    got_deltas, got_weights, counts = _deltas_and_weights([(count, compressed, data)])
    assert got_deltas.tolist() == list(deltas)
    assert got_weights.tolist() == expected
    assert counts.tolist() == [count]
    usual = count >= 4 and max(deltas[1:]) < 256 and weights != "whole"
    assert (_usual_block(count, _head(count, compressed, data)) is not None) == usual


def test_blocks_of_every_layout_read_together():
    """A term's blocks are read at once: each block's postings land in place whatever its neighbours."""
    blocks, deltas, weights = [], [], []
    for number, (block_deltas, block_weights) in enumerate([(d, w) for d in BLOCK_DELTAS for w in BLOCK_WEIGHTS] * 2):
        count, compressed, data, expected = whoosh_block(block_deltas, block_weights, number % 3 != 0)
        blocks.append((count, compressed, data))
        deltas.extend(block_deltas)
        weights.extend(expected)
    got_deltas, got_weights, counts = _deltas_and_weights(blocks)
    assert got_deltas.tolist() == deltas
    assert got_weights.tolist() == weights
    assert counts.sum() == len(deltas)


def test_block_ids_restart_in_each_block():
    assert _block_ids(np.array([3, 1, 1, 200, 5]), [3, 2]).tolist() == [3, 4, 5, 200, 205]
