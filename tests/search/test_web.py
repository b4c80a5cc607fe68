"""The search page and the JSON API: normal pages for any input, errors that say what was wrong."""

import itertools
import re

import pytest

from articles.models import Article

from .helpers import containing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

BAD_QUERIES = [
    "",
    "   ",
    "开发区" * 700,  # 2,100 characters
    '"管运分离',
    '管运分离"',
    '""',
    "((开发区",
    "开发区]]",
    "AND OR NOT * ? ~ ^ : [ ] { }",
    "title:开发区",
    "开发* 项目? 产业~2 园区^3",
    "[a TO z] {1 TO 2}",
    "-",
    "--开发区",
    "OR",
    "NOT",
    "<script>alert(1)</script>",
    "\\",
    "%",
    "\x00",
]


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_any_query_gives_a_normal_page(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert "检索" in response.content.decode()
    api = client.get("/api/v1/search/", {"q": q})
    assert api.status_code == 200
    assert set(api.json()) >= {"count", "page", "pages", "results", "facets"}


def test_script_in_the_query_is_shown_escaped(client):
    html = client.get("/search/", {"q": "<script>alert(1)</script> 开发区"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999", "1.5", ""])
def test_bad_page_numbers(client, page):
    response = client.get("/search/", {"q": '"开发区"', "page": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert "找到" in html
    if page not in ("", "1"):
        assert "页" in html
    api = client.get("/api/v1/search/", {"q": '"开发区"', "page": page})
    if page == "":
        assert api.status_code == 200
    else:
        assert api.status_code == 400
        assert "page" in api.json()["error"]


def test_unknown_facet_values_and_parameters(client):
    response = client.get("/search/", {"q": "开发区", "city": "火星", "year": "abc", "sort": "weird", "field": "x"})
    assert response.status_code == 200
    assert "没有找到" in response.content.decode()
    api = client.get("/api/v1/search/", {"q": "开发区", "city": "火星"})
    assert api.status_code == 200
    assert api.json()["count"] == 0
    assert client.get("/api/v1/search/", {"sort": "weird"}).status_code == 400
    assert client.get("/api/v1/search/", {"field": "x"}).status_code == 400


def test_results_page_shows_what_a_reader_needs(client):
    html = client.get("/search/", {"q": "紫光云智"}).content.decode()
    assert "找到 <strong>1</strong> 篇文章" in html
    assert "<mark>紫光云智</mark>智能制造（临汾）基地启动" in html
    assert "临汾经济开发区" in html and "临汾" in html
    article = Article.objects.get(title="紫光云智智能制造（临汾）基地启动")
    assert f'href="{article.get_absolute_url()}?hl=%E7%B4%AB%E5%85%89%E4%BA%91%E6%99%BA"' in html  # hl=紫光云智


def test_facet_links_add_and_remove_filters(client):
    html = client.get("/search/", {"q": '"开发区"'}).content.decode()
    assert "?q=%22%E5%BC%80%E5%8F%91%E5%8C%BA%22&amp;city=" in html  # a city link keeps the query
    filtered = client.get("/search/", {"q": '"开发区"', "city": "临汾"}).content.decode()
    assert "已选筛选" in filtered and "去掉筛选 城市：临汾" in filtered
    assert f"找到 <strong>{len(containing('开发区') & city_ids('临汾'))}</strong> 篇文章" in filtered


def city_ids(short):
    return set(Article.objects.visible().filter(city__short=short).values_list("pk", flat=True))


def test_no_results_page_suggests_what_to_try(client):
    html = client.get("/search/", {"q": "风陵渡", "city": "临汾"}).content.decode()
    assert "没有找到包含“风陵渡”的文章" in html
    assert "去掉筛选“城市：临汾”" in html
    assert "风陵渡经济开发区" in html


def test_api_search_shape(client):
    body = client.get("/api/v1/search/", {"q": "亚宝药业", "city": "运城"}).json()
    assert body["count"] == len(body["results"]) >= 1
    assert (body["page"], body["pages"]) == (1, 1)
    first = body["results"][0]
    assert set(first) >= {"id", "url", "title", "zone", "city", "issue", "date", "authors", "snippet"}
    assert first["city"] == "运城" and "<mark>亚宝药业</mark>" in first["snippet"]
    assert set(body["facets"]) == {"city", "zone", "kind", "year", "issue", "author"}
    assert body["facets"]["city"] == {"运城": body["count"]}


def test_api_article(client):
    article = Article.objects.get(title="紫光云智智能制造（临汾）基地启动")
    body = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert body["id"] == article.pk and body["zone"] == "临汾经济开发区" and body["published"] is True
    # Where to read it and when it was printed; the stored file's name stays in the admin.
    assert client.get(body["url"]).status_code == 200 and article.title in client.get(body["url"]).content.decode()
    issue = article.page.issue
    assert body["date"] == (issue.date.isoformat() if issue and issue.date else None)
    assert "source_file" not in body
    missing = client.get("/api/v1/articles/999999/")
    assert missing.status_code == 404 and "error" in missing.json()
    Article.objects.filter(pk=article.pk).update(is_published=False)  # rolled back after the test
    assert client.get(f"/api/v1/articles/{article.pk}/").status_code == 404


def test_a_city_name_offers_all_of_the_citys_articles(client):
    html = client.get("/search/", {"q": "临汾"}).content.decode()
    count = len(city_ids("临汾"))
    assert f"城市“临汾”的全部文章（{count} 篇）" in html
    assert "?city=%E4%B8%B4%E6%B1%BE" in html


def test_the_search_page_reads_in_order_results_then_filters_headings_without_gaps(client):
    html = client.get("/search/", {"q": "开发区"}).content.decode()
    assert html.index('class="results"') < html.index('<details class="filters"')
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_the_no_hits_advice_mentions_quotes_only_when_the_query_has_them(client):
    plain = client.get("/search/", {"q": "不存在的词语组合甲乙丙"}).content.decode()
    quoted = client.get("/search/", {"q": '"不存在的词语组合甲乙丙"'}).content.decode()
    assert "没有找到" in plain and "去掉引号" not in plain
    assert "去掉引号" in quoted


def test_a_search_can_be_followed_as_a_feed_of_its_newest_results(client):
    import xml.etree.ElementTree as ElementTree

    html = client.get("/search/", {"q": "开发区", "city": "运城", "page": "2"}).content.decode()
    links = re.findall(r'<link rel="alternate" type="application/(rss|atom)\+xml" [^>]*href="([^"]+)"', html)
    assert {kind for kind, _ in links} == {"rss", "atom"}
    rss_url = dict(links)["rss"].replace("&amp;", "&")
    assert "page=" not in rss_url and "city=" in rss_url

    rss = ElementTree.fromstring(client.get(rss_url).content)
    items = rss.findall("./channel/item")
    expected = client.get("/api/v1/search/", {"q": "开发区", "city": "运城", "sort": "date", "per_page": 30}).json()
    assert [item.findtext("link").removeprefix("http://testserver") for item in items] == [
        hit["url"] for hit in expected["results"]
    ]
    assert len(items) == min(30, expected["count"]) > 0
    assert "开发区" in rss.findtext("./channel/title")

    atom = ElementTree.fromstring(client.get(dict(links)["atom"].replace("&amp;", "&")).content)
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == len(items)


def test_a_search_feed_with_wrong_parameters_still_answers_a_feed(client):
    response = client.get("/search/feed.rss", {"q": "开发区", "page": "x", "sort": "nonsense"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    assert client.get("/search/feed.json").status_code == 404
