"""The archive reads Whoosh's postings blocks itself (one read per term); what it reads must be what
Whoosh's own matcher yields, for every term of every kind of field."""

import numpy as np
import pytest
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage

from articles.search.analysis import BigramAnalyzer
from articles.search.arrays import read_positions, read_postings
from articles.search.backend import BigramText
from articles.search.searcher import get_searcher

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
        (leaf, _), = searcher.reader().leaf_readers()
        assert leaf.doc_frequency("grams", "开发") == 1000
        assert assert_read_as_whoosh(leaf, "grams", step=7) > 100
