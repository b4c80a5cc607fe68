"""search() finds, orders and counts by array operations on the index; Whoosh's own evaluation of the
same match (testing.plain_whoosh_query) is the oracle: the same documents, the same date order."""

import numpy as np
import pytest
from haystack import connections
from haystack.constants import ID
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage

from articles.models import Article
from articles.search import search, sync_articles
from articles.search.whoosh_engine import matching, testing
from articles.search.whoosh_engine.analyzers import BigramAnalyzer
from articles.search.whoosh_engine.backend import BigramText
from articles.search.whoosh_engine.internals.arrays import IndexArrays, _text_column, index_arrays
from articles.search.whoosh_engine.internals.searcher import get_searcher

from .helpers import containing, db_facets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

QUERIES = [
    ("亚宝药业", "all"),  # whole word or a distinctive part
    ("长子经开区", "all"),  # every name of the zone
    ("招商引资", "all"),
    ("项目 建设", "all"),
    ('"济开发"', "all"),  # crosses jieba words: only positions tell
    ('"区建设"', "all"),
    ('"枣"', "all"),  # one character
    ('"开局战 实现"', "all"),  # a space inside
    ("酸枣仁 OR 紫光云智", "all"),
    ('"开发区" -运城', "all"),
    ("NOT 开发区", "all"),
    ("开发区", "title"),
    ("管运分离", "title"),
    ("王波", "author"),
    ("王", "author"),
    ("不存在的词甲乙丙", "all"),
]


def whoosh_finds(q, field="all", filters=None, sort="relevance") -> list[int]:
    searcher = get_searcher()
    query, filter_query, sortedby = testing.plain_whoosh_query(searcher, q, field=field, filters=filters, sort=sort)
    results = searcher.search(query, filter=filter_query, limit=None, sortedby=sortedby)
    return [int(hit["django_id"]) for hit in results]


def found(q, **kwargs) -> list[int]:
    result = search(q, per_page=1000, **kwargs)
    return [hit.article.pk for hit in result.hits]


@pytest.mark.parametrize(("q", "field"), QUERIES)
def test_the_same_documents_as_whoosh_evaluating_the_phrase_queries(q, field):
    testing.forget_answers()
    assert set(found(q, field=field)) == set(whoosh_finds(q, field))


def test_date_order_is_whooshs_sort_order():
    assert found('"开发区"', sort="date") == whoosh_finds('"开发区"', sort="date")
    assert found("") == whoosh_finds("")


def test_filters_as_whoosh_filters():
    filters = {"city": ["临汾"], "year": ["2024"]}
    assert set(found('"开发区"', filters=filters)) == set(whoosh_finds('"开发区"', filters=filters))


def test_after_an_edit_the_new_segment_and_the_deletion_count():
    """Re-indexing writes a new segment and deletes the old copy: matches, facets and order follow."""
    article = Article.objects.visible().filter(city__short="临汾").order_by("pk").first()
    original = article.title
    try:
        article.title = f"测试新段落标记 {original}"
        article.save()
        sync_articles([article.pk])  # the test's transaction never commits: index it now
        assert found("测试新段落标记") == [article.pk]
        assert set(found('"开发区"')) == containing("开发区") == set(whoosh_finds('"开发区"'))
        result = search("")
        assert result.count == Article.objects.visible().count()
        assert dict(result.facets["city"]) == db_facets(containing(""))["city"]
    finally:
        article.title = original
        article.save()
        sync_articles([article.pk])
    assert found("测试新段落标记") == []


def test_pages_past_the_kept_order_are_computed(monkeypatch):
    monkeypatch.setattr(matching, "ORDER_KEPT", 3)
    testing.forget_answers()
    seen, page = [], 1
    while True:
        result = search('"开发区"', sort="date", page=page, per_page=2)
        seen.extend(hit.article.pk for hit in result.hits)
        if page >= result.pages:
            break
        page += 1
    assert seen == whoosh_finds('"开发区"', sort="date")


PHRASES = ["济开发", "区建设", "药业为龙头", "开局战 实现", "亿元", "不存在的短语甲乙丙"]


def test_phrase_candidates_are_checked_in_the_text_column():
    view = index_arrays(get_searcher())
    assert all(leaf.has_column("fulltext_grams") for leaf, _ in view.leaves if leaf.doc_count_all())
    _assert_phrases_found(view)


def test_an_index_written_before_the_text_column_checks_phrases_by_positions(tmp_path):
    """Segments written by an earlier version (bigram fields without the column) still answer exactly."""
    backend = connections["default"].get_backend()
    schema = backend.schema.copy()
    for name, field in list(schema.items()):
        if isinstance(field, BigramText):
            schema.remove(name)
            schema.add(name, TEXT(analyzer=field.analyzer, phrase=True))
    index = FileStorage(str(tmp_path)).create_index(schema, indexname="MAIN")
    writer = index.writer()
    article_index = connections["default"].get_unified_index().get_index(Article)
    for article in Article.objects.visible().with_related():
        writer.add_document(**backend.document(article_index, article))
    writer.commit()
    with index.searcher() as old_searcher:
        view = IndexArrays(old_searcher)
        assert not any(leaf.has_column("fulltext_grams") for leaf, _ in view.leaves)
        _assert_phrases_found(view)

    # This version's writer merges the old segment with a new one: the merged column has no text for
    # the old documents, and they are checked by positions.
    index = FileStorage(str(tmp_path)).open_index("MAIN", schema=backend.schema)
    writer = index.writer()
    resaved = Article.objects.visible().with_related().order_by("pk").first()
    writer.delete_by_term(ID, f"articles.article.{resaved.pk}")
    writer.add_document(**backend.document(article_index, resaved))
    writer.commit(optimize=True)
    with index.searcher() as merged_searcher:
        view = IndexArrays(merged_searcher)
        assert [leaf.has_column("fulltext_grams") for leaf, _ in view.leaves] == [True]
        _assert_phrases_found(view)


def _assert_phrases_found(view: IndexArrays) -> None:
    everything = np.flatnonzero(view.live)
    for phrase in PHRASES:
        assert _django_ids(view, view.contains("fulltext_grams", phrase, everything)) == containing(phrase), phrase


def _django_ids(view: IndexArrays, mask) -> set[int]:
    return {int(view.searcher.stored_fields(int(doc))["django_id"]) for doc in np.flatnonzero(mask)}


@pytest.mark.parametrize("storage", ["file", "memory"])
def test_text_column_found_in_a_file_and_in_memory(storage, tmp_path):
    """On disk (opened without Whoosh's own maps, as the archive opens it) the column is searched through
    a map of the segment file; an index in memory (no file to map) is read through Whoosh's file
    objects: the same answers either way."""
    schema = Schema(id=WHOOSH_ID(stored=True), grams=BigramText(analyzer=BigramAnalyzer()))
    store = FileStorage(str(tmp_path), supports_mmap=False) if storage == "file" else RamStorage()
    index = store.create_index(schema)
    writer = index.writer()
    texts = ["长子经济技术开发区", "开发区建设", "", "经济开发区招商引资"]
    for number, text in enumerate(texts):
        writer.add_document(id=str(number), grams=text)
    writer.commit()
    with index.searcher() as searcher:
        ((leaf, _),) = searcher.reader().leaf_readers()
        find, starts, lengths, mapped = _text_column(leaf, "grams")
        assert mapped == (storage == "file")
        for needle in ["济开发", "开发区", "招商", "不在"]:
            found = [n for n in range(len(texts)) if find(needle.encode(), starts[n], starts[n] + lengths[n]) >= 0]
            assert found == [n for n, text in enumerate(texts) if needle in text], needle
