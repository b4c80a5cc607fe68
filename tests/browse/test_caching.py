"""Reader pages answer a conditional GET with 304 until the archive changes, and say how to cache them."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, City, Issue, Zone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pages() -> list[str]:
    article = Article.objects.get(title__contains="做强现代医药产业")
    return [
        article.get_absolute_url(),
        Zone.objects.get(name="长子经济技术开发区").get_absolute_url(),
        City.objects.get(short="长治").get_absolute_url(),
        Issue.objects.get(year=2024, number=16).get_absolute_url(),
        "/search/?q=开发区&city=临汾",
        "/api/v1/search/?q=开发区",
        "/",
    ]


@pytest.mark.usefixtures("indexed_seeds")
def test_conditional_get_gets_304_until_an_edit_changes_the_page(client):
    article = Article.objects.get(title__contains="做强现代医药产业")
    urls = pages()
    tags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"] and response["Last-Modified"], url
        assert "max-age=0" in response["Cache-Control"] and "must-revalidate" in response["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again.content == b"", url
        tags[url] = response["ETag"]

    article.title = "医药产业新标题"
    article.save()  # committed: the index takes it at once (a new generation)

    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=tags[url])
        assert response.status_code == 200, url
        assert response["ETag"] != tags[url], url
    assert "医药产业新标题" in client.get(article.get_absolute_url()).text


@pytest.mark.usefixtures("indexed_seeds")
def test_an_admin_change_touching_no_article_changes_the_version(client):
    zone = Zone.objects.filter(primary_articles__isnull=True, articles__isnull=True).first()
    url = zone.get_absolute_url()
    first = client.get(url)
    zone.kind = "测试类型"
    zone.save()
    editor = User.objects.create_user("editor", password="x")
    LogEntry.objects.log_actions(editor.pk, [zone], CHANGE, change_message="备注")  # as the admin does
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and "测试类型" in second.text


@pytest.mark.usefixtures("indexed_seeds")
def test_a_page_rendered_for_this_version_is_served_again_without_its_queries(client):
    url = Article.objects.get(title__contains="做强现代医药产业").get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.content == first.content
    assert len(queries) == 1  # the data version


@pytest.mark.usefixtures("indexed_seeds")
def test_not_found_is_neither_validated_nor_kept(client):
    response = client.get("/articles/999999/")
    assert response.status_code == 404
    assert not response.has_header("ETag")


@pytest.mark.usefixtures("indexed_seeds")
def test_with_a_page_cache_of_zero_every_page_is_rendered(client, settings):
    from articles.caching import forget_pages

    settings.KFQ_PAGE_CACHE = 0  # read when a page would be kept
    forget_pages()
    url = Article.objects.get(title__contains="做强现代医药产业").get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.content == first.content
    assert len(queries) > 1  # rendered again, not only the data version asked


def test_kept_pages_are_bounded_by_their_bytes_as_well_as_their_number():
    from articles.caching import _Recent

    pages = _Recent(3, max_weight=10, weigh=len)
    pages.put("a", b"1234")
    pages.put("b", b"1234")
    assert pages.get("a") == b"1234"  # now the most recently used
    pages.put("c", b"1234")  # 12 bytes: the least recently used page goes
    assert (pages.get("a"), pages.get("b"), pages.get("c")) == (b"1234", None, b"1234")
    pages.put("a", b"12")  # replaced, not counted twice
    pages.put("d", b"12")
    assert [pages.get(key) for key in "acd"] == [b"12", b"1234", b"12"]
    pages.put("e", b"12345678901")  # heavier than the whole bound: not kept, nothing dropped
    assert pages.get("e") is None and pages.get("c") == b"1234"
    pages.put("f", b"1")  # the number bound still holds
    assert sum(pages.get(key) is not None for key in "acdf") == 3
