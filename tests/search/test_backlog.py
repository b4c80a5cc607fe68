"""The index backlog: a change is queued with its transaction and written after the commit; what cannot be
written (index busy, a document that fails) stays queued until a later write takes it."""

import logging

import pytest
from django.db import transaction

from articles.models import Article
from articles.search.models import IndexBacklog
from articles.search.sync import sync_on_commit
from articles.search.whoosh_engine.internals import searcher

from .conftest import clear_index, empty_archive
from .helpers import check_index, ids, indexed_ids, visible, visible_ids, whoosh_writer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.usefixtures("two_pages")
def test_an_index_busy_past_the_timeout_keeps_the_change_in_the_backlog(settings, caplog):
    settings.KFQ_INDEX_LOCK_TIMEOUT = 0.2
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


@pytest.mark.usefixtures("two_pages")
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


@pytest.mark.usefixtures("two_pages")
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


def segments() -> int:
    return len(searcher.get_searcher().reader().leaf_readers())


@pytest.mark.usefixtures("two_pages")
def test_saves_add_small_segments_merged_after_the_next_response(client):
    article = visible()[0]
    before = segments()
    for step in range(6):
        article.title = f"第{'一二三四五六'[step]}次修改"
        article.save()  # a commit of its own: the index takes it at once, without merging
    assert segments() == before + 6
    assert ids("第六次修改") == [article.pk]
    client.get("/")  # the response is sent, then the small segments are merged
    assert segments() <= before + 2
    assert ids("第六次修改") == [article.pk]
    assert indexed_ids() == visible_ids()


@pytest.mark.usefixtures("two_pages")
def test_system_check_warns_about_rows_waiting_over_a_minute():
    import datetime

    from django.utils import timezone

    from articles.search.checks import index_matches_database

    row = IndexBacklog.objects.create(article_id=visible()[0].pk)
    assert index_matches_database() == []  # a write in progress, not drift
    IndexBacklog.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
    [warning] = index_matches_database()
    assert warning.id == "search.W001" and "1 index backlog rows have waited over a minute" in warning.msg
    assert check_index("--repair")[0]
    assert index_matches_database() == []


def test_an_upload_while_the_index_is_busy_stores_its_pages_and_queues_them(settings, caplog, seed_paths):
    from articles.models import Page
    from articles.services.upload import PageFile, ingest_files

    empty_archive()
    clear_index()
    searcher.get_searcher()  # an empty index
    settings.KFQ_INDEX_LOCK_TIMEOUT = 0.2
    holder = whoosh_writer()
    try:
        with caplog.at_level(logging.WARNING):
            report = ingest_files([PageFile(path.name, path.read_bytes()) for path in seed_paths[:2]])
    finally:
        holder.cancel()
    assert len(report.created) == 2 and Page.objects.count() == 2
    assert "wait in the index backlog" in caplog.text
    queued = set(IndexBacklog.objects.values_list("article_id", flat=True))
    assert queued == set(Article.objects.values_list("pk", flat=True))
    assert check_index("--repair")[0]
    assert not IndexBacklog.objects.exists()


@pytest.mark.usefixtures("two_pages")
def test_an_index_write_failing_after_the_commit_leaves_the_save_and_its_backlog_row(monkeypatch, caplog):
    from articles.search import sync

    def broken(*args, **kwargs):
        raise RuntimeError("index write failed")

    article = visible()[0]
    monkeypatch.setattr(sync, "drain", broken)
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"), transaction.atomic():
        article.title = "写索引失败时的保存"
        article.save()  # the commit succeeds whatever happens to the index afterwards
    assert "index write failed" in caplog.text
    assert Article.objects.get(pk=article.pk).title == "写索引失败时的保存"
    assert list(IndexBacklog.objects.values_list("article_id", flat=True)) == [article.pk]
    monkeypatch.undo()
    assert check_index("--repair")[0]
    assert ids("写索引失败时的保存") == [article.pk]
