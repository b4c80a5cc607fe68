"""Searching by printing date (date_from, date_to): counts checked against the database, articles of unknown
date left out and counted exactly, bad values refused (API) or ignored with a note (page), feeds too."""

from datetime import date

import pytest

from articles.models import Article
from articles.search import SearchInputError, search

from .dated import in_range
from .helpers import containing, visible

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dated")]


# (date_from, date_to, first day, last day): a from-value is the start of its period, a to-value the end.
RANGES = [
    ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024-01", "2024-03", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-01-05", "2024-03-01", date(2024, 1, 5), date(2024, 3, 1)),
    ("2024-01-06", "2024-02-29", date(2024, 1, 6), date(2024, 2, 29)),
    ("2024-03-29", "2024-03-29", date(2024, 3, 29), date(2024, 3, 29)),
    ("2023-06", "", date(2023, 6, 1), None),
    ("", "2023-12", None, date(2023, 12, 31)),
    ("2023", "2024-06", date(2023, 1, 1), date(2024, 6, 30)),
    ("2024-12-31", "2025", date(2024, 12, 31), date(2025, 12, 31)),
    ("2023", "", date(2023, 1, 1), None),
    ("2026", "2030", date(2026, 1, 1), date(2030, 12, 31)),
    ("2024-3", "2024-7-12", date(2024, 3, 1), date(2024, 7, 12)),  # one-digit months and days are read too
]
QUERIES = ["", '"招商引资"', "风陵渡"]


def expected(q: str, first, last) -> tuple[set[int], int]:
    """The database's answer: visible articles matching ``q`` printed in the range, and those of unknown date."""
    matching = containing(q.strip('"')) if q else {article.pk for article in visible()}
    articles = [article for article in visible() if article.pk in matching]
    inside = {article.pk for article in articles if in_range(article, first, last)}
    unknown = sum(1 for article in articles if in_range(article, first, last) is None)
    return inside, unknown


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize(("date_from", "date_to", "first", "last"), RANGES)
def test_a_range_finds_exactly_the_articles_printed_in_it(q, date_from, date_to, first, last):
    inside, unknown = expected(q, first, last)
    result = search(q, date_from=date_from, date_to=date_to, per_page=100)
    assert {hit.article.pk for hit in result.hits} == inside
    assert result.count == len(inside)
    assert result.undated == unknown
    assert (result.dates.first, result.dates.last) == (first, last)
    # Facets and months count the same results.
    assert sum(count for _, count in result.facets["city"]) == len(inside)
    in_days = [article for article in visible() if article.pk in inside and article.page.issue.date]
    months = {}
    for article in in_days:
        key = article.page.issue.date.strftime("%Y-%m")
        months[key] = months.get(key, 0) + 1
    assert dict(result.months) == months and [key for key, _ in result.months] == sorted(months)


def test_the_archive_has_every_kind_of_date():
    kinds = {in_range(article, date(2024, 2, 1), date(2024, 2, 28)) for article in visible()}
    assert kinds == {False, None}  # February 2024: nothing printed in it, some of unknown date
    assert search("", date_from="2024-02", date_to="2024-02").count == 0


def test_a_range_of_whole_years_holds_the_articles_known_only_by_their_year():
    only_year = {a.pk for a in visible() if a.page.issue and a.page.issue.year == 2024 and not a.page.issue.date}
    assert len(only_year) == 2
    whole = {hit.article.pk for hit in search("", date_from="2024", date_to="2024", per_page=100).hits}
    assert only_year <= whole
    cut = search("", date_from="2024-01", date_to="2024-11", per_page=100)
    assert not only_year & {hit.article.pk for hit in cut.hits}
    no_issue = sum(1 for a in visible() if a.page.issue is None)
    assert cut.undated == len(only_year) + no_issue  # unknown for a range that cuts 2024


def test_without_a_range_every_article_is_found_and_nothing_is_undated():
    result = search("", per_page=100)
    assert result.count == len(visible()) and result.undated == 0 and result.dates is None


def test_the_date_order_and_pages_within_a_range():
    first_page = search("", date_from="2023", date_to="2024", sort="date", per_page=3)
    second_page = search("", date_from="2023", date_to="2024", sort="date", per_page=3, page=2)
    days = [hit.article.page.issue.date for hit in first_page.hits + second_page.hits if hit.article.page.issue.date]
    assert days == sorted(days, reverse=True)
    assert first_page.count == second_page.count == len(expected("", date(2023, 1, 1), date(2024, 12, 31))[0])


@pytest.mark.parametrize("bad", ["2024-13", "2024-02-30", "24", "2024/03", "abc", "2024-01-01-01", "２０２４", "0000"])
def test_a_bad_date_is_refused_with_a_message_by_the_api_and_ignored_with_a_note_on_the_page(client, bad):
    for name in ("date_from", "date_to"):
        api = client.get("/api/v1/search/", {"q": "", name: bad})
        assert api.status_code == 400
        message = api.json()["error"]
        assert message.startswith(f"{name} 应为 YYYY、YYYY-MM 或 YYYY-MM-DD 格式的日期") and "must be a date" in message
        with pytest.raises(SearchInputError):
            search("", **{name: bad})
        page = client.get("/search/", {name: bad})
        assert page.status_code == 200
        html = page.content.decode()
        assert "日期范围无效" in html and "已忽略日期范围" in html and "must be a date" not in html
        assert page.context["result"].count == len(visible())  # the range is ignored: every date
        assert page.context["result"].dates is None


