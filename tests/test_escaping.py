"""Hostile text from page files and editors is shown as text everywhere: pages, search snippets, the JSON
API, RSS/Atom feeds (well-formed XML), the sitemap and the admin. Nothing in it becomes markup."""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User

from articles.models import Article, ArticleAuthor, Author, Caption, City, Zone
from articles.search import sync_articles
from articles.services.ingest import ingest_page

from .search.conftest import clear_index

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
CDATA_END = "]]>"
CONTROLS = "\x0c\x01\x0b"  # a form feed and stray control bytes, as in text pasted from other programs
FILLER = "园区企业加快建设，项目进展顺利，各项工作有序推进。\n"

TITLE = f"长子经开区{SCRIPT}项目建设{ATTRIBUTE}{CDATA_END}{CONTROLS}"
PAGE_TEXT = (
    f"{TITLE}\n\n科学导报讯（记者 王{SCRIPT}波）日前，长子经济技术开发区以项目建设为抓手{ATTRIBUTE}，"
    f"加速手续办理{CDATA_END}。{CONTROLS}\n" + FILLER * 20
)
ZONE_NAME = f"恶意{SCRIPT}开发区"
AUTHOR_NAME = f"张{ATTRIBUTE}三"


class Markup(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_no_injected_markup(html: str, where: str) -> None:
    for tag, attrs in Markup(html).elements:
        assert not (tag == "script" and "src" not in attrs), f"inline script in {where}"
        assert not any(name.startswith("on") for name in attrs), f"event handler on <{tag}> in {where}: {attrs}"
        assert not (tag == "img" and attrs.get("src") == "x"), f"injected <img> in {where}"
    assert SCRIPT not in html and "<img src=x" not in html, where


@pytest.fixture
def hostile():
    """A page whose title, byline and body carry markup, plus a zone, alias, author and caption that do."""
    clear_index()
    result = ingest_page(PAGE_TEXT.encode(), "D1.txt", issue_year=2024, issue_number=16, page_label="D1", publish=True)
    article = Article.objects.filter(page=result.page).order_by("position").first()
    assert SCRIPT in article.title and ATTRIBUTE in article.body_text  # kept as written, escaped on the way out
    zone = Zone.objects.create(
        name=ZONE_NAME,
        short=f"恶意{ATTRIBUTE}",
        aliases=[f"{CDATA_END}区{CONTROLS}"],
        city=City.objects.get(short="太原"),
    )
    author = Author.objects.create(name=AUTHOR_NAME)
    ArticleAuthor.objects.create(article=article, author=author, order=99)
    Caption.objects.create(article=article, position=1, text=f"图片{SCRIPT}说明", credit=f"{ATTRIBUTE}摄")
    article.kicker = f"引题{ATTRIBUTE}"
    article.subtitle = f"副题{SCRIPT}{CONTROLS}"
    article.paragraphs = [*article.paragraphs, {"kind": "h", "text": f"小标题{SCRIPT}"}]
    article.zone = zone
    article.city = zone.city
    article.save()
    article.zones.add(zone)
    sync_articles([article.pk])
    yield {"article": article, "zone": zone, "author": author, "city": zone.city, "page": result.page}
    clear_index()


def test_reader_pages_show_hostile_text_as_text(client, hostile):
    article, zone = hostile["article"], hostile["zone"]
    urls = [
        "/",
        article.get_absolute_url(),
        article.get_absolute_url() + "?hl=" + quote(f"script {ATTRIBUTE}"),
        hostile["page"].get_absolute_url(),
        zone.get_absolute_url(),
        "/zones/",
        hostile["author"].get_absolute_url(),
        hostile["city"].get_absolute_url(),
        article.page.issue.get_absolute_url(),
        "/issues/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_injected_markup(html, url)
    article_html = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article_html  # shown, not dropped
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in article_html


@pytest.mark.parametrize("q", ["script", SCRIPT, ATTRIBUTE, "lt", "amp", "quot", "恶意", "onerror=alert"])
def test_search_page_and_snippets_escape_the_text_and_the_query(client, hostile, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_injected_markup(html, f"/search/?q={q}")
    assert "&<mark>" not in html and "<mark>;" not in html  # highlighting never splits an escaped character
    if q == "script":
        assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in html  # found, shown escaped
    # Facet links carry zone and author names in their URLs: followed, they still answer safely.
    for tag, attrs in Markup(html).elements:
        if (
            tag == "a"
            and attrs.get("href", "").startswith("/search/?")
            and ("zone=" in attrs["href"] or "author=" in attrs["href"])
        ):
            followed = client.get(attrs["href"])
            assert followed.status_code == 200
            assert_no_injected_markup(followed.content.decode(), attrs["href"])


def test_json_api_keeps_text_as_data_and_snippets_as_escaped_html(client, hostile):
    for q in ("script", "onerror", "alert(1)"):
        response = client.get("/api/v1/search/", {"q": q})
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        results = response.json()["results"]
        assert results, q
        for result in results:
            snippet = result["snippet"]
            tags = {tag for tag, _ in Markup(snippet).elements}
            assert tags <= {"mark"}, snippet  # the only markup is the highlighting
            assert_no_injected_markup(snippet, f"snippet for {q}")
    record = client.get(f"/api/v1/articles/{hostile['article'].pk}/").json()
    assert record["title"] == hostile["article"].title  # data, exactly as stored; the reader's page escapes it


def xml_of(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # raises on anything that is not well-formed XML


def test_feeds_stay_well_formed_and_carry_the_text_not_markup(client, hostile):
    zone = hostile["zone"]
    expected_title = TITLE.translate({ord(c): None for c in CONTROLS})  # XML 1.0 cannot carry control characters
    for url in (
        "/feeds/latest.rss",
        f"/feeds/zones/{zone.pk}.rss",
        "/feeds/cities/taiyuan.rss",
    ):
        channel = xml_of(client.get(url)).find("channel")
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert expected_title in titles, url
        description = next(
            item.findtext("description") for item in channel.findall("item") if item.findtext("title") == expected_title
        )
        assert ATTRIBUTE in description and CDATA_END in description  # text round-trips through the XML escaping
        assert ZONE_NAME in [category.text for item in channel.findall("item") for category in item.findall("category")]
    atom = "{http://www.w3.org/2005/Atom}"
    for url in ("/feeds/latest.atom", f"/feeds/zones/{zone.pk}.atom", "/feeds/cities/taiyuan.atom"):
        feed = xml_of(client.get(url))
        assert expected_title in [entry.findtext(f"{atom}title") for entry in feed.findall(f"{atom}entry")], url
        authors = [name.text for name in feed.iter(f"{atom}name")]
        assert any(AUTHOR_NAME in (name or "") for name in authors)
    zone_feed = xml_of(client.get(f"/feeds/zones/{zone.pk}.rss")).find("channel")
    assert ZONE_NAME in zone_feed.findtext("title")


def test_sitemap_is_well_formed(client, hostile):
    urls = [
        loc.text for loc in xml_of(client.get("/sitemap.xml")).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert any(url.endswith(hostile["article"].get_absolute_url()) for url in urls)


def test_admin_pages_show_hostile_text_as_text(client, hostile):
    admin = User.objects.create_superuser("chief", password="pw-chief-2026")
    client.force_login(admin)
    article, zone = hostile["article"], hostile["zone"]
    for url in (
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/zone/",
        f"/admin/articles/zone/{zone.pk}/change/",
        f"/admin/articles/page/{article.page_id}/change/",
        f"/admin/articles/page/preview/?ids={article.page_id}",
        f"/admin/autocomplete/?app_label=articles&model_name=article&field_name=zone&term={quote('恶意')}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            json.loads(body)
            continue
        assert_no_injected_markup(body, url)
