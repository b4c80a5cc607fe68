"""On a phone (390 px wide) in a real browser: the chart of a search's results over time, narrowing by its
bars, and the advanced search form from the search box to the results. Screenshots under
test-artifacts/screenshots/; nothing may be wider than the screen; console errors fail the test."""

import re
from datetime import date

import pytest

from articles.models import Article
from tests.browser_fixtures import _open_page
from tests.search.conftest import clear_index
from tests.search.dated import in_range, ingest_dated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_390 = {"width": 390, "height": 844}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def dated_live_server(transactional_db, live_server):
    clear_index()
    ingest_dated()
    yield live_server
    clear_index()


@pytest.fixture
def phone_390(browser):
    context, page, errors = _open_page(
        browser, viewport=PHONE_390, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield page
    context.close()
    assert errors == [], "browser console errors:\n" + "\n".join(errors)


def counted() -> dict[int, int]:
    """The database's count of visible articles containing 招商引资 per year of issue."""
    years: dict[int, int] = {}
    for article in Article.objects.visible().select_related("page__issue"):
        if "招商引资" not in article.body_text:
            continue
        if article.page.issue:
            years[article.page.issue.year] = years.get(article.page.issue.year, 0) + 1
    return years


def test_the_chart_narrows_a_search_and_the_advanced_form_refines_it_on_a_phone(
    dated_live_server, phone_390, screenshot
):
    page = phone_390
    page.goto(dated_live_server.url + "/search/?q=招商引资")
    chart = page.locator(".timeline .chart")
    chart.wait_for()
    screenshot(page, "search-timeline-years-390")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the search page scrolls sideways at 390 px"
    box = chart.locator("svg").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_390["width"]
    years = counted()
    assert chart.locator("svg rect").count() == len(years) + 1  # and one bar of unknown date
    labels = chart.locator("svg .bar-label").all_text_contents()
    assert labels == [str(year) for year in sorted(years)] + ["未知"]
    counts = [int(text) for text in chart.locator("svg .bar-count").all_text_contents()]
    assert counts[:-1] == [years[year] for year in sorted(years)]

    # A tap on the 2024 bar: the search narrowed to 2024, now by month.
    chart.locator("svg a").nth(sorted(years).index(2024)).tap()
    page.wait_for_url(re.compile(r"date_from=2024&date_to=2024"))
    assert "q=%E6%8B%9B%E5%95%86%E5%BC%95%E8%B5%84" in page.url  # the words kept
    screenshot(page, "search-timeline-months-390")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.locator(".summary strong").first.inner_text() == str(years[2024])
    assert "2024年各月的检索结果篇数" in page.locator(".timeline figcaption").inner_text()

    # The advanced form, prefilled from this search.
    page.get_by_role("link", name="高级检索").click()
    page.wait_for_url("**/search/advanced/**")
    assert page.get_by_label("检索词", exact=True).input_value() == "招商引资"
    assert page.get_by_label("从", exact=True).input_value() == "2024"
    assert page.get_by_label("至", exact=True).input_value() == "2024"
    screenshot(page, "search-advanced-prefilled-390")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the advanced form scrolls sideways at 390 px"

    # A wrong date stays on the form with the message; corrected, the form lands on /search/.
    page.get_by_label("至", exact=True).fill("2024-13")
    page.get_by_role("button", name="检索").click()
    page.wait_for_load_state()
    assert "date_to 应为 YYYY、YYYY-MM 或 YYYY-MM-DD 格式的日期" in page.locator(".field-error").inner_text()
    screenshot(page, "search-advanced-error-390")
    page.get_by_label("至", exact=True).fill("2024-03")
    page.get_by_label("城市", exact=True).select_option("运城")
    page.get_by_label("日期", exact=True).check()
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(re.compile(r"/search/\?"))
    assert re.search(r"date_from=2024&date_to=2024-03&city=%E8%BF%90%E5%9F%8E&sort=date$", page.url), page.url
    screenshot(page, "search-advanced-results-390")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    expected = [
        article.title
        for article in Article.objects.visible().select_related("page__issue", "city").order_by("-page__issue__date")
        if "招商引资" in article.body_text
        and article.city.short == "运城"
        and in_range(article, date(2024, 1, 1), date(2024, 3, 31))
    ]
    assert expected and page.locator("ol.results h2").all_inner_texts() == expected