def test_a_range_that_ends_before_it_starts_is_an_error(client):
    api = client.get("/api/v1/search/", {"date_from": "2024-05", "date_to": "2024-03"})
    assert api.status_code == 400
    assert api.json()["error"].startswith("date_from 晚于 date_to")
    page = client.get("/search/", {"q": "招商引资", "date_from": "2024-05", "date_to": "2024-03"})
    assert page.status_code == 200 and "date_from 晚于 date_to" in page.content.decode()
    assert page.context["result"].count == len(containing("招商引资"))
    # The same month is a range of one month, not an error.
    assert client.get("/api/v1/search/", {"date_from": "2024-03", "date_to": "2024-03"}).json()["count"] == 2


def test_the_api_gives_the_range_and_the_count_of_articles_of_unknown_date(client):
    inside, unknown = expected("", date(2024, 1, 1), date(2024, 3, 31))
    body = client.get("/api/v1/search/", {"date_from": "2024-01", "date_to": "2024-03"}).json()
    assert body["count"] == len(inside) and body["undated"] == unknown == 4
    assert body["date_range"] == {"from": "2024-01-01", "to": "2024-03-31"}
    assert body["months"] == {"2024-01": 2, "2024-03": 2}
    assert {result["id"] for result in body["results"]} == inside
    assert all("2024-01-01" <= result["date"] <= "2024-03-31" for result in body["results"])
    plain = client.get("/api/v1/search/", {"q": ""}).json()
    assert plain["undated"] is None and plain["date_range"] is None


def test_the_page_says_how_many_articles_of_unknown_date_were_left_out(client):
    inside, unknown = expected('"招商引资"', date(2024, 1, 1), date(2024, 6, 30))
    page = client.get("/search/", {"q": '"招商引资"', "date_from": "2024", "date_to": "2024-06"})
    html = page.content.decode()
    assert f"找到 <strong>{len(inside)}</strong> 篇文章" in html
    assert "出版日期 2024-01-01 至 2024-06-30" in html
    assert f'另有 <strong class="undated">{unknown}</strong> 篇日期不详的文章未计入' in html
    assert unknown == 2  # 风陵渡只知年份 (2024, cut) and 风陵渡日期不详
    # The range is an active filter that can be removed, and the search box keeps it.
    active = page.context["active"][0]
    assert active["label"] == "日期" and active["value"] == "2024-01-01 至 2024-06-30"
    assert "date_from" not in active["remove"] and "q=" in active["remove"]
    assert '<input type="hidden" name="date_from" value="2024-01">' in html  # the same days, written alike
    assert '<input type="hidden" name="date_to" value="2024-06">' in html


def test_no_results_in_a_range_still_count_the_undated_and_offer_every_date(client):
    page = client.get("/search/", {"q": "风陵渡", "date_from": "2024-02", "date_to": "2024-02"})
    html = page.content.decode()
    assert "没有找到" in html
    unknown = expected("风陵渡", date(2024, 2, 1), date(2024, 2, 29))[1]
    assert f'另有 <strong class="undated">{unknown}</strong> 篇日期不详的文章未计入日期范围' in html
    everywhen = len(containing("风陵渡"))
    suggestion = next(s for s in page.context["suggestions"] if s["text"].startswith("去掉日期范围"))
    assert f"可找到 {everywhen} 篇" in suggestion["text"]
    assert client.get("/search/" + suggestion["link"]).context["result"].count == everywhen


def test_facet_and_page_links_keep_the_range(client):
    page = client.get("/search/", {"q": "", "date_from": "2024", "date_to": "2024"})
    city = next(facet for facet in page.context["facets"] if facet["name"] == "city")
    for value in city["values"]:
        narrowed = client.get("/search/" + value["link"]).context["result"]
        assert narrowed.dates == page.context["result"].dates
        assert narrowed.count == value["count"]


def test_the_link_to_all_articles_of_a_named_city_is_over_every_date(client):
    page = client.get("/search/", {"q": "运城", "date_from": "2024-03", "date_to": "2024-03"})
    (related,) = page.context["related"]
    assert (related["label"], related["value"]) == ("城市", "运城")
    everywhen = sum(1 for article in visible() if article.city and article.city.short == "运城")
    assert related["count"] == everywhen
    assert "date_from" not in related["link"]
    assert client.get("/search/" + related["link"]).context["result"].count == everywhen


def test_the_feed_of_a_search_keeps_its_range(client):
    feed = client.get("/search/feed.rss", {"q": "招商引资", "date_from": "2024-03", "date_to": "2024-12"})
    assert feed.status_code == 200
    inside, _ = expected("招商引资", date(2024, 3, 1), date(2024, 12, 31))
    titles = {article.title for article in Article.objects.filter(pk__in=inside)}
    body = feed.content.decode()
    assert titles and all(title in body for title in titles)
    assert "长子新年招商" not in body  # January 2024: outside
    assert "2024-03-01 至 2024-12-31" in body  # the feed's title names the range
    page = client.get("/search/", {"q": "招商引资", "date_from": "2024-03"})
    assert "date_from=2024-03" in page.context["feed_query"]


def test_the_plain_whoosh_query_counts_a_range_as_the_search_does():
    """The benchmark's raw-Whoosh baseline (and oracle) applies the same range."""
    from whoosh import index as whoosh_index

    from articles.search.dates import DateRange
    from articles.search.whoosh_engine.internals.searcher import index_path
    from articles.search.whoosh_engine.testing import plain_whoosh_query

    with whoosh_index.open_dir(str(index_path()), indexname="MAIN").searcher() as searcher:
        for date_from, date_to, first, last in RANGES:
            query, filter_query, sortedby = plain_whoosh_query(searcher, "", dates=DateRange(first, last))
            results = searcher.search(query, filter=filter_query, limit=None, sortedby=sortedby)
            assert len(results) == search("", date_from=date_from, date_to=date_to).count, (date_from, date_to)
