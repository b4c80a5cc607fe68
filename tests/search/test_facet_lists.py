"""A facet with many values (authors, issues at archive scale) lists its most frequent values; the
rest are one link away, so a results page does not carry thousands of facet links."""

import re
from html import unescape

import pytest

from articles.search.views import FACET_SHOWN
from articles.services.ingest import ingest_page

from .conftest import clear_index, empty_archive

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the gazetteer survives the flush

NAMES = [f"{surname}明" for surname in "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"]  # 16 authors


@pytest.fixture
def many_authors():
    clear_index()
    for number, name in enumerate(NAMES, start=1):
        for copy in range(3 if name == "杨明" else 1):  # the most frequent author: listed first
            text = f"长子经开区第{number}-{copy}号报道\n\n科学导报讯 记者{name} 长子经济技术开发区推进项目建设。\n"
            ingest_page(text.encode(), f"author-{number}-{copy}.txt", issue_year=2024, issue_number=number)
    yield
    empty_archive()
    clear_index()


def author_facet(html: str) -> tuple[list[str], dict[str, str]]:
    """The author facet's listed names, and its extra links by text."""
    section = re.search(r'<section class="facet" data-facet="author">(.*?)</section>', html, re.S)
    assert section, "no author facet on the page"
    names = re.findall(r"<li><a [^>]*>([^<]+)</a>", section[1])
    links = re.findall(r'<p class="facet-more"><a href="([^"]+)">([^<]+)</a>', section[1])
    extra = {text: unescape(href) for href, text in links}
    return names, extra


def test_a_long_facet_lists_the_most_frequent_values_and_links_to_all(client, many_authors):
    names, extra = author_facet(client.get("/search/", {"q": "项目"}).content.decode())
    assert len(names) == FACET_SHOWN < len(NAMES)
    assert names[0] == "杨明"
    assert set(names) < set(NAMES)
    more = extra[f"全部 {len(NAMES)} 项"]

    names, extra = author_facet(client.get("/search/" + more).content.decode())
    assert sorted(names) == sorted(NAMES)
    assert f"只看前 {FACET_SHOWN} 项" in extra

    # A listed value still filters; the other facets' links do not keep the expansion.
    html = client.get("/search/", {"q": "项目", "author": "杨明"}).content.decode()
    assert "找到 <strong>3</strong> 篇文章" in html
    assert "expand=" not in html


def test_the_api_still_counts_every_value(client, many_authors):
    answer = client.get("/api/v1/search/", {"q": "项目"}).json()
    assert sorted(answer["facets"]["author"]) == sorted(NAMES)
