"""Links between articles: 上接/下转 across pages of an issue, previous/next, related; pagination."""

import pytest
from django.core.management import call_command

from articles.models import Article, City
from articles.search import sync_articles
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db

D1 = "长子经开区加速项目建设\n\n科学导报讯 日前，长子经济技术开发区以项目建设为抓手，系统谋划项目储备。\n\n（下转D2版）\n"
D2 = "（上接D1版）\n\n截至目前，续建项目复工率达到百分之百，长子经济技术开发区新建项目开工率较高。\n"


def test_continued_parts_link_each_other(client):
    ingest_page(D1.encode(), "d1.txt", issue_year=2025, issue_number=3, page_label="D1")
    ingest_page(D2.encode(), "d2.txt", issue_year=2025, issue_number=3, page_label="D2")
    first = Article.objects.get(page__label="D1")
    second = Article.objects.get(page__label="D2")
    first_html = client.get(first.get_absolute_url()).text
    assert f'（下转 <a href="{second.get_absolute_url()}" rel="next">D2 版' in first_html
    second_html = client.get(second.get_absolute_url()).text
    assert (
        f'（上接 <a href="{first.get_absolute_url()}" rel="prev">D1 版《长子经开区加速项目建设》</a>）' in second_html
    )
    # Untitled continuation: placeholder and first words.
    assert "（无标题）截至目前，续建项目复工率达到百分之百" in second_html

    # The issue's table of contents lists the pages in order, with their labels.
    issue_html = client.get("/issues/2025-3/").text
    assert issue_html.index("D1 版") < issue_html.index("D2 版")

    # Hiding one part turns the link back into plain text (``update()`` sends no signal: its callers
    # sync the index themselves, which is also what tells cached pages that the archive changed).
    Article.objects.filter(pk=first.pk).update(is_published=False)
    sync_articles([first.pk])
    second_html = client.get(second.get_absolute_url()).text
    assert "（上接 D1 版）" in second_html


def test_related_articles_share_zone_or_city(client, seeded):
    article = Article.objects.get(title__contains="做强现代医药产业")  # 运城, 风陵渡
    html = client.get(article.get_absolute_url()).text
    related = html.split("相关文章", 1)[1]
    for other in Article.objects.visible().filter(city__short="运城").exclude(pk=article.pk):
        assert other.get_absolute_url() in related
    assert Article.objects.get(title__contains="山西省（环渤海）").get_absolute_url() not in related


def test_related_articles_kept_for_a_zone_follow_edits_at_once(client):
    """Articles of the same zone share one related list (kept per process for the data version); each
    leaves itself out, and hiding a related article takes it off at once."""
    call_command("clear_index", interactive=False, verbosity=0)  # the index outlives other tests' data
    for number in (1, 2, 3):
        text = f"长子经开区第{number}号报道\n\n科学导报讯 长子经济技术开发区第{number}次推进项目建设。\n"
        ingest_page(text.encode(), f"zone-{number}.txt", issue_year=2025, issue_number=number)
    first, second, third = (Article.objects.get(title=f"长子经开区第{number}号报道") for number in (1, 2, 3))
    sync_articles([first.pk, second.pk, third.pk])  # what the commit would have done (a test never commits)

    def related(article):
        return client.get(article.get_absolute_url()).text.split("相关文章", 1)[1]

    assert second.get_absolute_url() in related(first) and third.get_absolute_url() in related(first)
    assert first.get_absolute_url() in related(second) and third.get_absolute_url() in related(second)
    assert first.get_absolute_url() not in related(first)

    Article.objects.filter(pk=second.pk).update(is_published=False)
    sync_articles([second.pk])
    assert second.get_absolute_url() not in related(first)
    assert third.get_absolute_url() in related(first)


def test_city_articles_are_paginated_newest_first(client, seeded):
    city = City.objects.get(short="长治")
    for number in range(1, 24):
        text = f"长子经开区第{number}号报道\n\n科学导报讯 长子经济技术开发区第{number}次推进项目建设。\n"
        ingest_page(text.encode(), f"extra-{number}.txt", issue_year=2025, issue_number=number)
    total = Article.objects.visible().filter(city=city).count()
    assert total > 20
    first = client.get(city.get_absolute_url()).text
    assert "第 1 / 2 页" in first and "第23号报道" in first and "第1号报道" not in first
    assert first.index("第23号报道") < first.index("第22号报道")
    second = client.get(city.get_absolute_url(), {"page": 2}).text
    assert "第 2 / 2 页" in second and "上一页" in second
    assert client.get(city.get_absolute_url(), {"page": "x"}).status_code == 200


def test_kept_related_lists_hold_no_model_instances(client, seeded):
    """A worker keeps a few hundred related lists; kept as model instances (with their pages, issues,
    zones and authors) they made each of its full garbage collections take ~100 ms."""
    import gc

    for article in Article.objects.visible():
        assert client.get(article.get_absolute_url()).status_code == 200
    gc.collect()
    alive = [thing for thing in gc.get_objects() if isinstance(thing, Article)]
    assert len(alive) < 5, f"{len(alive)} articles kept after the pages were sent"
