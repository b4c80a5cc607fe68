"""What readers may see and in which order, said once on the models' querysets (``visible()``,
``newest_first()``, ``in_reading_order()``) and the lookups of the reader pages' URLs."""

import datetime

import pytest
from django.db.models import Count

from articles.models import Article, Author, City, Issue, Page, Zone
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db

TEXT = "# {title}\n\n科学导报讯 记者{author} 长子经济技术开发区以项目建设为抓手，加速手续办理。\n"


def article(title: str, author: str = "王波", **hints) -> Article:
    """One page holding one article ``title`` (about 长子经济技术开发区, by ``author``)."""
    page = ingest_page(TEXT.format(title=title, author=author).encode(), f"{title}.txt", **hints).page
    return page.articles.get()


def key(issue: Issue) -> str:
    return issue.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]


def test_a_city_by_its_slug_or_code():
    assert City.objects.by_slug("taiyuan").code == "140100"
    assert City.objects.by_slug("140100").short == "太原"
    assert City.objects.by_slug("atlantis") is None


def test_an_issue_by_the_key_of_its_url():
    numbered = article("有期号", issue_year=2024, issue_number=16).page.issue
    dated = article("只有日期", issue_date=datetime.date(2024, 3, 1)).page.issue
    unknown = Issue.objects.create()
    Issue.objects.filter(pk=numbered.pk).update(date=dated.date)  # the same day: the date names the dated one
    assert [Issue.objects.by_key(key(issue)) for issue in (numbered, dated, unknown)] == [numbered, dated, unknown]
    assert key(numbered) == "2024-16" and key(dated) == "2024-03-01" and key(unknown) == f"id-{unknown.pk}"
    for nothing in ("2024-17", "2024-02-30", "id-0", "16", "2024-16/", ""):
        assert Issue.objects.by_key(nothing) is None, nothing

    Issue.objects.filter(pk=numbered.pk).update(is_published=False)
    assert Issue.objects.visible().by_key("2024-16") is None
    assert Issue.objects.by_key("2024-16") == numbered


def test_issues_newest_first_even_where_django_drops_the_default_order():
    old = article("旧", issue_year=2023, issue_number=40).page.issue
    new = article("新", issue_year=2024, issue_number=16).page.issue
    dated = article("只有日期", issue_date=datetime.date(2024, 3, 1)).page.issue
    counted = Issue.objects.visible().annotate(n=Count("pages"))  # a GROUP BY: Meta.ordering is not applied
    assert list(counted.newest_first()) == [new, dated, old]


def test_pages_readers_may_see_and_their_reading_order():
    shown = article("一版", issue_year=2024, issue_number=16, page_label="D2").page
    first = article("另一版", issue_year=2024, issue_number=16, page_label="D1").page
    loose = article("无期次").page
    hidden = article("未公开", issue_year=2024, issue_number=16, publish=False).page
    withdrawn = article("撤下的期", issue_year=2023, issue_number=1).page
    Issue.objects.filter(pk=withdrawn.issue_id).update(is_published=False)

    assert set(Page.objects.visible()) == {shown, first, loose}
    assert hidden not in Page.objects.visible() and withdrawn not in Page.objects.visible()
    assert list(shown.issue.pages.visible().in_reading_order()) == [first, shown]


def test_articles_newest_first_reading_order_and_printed_with():
    old = article("旧的", issue_year=2023, issue_number=40)
    second = article("第二版", issue_year=2024, issue_number=16, page_label="D2")
    first = article("第一版", issue_year=2024, issue_number=16, page_label="D1")
    loose = article("无期次")

    # In one issue the page uploaded last comes first (as on the home page's "recent" list).
    assert list(Article.objects.visible().newest_first()) == [first, second, old, loose]
    assert list(Article.objects.visible().in_reading_order().filter(page__issue=first.page.issue)) == [first, second]
    assert set(Article.objects.visible().printed_with(second)) == {first, second}
    assert list(Article.objects.visible().printed_with(loose)) == [loose]


def test_articles_about_a_zone_and_by_an_author():
    about = article("主要开发区", author="王波")
    mentioning = article("提及", author="张伦")
    zone = about.zone
    other = Zone.objects.exclude(pk=zone.pk).first()
    Article.objects.filter(pk=mentioning.pk).update(zone=other)
    mentioning.zones.set([zone, other])

    assert set(Article.objects.visible().about_zone(zone)) == {about, mentioning}
    assert Article.objects.visible().about_zone(zone).count() == 2  # once each, though named twice
    assert list(Article.objects.visible().by_author(Author.objects.get(name="张伦"))) == [mentioning]


def test_zones_readers_may_see():
    gazetteer = Zone.objects.filter(source=Zone.Source.GAZETTEER).count()
    found = Zone.objects.create(name="新发现开发区", source=Zone.Source.DISCOVERED)
    piece = article("未公开的文章", publish=False)
    piece.zones.add(found)
    assert found not in Zone.objects.visible()  # known only from a page still in preview
    assert Zone.objects.visible().count() == gazetteer

    Page.objects.filter(pk=piece.page_id).update(is_published=True)
    assert found in Zone.objects.visible()
    assert set(Zone.objects.named_in(Article.objects.visible())) == {piece.zone, found}
