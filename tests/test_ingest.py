import datetime
import hashlib

import pytest

from articles.gazetteer_db import gazetteer_from_db
from articles.models import Article, Author, Caption, Issue, Page, Zone
from articles.parsing import Caption as ParsedCaption
from articles.parsing import DiscoveredZone, Paragraph, ParsedArticle, ParsedPage
from articles.services.ingest import (
    CREATED,
    UNCHANGED,
    create_articles,
    create_discovered_zones,
    ingest_page,
    reconcile_issue,
)

pytestmark = pytest.mark.django_db

TEXT = "长子经开区加速项目建设\n\n科学导报讯 日前，长子经济技术开发区以项目建设为抓手。\n"


def counts():
    return Page.objects.count(), Article.objects.count(), Issue.objects.count(), Zone.objects.count()


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_page_keeps_bytes_and_decoded_text(codec):
    data = TEXT.replace("\n", "\r\n").encode(codec)
    result = ingest_page(data, "page.txt")
    page = Page.objects.get()
    assert result.status == CREATED
    assert bytes(page.raw_bytes) == data
    assert page.raw_text == TEXT.replace("\n", "\r\n")  # CRLF kept
    assert page.sha256 == hashlib.sha256(data).hexdigest()
    assert page.parser_version
    assert result.articles == page.articles.count() >= 1
    # The parser sees plain newlines.
    assert "\r" not in page.articles.get(position=1).body_text


def test_same_bytes_again_are_unchanged():
    first = ingest_page(TEXT.encode(), "a.txt", issue_year=2024, issue_number=16)
    before = counts()
    again = ingest_page(TEXT.encode(), "renamed.txt", issue_year=2024, issue_number=16)
    assert again.status == UNCHANGED
    assert again.page.pk == first.page.pk
    assert again.articles == first.articles
    assert counts() == before


def test_hints_fill_the_issue_and_label():
    result = ingest_page(
        TEXT.encode(),
        "a.txt",
        issue_year=2024,
        issue_number=16,
        issue_date=datetime.date(2024, 4, 30),
        page_label="D2",
    )
    assert result.page.label == "D2"
    assert result.page.issue.label == "2024-16"
    assert result.page.issue.date == datetime.date(2024, 4, 30)


def test_unpublished_pages_are_hidden():
    ingest_page(TEXT.encode(), "a.txt", publish=False)
    assert Article.objects.count() >= 1
    assert not Article.objects.visible().exists()


def test_masthead_wins_and_a_conflict_is_reported():
    parsed = ParsedPage("test", "heading_first", issue_year=2024, issue_number=16)
    assert reconcile_issue(parsed, None, None) == (2024, 16, [])
    assert reconcile_issue(parsed, 2024, 16) == (2024, 16, [])
    year, number, warnings = reconcile_issue(parsed, 2023, 5)
    assert (year, number) == (2024, 16)
    assert "2023年第5期" in warnings[0] and "masthead wins" in warnings[0]
    unprinted = ParsedPage("test", "heading_first")
    assert reconcile_issue(unprinted, 2023, 5) == (2023, 5, [])


def test_discovered_zones_become_zone_rows():
    parsed = ParsedPage(
        "test",
        "heading_first",
        discovered_zones=[DiscoveredZone("偏关经济开发区", "偏关", "经济开发区", "忻州市", "偏关县")],
    )
    assert create_discovered_zones(parsed, gazetteer_from_db()) == ["偏关经济开发区"]
    zone = Zone.objects.get(name="偏关经济开发区")
    assert zone.source == Zone.Source.DISCOVERED
    assert (zone.city.name, zone.county.name) == ("忻州市", "偏关县")
    assert "偏关经开区" in zone.aliases
    # Seen again on another page: not created twice.
    assert create_discovered_zones(parsed, gazetteer_from_db()) == []


def test_parsed_articles_map_to_zones_cities_authors_and_captions():
    page = ingest_page(TEXT.encode(), "a.txt").page
    page.articles.all().delete()
    parsed = ParsedArticle(
        position=1,
        title="长子经开区项目建设驶入快车道",
        byline="记者王波 通讯员张伦 王昱",
        authors=["王波", "张伦", "王昱"],
        paragraphs=[Paragraph("一段。"), Paragraph("小标题", kind="h"), Paragraph("二段。")],
        captions=[ParsedCaption("项目现场", "■ 梁琛摄", "梁琛")],
        zone="长子经济技术开发区",
        zones=["长子经济技术开发区", "山西转型综合改革示范区", "不存在的开发区"],
        city="长治",
        continued_to="D2",
    )
    warnings = create_articles(page, [parsed])
    article = Article.objects.get(page=page)
    assert article.zone.name == "长子经济技术开发区"
    mentioned = set(article.zones.values_list("name", flat=True))
    assert mentioned == {"长子经济技术开发区", "山西转型综合改革示范区"}
    assert article.city.short == "长治"
    assert article.author_names() == ["王波", "张伦", "王昱"]
    assert article.body_text == "一段。\n小标题\n二段。"
    assert article.paragraphs[1] == {"kind": "h", "text": "小标题"}
    assert Caption.objects.get(article=article).photographer == "梁琛"
    assert article.continued_to == "D2"
    assert any("不存在的开发区" in warning for warning in warnings)
    assert Author.objects.count() == 3


def test_a_continuation_naming_no_zone_takes_its_starts_zone_and_city():
    start = "# 运城经开区项目建设提速\n\n科学导报讯 近日，运城经济技术开发区召开项目推进会，研究部署工作。会议要求加快进度。（下转D2版）\n"
    rest = "（上接D1版）\n\n各部门要压实责任，确保项目早开工、早投产、早见效。会议还对下一阶段工作作出安排。\n"
    ingest_page(start.encode(), "D1.txt", issue_year=2024, issue_number=30, page_label="D1")
    page = ingest_page(rest.encode(), "D2.txt", issue_year=2024, issue_number=30, page_label="D2").page
    (continuation,) = page.articles.all()
    assert continuation.continued_from == "D1"
    assert (continuation.zone.name, continuation.city.short) == ("运城经济技术开发区", "运城")
