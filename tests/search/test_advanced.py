"""The advanced search form (/search/advanced/): reached from the search box, prefilled from the current
search, checked by the search's own checks, and landing on the normal /search/?… URL."""

from collections import Counter
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest

from articles.models import Article, City
from articles.search import search

from .dated import in_range
from .helpers import containing, visible

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dated")]


def submitted(form) -> dict:
    """What a browser submits from the rendered form, as it stands (the button included)."""
    data = {name: form[name].value() or "" for name in form.fields}
    for item in form.other_filters:  # ticked checkboxes
        data.setdefault(item["name"], []).append(item["value"])
    return {**data, "go": "1"}


def test_the_search_box_links_to_the_advanced_form_with_the_current_search(client):
    params = {"q": "招商引资", "field": "title", "date_from": "2024", "city": "长治", "year": "2024", "sort": "date"}
    page = client.get("/search/", params)
    html = page.content.decode()
    link = page.context["advanced_link"]
    assert f'<a class="advanced-link" href="{link.replace("&", "&amp;")}">高级检索</a>' in html
    assert urlsplit(link).path == "/search/advanced/"
    assert dict(parse_qsl(urlsplit(link).query)) == params

    advanced = client.get(link)
    assert advanced.status_code == 200
    form_html = advanced.content.decode()
    assert '<input type="search" name="q" value="招商引资"' in form_html
    assert 'name="field" value="title"' in form_html and 'value="title" id="id_field_1" checked' in form_html
    assert '<input type="text" name="date_from" value="2024"' in form_html
    assert '<option value="长治" selected>' in form_html
    assert 'value="date" id="id_sort_1" checked' in form_html
    assert '<input type="checkbox" name="year" value="2024" checked> 年份：2024' in form_html
    assert "高级检索" in form_html and 'lang="zh-Hans"' in form_html


def test_submitting_the_prefilled_form_lands_on_the_same_search(client):
    params = {"q": '"招商引资"', "date_from": "2024-01", "date_to": "2024-03", "city": "运城", "sort": "date"}
    before_page = client.get("/search/", params)
    before = before_page.context["result"]
    form = client.get("/search/advanced/", params).context["form"]
    answer = client.get("/search/advanced/", submitted(form))
    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith("/search/?")
    assert dict(parse_qsl(urlsplit(location).query)) == params  # defaults and empty fields left out
    assert client.get(location).content == before_page.content  # the same page
    expected = {
        article.pk
        for article in visible()
        if article.pk in containing("招商引资")
        and article.city.short == "运城"
        and in_range(article, date(2024, 1, 1), date(2024, 3, 31))
    }
    assert {hit.article.pk for hit in before.hits} == expected and expected
    assert before.sort == "date" and before.dates.describe() == "2024-01-01 至 2024-03-31"


def test_every_field_of_the_form_reaches_the_search(client):
    answer = client.get(
        "/search/advanced/",
        {
            "go": "1",
            "q": "长子",
            "field": "title",
            "date_from": "2024-01-05",
            "date_to": "2024-07",
            "city": "长治",
            "zone": "长子经济技术开发区",
            "sort": "date",
        },
    )
    assert answer.status_code == 302
    query = dict(parse_qsl(urlsplit(answer["Location"]).query))
    assert query == {
        "q": "长子",
        "field": "title",
        "date_from": "2024-01-05",
        "date_to": "2024-07",
        "city": "长治",
        "zone": "长子经济技术开发区",
        "sort": "date",
    }
    result = client.get(answer["Location"]).context["result"]
    direct = search(
        "长子",
        field="title",
        date_from="2024-01-05",
        date_to="2024-07",
        filters={"city": ["长治"], "zone": ["长子经济技术开发区"]},
        sort="date",
        per_page=100,
    )
    assert result.count == direct.count == 3  # 1月5日, 3月1日, 7月12日
    # Unticking a kept filter drops it; an empty form is every article.
    empty = client.get("/search/advanced/", {"go": "1", "q": "", "field": "all", "sort": "relevance"})
    assert empty["Location"] == "/search/"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2024-13"}, "date_from", "date_from 应为 YYYY、YYYY-MM 或 YYYY-MM-DD 格式的日期"),
        ({"date_to": "明年"}, "date_to", "date_to 应为 YYYY、YYYY-MM 或 YYYY-MM-DD 格式的日期"),
        ({"date_from": "2024-05", "date_to": "2024-03"}, "date_to", "date_from 晚于 date_to"),
        ({"sort": "popular"}, "sort", "sort 只能是 relevance / date"),
    ],
)
def test_a_wrong_value_stays_on_the_form_with_the_search_message(client, params, field, message):
    answer = client.get("/search/advanced/", {"go": "1", "q": "招商引资", **params})
    assert answer.status_code == 200  # not sent on to the search
    form = answer.context["form"]
    assert form.errors[field][0].startswith(message)
    html = answer.content.decode()
    assert '<p class="field-error" role="alert">' + message in html
    assert '<input type="search" name="q" value="招商引资"' in html  # what was typed stays


def test_city_and_zone_choices_are_those_with_articles_and_their_counts(client):
    form = client.get("/search/advanced/").context["form"]
    cities = Counter(article.city.short for article in visible() if article.city)
    assert form.fields["city"].widget.choices == [("", "不限")] + [
        (city.short, f"{city.name}（{cities[city.short]} 篇）") for city in City.objects.all() if city.short in cities
    ]
    zones = Counter(article.zone.name for article in Article.objects.visible().select_related("zone") if article.zone)
    grouped = form.fields["zone"].widget.choices[1:]
    assert {city for city, _ in grouped} == {"长治市", "运城市"}
    offered = {value: label for _, options in grouped for value, label in options}
    assert offered == {name: f"{name}（{count} 篇）" for name, count in zones.items()}
    assert client.get("/search/advanced/").status_code == 200


def test_what_the_search_could_not_take_stays_on_the_form(client):
    too_long = client.get("/search/advanced/", {"go": "1", "q": "开发区" * 3000})
    assert too_long.status_code == 200
    assert "检索条件太长" in too_long.content.decode()
    nul = client.get("/search/advanced/", {"go": "1", "q": "开发\x00区"})
    assert nul.status_code == 200 and nul.context["form"].errors["q"]
