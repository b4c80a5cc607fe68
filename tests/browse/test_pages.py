"""Every browse page renders, empty and with the seeds; only visible articles show; escaping and 404s."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles.models import Article, Author, City, Issue, Page, Zone
from articles.places import CITY_SLUGS

pytestmark = pytest.mark.django_db

STATIC_URLS = [
    "/",
    "/zones/",
    "/issues/",
    "/authors/",
    "/feeds/latest.rss",
    "/feeds/latest.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/opensearch.xml",
]


def all_urls() -> list[str]:
    urls = list(STATIC_URLS)
    urls += [f"/cities/{slug}/" for slug in CITY_SLUGS.values()]
    urls += [f"/feeds/cities/{slug}.rss" for slug in CITY_SLUGS.values()]
    urls += [zone.get_absolute_url() for zone in Zone.objects.all()]
    urls += [f"/feeds/zones/{pk}.atom" for pk in Zone.objects.values_list("pk", flat=True)]
    for model in (Issue, Page, Article, Author):
        urls += [obj.get_absolute_url() for obj in model.objects.all()]
    return urls


def assert_html_page(response, url):
    text = response.text
    assert '<html lang="zh-Hans">' in text, url
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()
    assert title and "开发区建设专刊数字档案" in title, url
    description = re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
    assert description.strip(), url
    assert '<main id="main"' in text and "<nav" in text and "<footer" in text, url


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    if response["Content-Type"].startswith("text/html"):
        assert_html_page(response, url)
    return response


def test_every_page_renders_with_an_empty_database(client):
    assert not Article.objects.exists()
    for url in all_urls():  # cities and gazetteer zones exist even without articles
        get_ok(client, url)
    home = client.get("/").text
    assert "还没有文章" in home and 'action="/search/"' in home
    assert "期号未知" in client.get("/issues/").text


def test_every_page_renders_with_the_seeds(client, seeded):
    urls = all_urls()
    assert len(urls) > 100
    for url in urls:
        get_ok(client, url)


def test_city_slugs_are_the_eleven_pinyin_names(seeded):
    assert sorted(City.objects.values_list("code", flat=True)) == sorted(CITY_SLUGS)
    assert City.objects.get(short="运城").get_absolute_url() == "/cities/yuncheng/"
    assert City.objects.get(short="吕梁").get_absolute_url() == "/cities/lvliang/"
    article = Article.objects.get(title__contains="做强现代医药产业")
    assert article.get_absolute_url() == f"/articles/{article.pk}/"
    assert Issue.objects.get(year=2024, number=16).get_absolute_url() == "/issues/2024-16/"


def test_missing_things_get_the_styled_404(client, seeded):
    for url in [
        "/articles/999999/",
        "/zones/999999/",
        "/cities/beijing/",
        "/issues/2030-1/",
        "/issues/x/",
        "/pages/999999/",
        "/authors/999999/",
        "/feeds/zones/999999.rss",
        "/no-such-page/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.text and '<html lang="zh-Hans">' in response.text


def test_500_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器出错" in html and 'lang="zh-Hans"' in html


def test_article_page_shows_what_a_reader_needs(client, seeded):
    article = Article.objects.get(title__contains="做强现代医药产业")
    text = client.get(article.get_absolute_url()).text
    assert "“延链”“补链” 做强现代医药产业" in text
    assert '<p class="kicker">风陵渡经济开发区</p>' in text
    for author in article.authors.all():
        assert f'href="{author.get_absolute_url()}">{author.name}</a>' in text
    assert f'href="{article.zone.get_absolute_url()}"' in text
    assert f'href="{article.city.get_absolute_url()}">运城市</a>' in text
    assert "王波, 张伦, 王昱. “延链”“补链” 做强现代医药产业[N/OL]. 科学导报·开发区建设专刊" in text
    headings = [p["text"] for p in article.paragraphs if p["kind"] == "h"]
    for heading in headings:
        assert f'<h2 class="section-heading">{heading}</h2>' in text


def test_captions_with_credits(client, seeded):
    article = Article.objects.get(captions__credit="梁琛摄")
    text = client.get(article.get_absolute_url()).text
    assert "图片说明" in text and "（梁琛摄）" in text


def test_untitled_article_shows_placeholder_and_first_words(client, seeded):
    article = Article.objects.filter(title="").first()
    text = client.get(article.get_absolute_url()).text
    assert "（无标题）" + article.body_text[:20] in text


def test_highlight_escapes_everything_and_marks_terms(client, seeded):
    article = Article.objects.get(title__contains="做强现代医药产业")
    text = client.get(article.get_absolute_url(), {"hl": "医药 <script>alert(1)</script>"}).text
    assert "<mark>医药</mark>" in text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;" in text
    plain = client.get(article.get_absolute_url()).text
    assert "<mark>" not in plain


def test_continuation_without_the_other_part_is_plain_text(client, seeded):
    article = Article.objects.get(continued_from="D1")
    text = client.get(article.get_absolute_url()).text
    assert "（上接 D1 版）" in text


def test_previous_and_next_follow_the_issue(client, seeded):
    issue_articles = list(
        Article.objects.visible().filter(page__issue__year=2024, page__issue__number=16).order_by("position")
    )
    assert len(issue_articles) == 4
    second = client.get(issue_articles[1].get_absolute_url()).text
    assert f'rel="prev" href="{issue_articles[0].get_absolute_url()}"' in second
    assert f'rel="next" href="{issue_articles[2].get_absolute_url()}"' in second


def test_page_shows_raw_text_exactly_escaped(client, seeded):
    page = Page.objects.first()
    page.raw_text = "第一行\r\n<b>不是标签</b> & 符号\r\n"
    page.save()
    text = client.get(page.get_absolute_url()).text
    assert "第一行\r\n&lt;b&gt;不是标签&lt;/b&gt; &amp; 符号\r\n</pre>" in text


def test_issue_list_has_unknown_issue_pages(client, seeded):
    text = client.get("/issues/").text
    assert "2024 年" in text and 'href="/issues/2024-16/"' in text
    unknown = text.split("期号未知", 1)[1]
    for page in Page.objects.filter(issue=None):
        assert page.get_absolute_url() in unknown


def test_issue_page_masthead_facts(client, seeded):
    text = client.get("/issues/2024-16/").text
    assert "21-465" in text and "kfqszk@163.com" in text
    assert "山西省商务厅" in text


def test_discovered_zone_is_marked_and_unknowns_say_unknown(client, seeded):
    zone = Zone.objects.create(name="测试县经济开发区", kind="经济开发区", source=Zone.Source.DISCOVERED)
    Article.objects.visible().first().zones.add(zone)  # a discovered zone is public once an article names it
    text = client.get(zone.get_absolute_url()).text
    assert "文中发现" in text
    assert "<dt>级别</dt><dd>未知</dd>" in text
    assert "<dt>所属城市</dt><dd>未知</dd>" in text
    assert "测试县经济开发区" in client.get("/zones/").text


def test_hidden_articles_appear_nowhere(client, seeded):
    article = Article.objects.get(title__contains="做强现代医药产业")
    title = article.title
    article.is_published = False
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in [
        "/",
        "/cities/yuncheng/",
        article.zone.get_absolute_url(),
        "/feeds/latest.rss",
        "/feeds/cities/yuncheng.atom",
        f"/feeds/zones/{article.zone_id}.rss",
        article.page.get_absolute_url(),
    ]:
        assert title not in client.get(url).text, url
    assert article.get_absolute_url() not in client.get("/sitemap.xml").text

    issue = Issue.objects.get(year=2024, number=16)
    issue.is_published = False
    issue.save()
    assert client.get("/issues/2024-16/").status_code == 404
    assert "2024-16" not in client.get("/issues/").text
    hidden = Article.objects.filter(page__issue=issue).first()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_feeds_sitemap_robots_opensearch(client, seeded):
    rss = ET.fromstring(client.get("/feeds/latest.rss").content)
    items = rss.findall("./channel/item")
    assert len(items) == Article.objects.visible().count()
    atom = ET.fromstring(client.get("/feeds/cities/yuncheng.atom").content)
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == Article.objects.visible().filter(city__short="运城").count()

    sitemap = client.get("/sitemap.xml").text
    for article in Article.objects.visible():
        assert f"http://testserver{article.get_absolute_url()}" in sitemap
    assert "http://testserver/cities/yuncheng/" in sitemap

    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.text

    opensearch = client.get("/opensearch.xml")
    assert opensearch["Content-Type"].startswith("application/opensearchdescription+xml")
    assert "http://testserver/search/?q={searchTerms}" in opensearch.text
    assert 'rel="search"' in client.get("/").text


def test_home_links_search_and_latest_issue(client, seeded):
    text = client.get(reverse("home")).text
    assert 'action="/search/"' in text and 'name="q"' in text
    assert 'href="/issues/2024-16/"' in text
    assert "报道最多的开发区" in text


def test_city_page_links_search_within_city(client, seeded):
    text = client.get("/cities/yuncheng/").text
    assert 'href="/search/?city=%E8%BF%90%E5%9F%8E"' in text  # 运城
    assert "风陵渡经济开发区" in text


@pytest.mark.urls("tests.browse.error_urls")
def test_server_error_gets_the_styled_500(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "服务器出错（500）" in response.text and 'lang="zh-Hans"' in response.text
    assert "/static/css/site.css" in response.text


def test_every_page_answers_head_as_link_checkers_and_caches_send_it(client, seeded):
    for url in [*all_urls(), "/robots.txt", "/opensearch.xml", "/search/?q=开发区"]:
        response = client.head(url)
        assert response.status_code == 200, f"HEAD {url}: {response.status_code}"


def test_readers_never_see_stored_file_names_or_encodings(client, seeded):
    """A page is 第 D1 版 (or 版次未知) to a reader; its file's name and encoding are the editors' (admin)."""
    names = set(Page.objects.values_list("source_file", flat=True))
    assert names
    for url in all_urls():
        text = client.get(url).content.decode()
        leaked = [name for name in names if name in text]
        assert not leaked and "编码" not in text and "utf_8" not in text, (url, leaked)
