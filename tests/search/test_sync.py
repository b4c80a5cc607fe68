"""The index follows the database: what editors and ingest change is searchable when the call returns."""

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleAuthor, Author, Issue, Page, Zone
from articles.search import sync_articles
from articles.search.whoosh_engine.internals import searcher
from articles.services.ingest import reparse_page

from .conftest import clear_index
from .helpers import ids, visible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def all_indexed() -> set[int]:
    return set(ids(""))


def visible_ids() -> set[int]:
    return {article.pk for article in visible()}


def jujube() -> Article:
    return Article.objects.get(body_text__contains="酸枣仁")


@pytest.mark.usefixtures("two_pages")
def test_ingest_makes_articles_searchable_at_once():
    assert all_indexed() == visible_ids()
    assert ids("酸枣仁") == [jujube().pk]


@pytest.mark.usefixtures("two_pages")
def test_unpublish_and_publish_an_article():
    article = jujube()
    article.is_published = False
    article.save()
    assert ids("酸枣仁") == []
    article.is_published = True
    article.save()
    assert ids("酸枣仁") == [article.pk]


@pytest.mark.usefixtures("two_pages")
def test_edited_title_and_zone_are_searchable():
    article = jujube()
    article.title = "酸枣仁产业链延伸"
    article.zone = Zone.objects.get(name="风陵渡经济开发区")
    article.save()
    assert ids("酸枣仁产业链", field="title") == [article.pk]
    assert article.pk in ids("", filters={"zone": ["风陵渡经济开发区"]})
    assert article.pk not in ids("", filters={"zone": ["朔州经济开发区"]})


@pytest.mark.usefixtures("two_pages")
def test_unpublished_page_and_issue_take_their_articles_out():
    page = jujube().page
    page.is_published = False
    page.save()
    assert all_indexed() == visible_ids()
    assert ids("酸枣仁") == []
    page.is_published = True
    page.save()
    assert ids("酸枣仁") == [jujube().pk]

    issue = Issue.objects.filter(pages__isnull=False).first()
    issue.is_published = False
    issue.save()
    assert all_indexed() == visible_ids()
    assert not set(Article.objects.filter(page__issue=issue).values_list("pk", flat=True)) & all_indexed()


@pytest.mark.usefixtures("two_pages")
def test_deleting_articles_and_pages_removes_them():
    article = jujube()
    article.delete()
    assert ids("酸枣仁") == []
    Page.objects.get(articles__title="紫光云智智能制造（临汾）基地启动").delete()
    assert ids("紫光云智") == []
    assert all_indexed() == visible_ids()


@pytest.mark.usefixtures("two_pages")
def test_new_author_is_found_in_the_author_field():
    article = jujube()
    author = Author.objects.create(name="欧阳明月")
    ArticleAuthor.objects.create(article=article, author=author, order=1)
    assert ids("欧阳明月", field="author") == [article.pk]
    assert ("欧阳明月", 1) in ids_facets("欧阳明月")


def ids_facets(name):
    from articles.search import search

    return search(name, field="author").facets["author"]


@pytest.mark.usefixtures("two_pages")
def test_bulk_update_needs_sync_articles():
    chosen = list(Article.objects.filter(city__short="临汾").values_list("pk", flat=True))
    Article.objects.filter(pk__in=chosen).update(is_published=False)  # no signals
    result = sync_articles(chosen)
    assert (result.indexed, result.removed) == (0, len(chosen))
    assert not set(chosen) & all_indexed()
    Article.objects.filter(pk__in=chosen).update(is_published=True)
    assert sync_articles([*chosen, 999999]).removed == 1  # unknown ids are simply removed
    assert set(chosen) <= all_indexed()


@pytest.mark.usefixtures("two_pages")
def test_reparse_keeps_the_index_equal_to_the_database():
    page = jujube().page
    reparse_page(page)
    assert all_indexed() == visible_ids()
    assert ids("酸枣仁") == [jujube().pk]


@pytest.mark.usefixtures("two_pages")
def test_rebuild_and_update_index_commands():
    clear_index()
    assert all_indexed() == set()
    call_command("update_index", verbosity=0)
    assert all_indexed() == visible_ids()
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert all_indexed() == visible_ids()
    assert ids("酸枣仁") == [jujube().pk]


@pytest.mark.usefixtures("two_pages")
def test_searcher_is_kept_until_the_index_changes():
    first = searcher.get_searcher()
    assert searcher.get_searcher() is first
    article = jujube()
    article.title = "新标题"
    article.save()
    assert searcher.get_searcher() is not first


@pytest.mark.usefixtures("two_pages")
def test_a_deleted_index_folder_is_recreated_and_refilled_by_update_index():
    import shutil

    shutil.rmtree(searcher.index_path())
    assert all_indexed() == set()  # an empty index, not an error
    call_command("update_index", verbosity=0)
    assert all_indexed() == visible_ids()


@pytest.mark.usefixtures("two_pages")
def test_system_check_warns_when_the_index_lags_the_database():
    from articles.search.checks import index_matches_database

    assert index_matches_database() == []
    clear_index()
    [warning] = index_matches_database()
    assert warning.id == "search.W001" and "rebuild_index" in warning.hint
