"""``manage.py check_index`` finds and repairs drift; the index backlog keeps what could not be written."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from haystack import connections
from whoosh import index as whoosh_index

from articles.models import Article, IndexBacklog
from articles.search import backend as backend_module
from articles.search import searcher
from articles.search.sync import sync_on_commit

from .conftest import SEEDS, clear_index
from .helpers import ids, visible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def archive():
    clear_index()
    pages = [SEEDS / "001_9fb076c45fe2398f.txt", SEEDS / "002_e4964b2fd594f1a5.txt"]
    call_command("ingest", *map(str, pages), stdout=StringIO())
    yield
    clear_index()


def check_index(*args) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("check_index", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def whoosh_writer():
    """A writer straight on the index files, bypassing the archive's code (what damage looks like)."""
    return whoosh_index.open_dir(str(searcher.index_path()), indexname=searcher.INDEX_NAME).writer()


def prepared(article: Article, **changes) -> dict:
    """The index document of ``article``, as it would be with ``changes`` made."""
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Article)
    article = Article.objects.visible().with_related().get(pk=article.pk)
    for name, value in changes.items():
        setattr(article, name, value)
    return backend.document(index, article)


def indexed_ids() -> list[int]:
    return sorted(ids(""))


def visible_ids() -> list[int]:
    return sorted(article.pk for article in visible())


@pytest.mark.usefixtures("archive")
def test_check_index_reports_and_repairs_a_damaged_index():
    assert check_index() == (True, check_index()[1])
    first, second, third, fourth, fifth = visible()[:5]
    hidden = Article.objects.get(pk=fifth.pk)
    writer = whoosh_writer()
    writer.delete_by_term("id", f"articles.article.{first.pk}")  # missing
    writer.delete_by_term("id", f"articles.article.{second.pk}")
    writer.add_document(id="articles.article.999999", django_ct="articles.article", django_id="999999")  # stale
    writer.add_document(id="stray", django_ct="other.model", django_id="1")  # names no article
    writer.update_document(**prepared(third, title="旧标题的文章"))  # an older version of the article
    altered = prepared(fourth) | {"city": "北京"}  # a stored value altered, digest kept
    writer.update_document(**altered)
    writer.commit()
    Article.objects.filter(pk=hidden.pk).update(is_published=False)  # no signal: the index still holds it
    searcher.reset()
    assert "旧标题的文章" not in {article.title for article in visible()}
    assert ids("旧标题的文章") == [third.pk]

    clean, report = check_index()
    assert not clean
    assert f"missing (visible, not indexed): 2: {first.pk}, {second.pk}" in report
    assert f"stale (indexed, hidden or deleted): 2: {hidden.pk}, 999999" in report
    assert f"changed (indexed differently): 2: {third.pk}, {fourth.pk}" in report
    assert "stray documents (index numbers): 1" in report

    clean, report = check_index("--repair")
    assert clean, report
    assert "repaired: 4 indexed, 3 removed" in report
    assert check_index()[0]
    assert indexed_ids() == visible_ids()
    assert ids("旧标题的文章") == []
    assert ids("", filters={"city": ["北京"]}) == []


@pytest.mark.usefixtures("archive")
def test_an_index_busy_past_the_timeout_keeps_the_change_in_the_backlog(monkeypatch, caplog):
    monkeypatch.setattr(backend_module, "WRITE_LOCK_TIMEOUT", 0.2)
    article = visible()[0]
    holder = whoosh_writer()  # another writer holds the lock
    try:
        with caplog.at_level(logging.WARNING, logger="articles.search.sync"), transaction.atomic():
            Article.objects.filter(pk=article.pk).update(title="等待索引的标题")
            sync_on_commit([article.pk])
    finally:
        holder.cancel()
    assert "wait in the index backlog" in caplog.text
    assert Article.objects.get(pk=article.pk).title == "等待索引的标题"  # the save itself succeeded
    assert list(IndexBacklog.objects.values_list("article_id", flat=True)) == [article.pk]
    assert ids("等待索引的标题") == []
    assert not check_index()[0]

    other = visible()[1]
    other.title = "下一次保存"
    other.save()  # the next write anywhere takes the waiting row along
    assert ids("等待索引的标题") == [article.pk]
    assert ids("下一次保存") == [other.pk]
    assert not IndexBacklog.objects.exists()
    assert check_index()[0]


@pytest.mark.usefixtures("archive")
def test_a_row_queued_in_a_rolled_back_savepoint_is_queued_again():
    first, second = visible()[:2]
    with transaction.atomic():
        sync_on_commit([second.pk])  # this transaction's queue exists before the savepoint
        try:
            with transaction.atomic():
                Article.objects.filter(pk=first.pk).update(is_published=False)
                sync_on_commit([first.pk])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert Article.objects.get(pk=first.pk).is_published  # the savepoint's update is gone
        assert not IndexBacklog.objects.filter(article_id=first.pk).exists()  # and so is its row
        Article.objects.filter(pk=first.pk).update(is_published=False)
        sync_on_commit([first.pk])
        assert IndexBacklog.objects.filter(article_id=first.pk).count() == 1
    assert first.pk not in indexed_ids()
    assert indexed_ids() == visible_ids()


@pytest.mark.usefixtures("archive")
def test_a_document_that_cannot_be_prepared_stays_queued_and_the_others_are_indexed(monkeypatch):
    from articles.search_indexes import ArticleIndex

    first, second = visible()[:2]
    original = ArticleIndex.prepare_title

    def broken(self, article):
        if article.pk == first.pk:
            raise ValueError("broken article")
        return original(self, article)

    monkeypatch.setattr(ArticleIndex, "prepare_title", broken)
    with transaction.atomic():
        Article.objects.filter(pk__in=[first.pk, second.pk]).update(title="同时修改的标题")
        sync_on_commit([first.pk, second.pk])
    assert ids("同时修改的标题") == [second.pk]
    assert list(IndexBacklog.objects.values_list("article_id", flat=True)) == [first.pk]

    monkeypatch.setattr(ArticleIndex, "prepare_title", original)
    assert check_index("--repair")[0]
    assert sorted(ids("同时修改的标题")) == sorted([first.pk, second.pk])
    assert not IndexBacklog.objects.exists()


@pytest.mark.usefixtures("archive")
def test_system_check_points_to_check_index():
    from articles.search.signals import index_matches_database

    assert index_matches_database() == []
    writer = whoosh_writer()
    writer.delete_by_term("id", f"articles.article.{visible()[0].pk}")
    writer.commit()
    [warning] = index_matches_database()
    assert warning.id == "search.W001" and "check_index --repair" in warning.hint
    assert check_index("--repair")[0]
    assert index_matches_database() == []
