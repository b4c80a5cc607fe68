"""Nothing reachable only through unpublished articles reaches readers: a zone discovered on a page still
in preview, an author known only from it (their pages are 404, and absent from lists, sitemap, feeds)."""

import pytest

from articles.models import Author, Zone
from articles.services.editing import set_published
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db

PAGE = "开发区建设\n\n# 云中河经济技术开发区举办招商推介会\n\n科学导报讯 记者齐山远 近日，云中河经济技术开发区举办招商推介会，签约项目12个。\n"


def reader_urls(client) -> str:
    """Everything a reader (or a crawler) can list."""
    pages = ["/zones/", "/sitemap.xml", "/feeds/latest.rss", "/"]
    return "".join(client.get(url).content.decode() for url in pages)


def test_a_zone_and_an_author_known_only_from_a_page_in_preview_stay_hidden_until_it_is_published(client):
    result = ingest_page(PAGE.encode(), "D1.txt", issue_year=2024, issue_number=20, publish=False)
    zone = Zone.objects.get(name="云中河经济技术开发区")
    author = Author.objects.get(name="齐山远")
    assert zone.source == Zone.Source.DISCOVERED

    assert client.get(zone.get_absolute_url()).status_code == 404
    assert client.get(f"/feeds/zones/{zone.pk}.rss").status_code == 404
    assert client.get(author.get_absolute_url()).status_code == 404
    listed = reader_urls(client)
    assert "云中河" not in listed and "齐山远" not in listed

    set_published(type(result.page.issue).objects.filter(pk=result.page.issue_id), True)
    assert client.get(zone.get_absolute_url()).status_code == 200
    assert client.get(author.get_absolute_url()).status_code == 200
    assert "云中河经济技术开发区" in client.get("/zones/").content.decode()
    assert zone.get_absolute_url() in client.get("/sitemap.xml").content.decode()


def test_gazetteer_zones_are_listed_without_articles(client):
    zone = Zone.objects.filter(source=Zone.Source.GAZETTEER).first()
    assert client.get(zone.get_absolute_url()).status_code == 200
    assert zone.name in client.get("/zones/").content.decode()
