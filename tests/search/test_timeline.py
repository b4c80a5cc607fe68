"""The search page's chart of results over time: a bar per year (per month when the results or the range lie
within one year), counted over all the results as the database counts them, each bar a link that narrows
the search to its period and keeps the rest of it."""

from collections import Counter
from datetime import date
from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest

from .dated import in_range
from .helpers import containing, visible

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dated")]


def chart_of(client, params):
    page = client.get("/search/", params)
    assert page.status_code == 200
    return page, page.context["chart"]


def matching(q: str, first=None, last=None, **facets) -> list:
    """The database's results: visible articles matching ``q`` and the city/year, printed in the range."""
    ids = containing(q.strip('"')) if q else {article.pk for article in visible()}
    found = []
    for article in visible():
        issue = article.page.issue
        if article.pk not in ids:
            continue
        if "city" in facets and (article.city is None or article.city.short != facets["city"]):
            continue
        if "year" in facets and (issue is None or str(issue.year) != facets["year"]):
            continue
        if (first or last) and not in_range(article, first, last):
            continue
        found.append(article)
    return found


def follow(client, bar, **kept):
    """The search a bar leads to: its count, and the parameters kept from the search it narrows."""
    assert bar.link.startswith("?")
    params = {key: values for key, values in parse_qs(urlsplit(bar.link).query).items()}
    for key, value in kept.items():
        assert params[key] == [value], key
    return client.get("/search/" + bar.link).context["result"], params


def test_a_bar_per_year_counted_over_all_results_each_narrowing_the_search(client):
    page, chart = chart_of(client, {"q": '"招商引资"', "city": "长治"})
    found = matching('"招商引资"', city="长治")
    by_year = Counter(article.page.issue.year for article in found if article.page.issue)
    assert len(found) > 3 and len(by_year) == 3  # more results than bars: counted from the facet, not the page
    assert [(bar.label, bar.count) for bar in chart.bars] == [(str(y), by_year[y]) for y in sorted(by_year)]
    assert chart.caption == "按出版年份统计的检索结果篇数"
    html = page.content.decode()
    for bar in chart.bars:
        assert f'<a href="{escape(bar.link)}" tabindex="-1">' in html  # the bar in the SVG
        assert f'<a href="{escape(bar.link)}">{bar.description}</a> {bar.count} 篇' in html  # and in the caption
        narrowed, params = follow(client, bar, q='"招商引资"', city="长治")
        assert params["date_from"] == params["date_to"] == [bar.label]
        assert narrowed.count == bar.count
        assert (narrowed.dates.first, narrowed.dates.last) == (date(int(bar.label), 1, 1), date(int(bar.label), 12, 31))


def test_articles_of_unknown_date_make_a_last_bar_without_a_link(client):
    _, chart = chart_of(client, {"q": ""})
    no_date = sum(1 for article in visible() if article.page.issue is None)
    assert no_date == 2
    assert (chart.bars[-1].label, chart.bars[-1].count, chart.bars[-1].link) == ("未知", no_date, None)
    assert sum(bar.count for bar in chart.bars) == len(visible())


def test_within_one_year_a_bar_per_month_and_one_for_the_articles_known_only_by_year(client):
    page, chart = chart_of(client, {"q": "", "date_from": "2024", "date_to": "2024"})
    found = matching("", date(2024, 1, 1), date(2024, 12, 31))
    months = Counter(article.page.issue.date.month for article in found if article.page.issue.date)
    only_year = sum(1 for article in found if not article.page.issue.date)
    assert only_year == 2
    assert chart.caption == "2024年各月的检索结果篇数"
    expected = [(f"{month}月", months[month]) for month in range(1, 13)] + [("不详", only_year)]
    assert [(bar.label, bar.count) for bar in chart.bars] == expected
    assert sum(bar.count for bar in chart.bars) == page.context["result"].count == len(found)
    for bar in chart.bars:
        if not bar.count:
            assert bar.link is None  # nothing to narrow to
            continue
        if bar.label == "不详":
            assert bar.link is None
            continue
        narrowed, params = follow(client, bar)
        month = int(bar.label[:-1])
        assert params["date_from"] == params["date_to"] == [f"2024-{month:02d}"]
        assert narrowed.count == bar.count == months[month]


def test_results_within_one_year_are_shown_by_month_without_a_range(client):
    _, chart = chart_of(client, {"q": "", "year": "2024"})
    found = matching("", year="2024")
    months = Counter(article.page.issue.date.month for article in found if article.page.issue.date)
    assert chart.caption == "2024年各月的检索结果篇数"
    shown = {bar.label: bar.count for bar in chart.bars}
    assert shown == {f"{month}月": months[month] for month in range(min(months), max(months) + 1)} | {"不详": 2}
    march = next(bar for bar in chart.bars if bar.label == "3月")
    narrowed, _ = follow(client, march, year="2024")
    assert narrowed.count == march.count == 2


def test_a_bar_narrows_within_the_range_already_chosen(client):
    _, chart = chart_of(client, {"q": "", "date_from": "2023-06", "date_to": "2024-05"})
    found = matching("", date(2023, 6, 1), date(2024, 5, 31))
    by_year = Counter(article.page.issue.date.year for article in found)  # all known to the day (the years are cut)
    assert [(bar.label, bar.count) for bar in chart.bars] == [("2023", by_year[2023]), ("2024", by_year[2024])]
    first, second = chart.bars
    narrowed, params = follow(client, first)
    assert (params["date_from"], params["date_to"]) == (["2023-06"], ["2023-12"])
    assert narrowed.count == first.count
    narrowed, params = follow(client, second)
    assert (params["date_from"], params["date_to"]) == (["2024-01"], ["2024-05"])
    assert narrowed.count == second.count


def test_no_results_no_chart(client):
    page, chart = chart_of(client, {"q": "没有这个词语"})
    assert chart is None and 'class="chart"' not in page.content.decode()


def test_the_zone_page_chart_counts_every_issue_of_a_year(client):
    """The chart the search page shares with the zone page: a year of several issues is one bar with all
    their articles (it used to show one issue's)."""
    from articles.models import Zone

    zone = Zone.objects.get(name="风陵渡经济开发区")
    html = client.get(zone.get_absolute_url()).content.decode()
    assert "按出版年份统计的文章篇数：2023年 1 篇；2024年 4 篇；未知（期号未知） 1 篇。" in html
