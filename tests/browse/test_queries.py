"""Pages stay fast as the archive grows: the number of SQL queries does not depend on the articles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.caching import forget_pages
from articles.models import Article, Author, City, Issue, Zone
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db


def urls():
    article = Article.objects.get(title__contains="做强现代医药产业")
    return [
        "/",
        City.objects.get(short="长治").get_absolute_url(),
        "/zones/",
        Zone.objects.get(name="长子经济技术开发区").get_absolute_url(),
        "/issues/",
        Issue.objects.get(year=2024, number=16).get_absolute_url(),
        article.get_absolute_url(),
        Author.objects.get(name="王波").get_absolute_url(),
        "/feeds/latest.rss",
    ]


def query_counts(client):
    forget_pages()  # every page rendered, none served as kept
    counts = {}
    for url in urls():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def add_pages(numbers):
    for number in numbers:
        text = (
            f"长子经开区第{number}号报道\n\n科学导报讯 记者王波 长子经济技术开发区第{number}次推进项目建设，"
            "上党经济技术开发区也参加了。\n"
        )
        ingest_page(text.encode(), f"more-{number}.txt", issue_year=2024, issue_number=16)


def test_query_counts_do_not_grow_with_articles(client, seeded):
    # Each count is taken the second time round: the first search after an index change also reads
    # whether zone or author names came with it (once per change, whatever the number of articles).
    add_pages(range(1, 3))
    query_counts(client)
    before = query_counts(client)
    add_pages(range(3, 30))
    query_counts(client)
    after = query_counts(client)
    assert after == before
    assert max(after.values()) <= 30
