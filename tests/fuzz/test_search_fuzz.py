"""/search/ and /api/v1/search/ with random parameters: never a server error, errors say what was wrong."""

import json
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.search import FACETS

from .conftest import TEXTS, UNICODE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

NAMES = ["q", "field", "sort", "page", "date_from", "date_to", *FACETS]
DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()[: 4 + 3 * (day.day % 3)]),  # YYYY, YYYY-MM or YYYY-MM-DD
    st.sampled_from(["2024-02-30", "2024-13", "0000", "9999-12-31", "0001-01", "2024-1-1", "２０２４", " 2024 "]),
)
PAGES = st.one_of(
    st.integers(-10, 10).map(str),
    st.integers(10, 10**40).map(str),
    st.sampled_from(["", " 1", "1.0", "+2", "٣", "1_000", "0x10", "9" * 5000]),
    TEXTS,
)
VALUES = st.one_of(
    TEXTS, PAGES, DATES, st.sampled_from(["all", "title", "author", "relevance", "date", "临汾", "2024"])
)
PARAMS = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.text(UNICODE, max_size=6)),
    st.lists(VALUES, min_size=1, max_size=3),  # a parameter may repeat
    max_size=len(NAMES) + 2,
)


def assert_api_answer(response) -> None:
    assert response.status_code in (200, 400), response.status_code
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    if response.status_code == 400:
        assert set(body) == {"error"} and body["error"].strip()
    else:
        assert {"count", "page", "pages", "results", "facets"} <= set(body)
        assert len(body["results"]) <= 20 and body["page"] >= 1


@FUZZ
@given(PARAMS)
def test_search_api_answers_every_parameter_set(params):
    assert_api_answer(Client().get("/api/v1/search/", params))


@FUZZ
@given(PARAMS)
def test_search_page_answers_every_parameter_set(params):
    response = Client().get("/search/", params)
    assert response.status_code == 200, response.status_code
    assert "<form" in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(PARAMS, st.booleans())
def test_the_advanced_form_answers_every_parameter_set(params, submit):
    response = Client().get("/search/advanced/", {**params, **({"go": "1"} if submit else {})})
    if response.status_code == 302:
        assert submit and response["Location"].startswith("/search/")
    else:
        assert response.status_code == 200, response.status_code
        assert "高级检索" in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300))
def test_raw_query_strings_are_answered(raw):
    """Query strings that are not even valid UTF-8 once percent-decoded (Django replaces what it cannot read)."""
    query = quote(raw, safe="=&+;")
    client = Client()
    assert_api_answer(client.get("/api/v1/search/", QUERY_STRING=query))
    assert client.get("/search/", QUERY_STRING=query).status_code == 200


def test_api_error_messages_name_the_problem():
    client = Client()
    for params, expected in [
        ({"page": "0"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"sort": "\x00"}, "sort"),
        ({"field": "x" * 100_000}, "field"),
        ({"q": "项目", "page": str(10**30)}, "page"),
        ({"date_from": "2024-02-30"}, "date_from"),
        ({"date_to": "二〇二四"}, "date_to"),
        ({"date_from": "2025", "date_to": "2024"}, "date_from 晚于 date_to"),
    ]:
        response = client.get("/api/v1/search/", params)
        assert response.status_code == 400, params
        assert expected in response.json()["error"]


def test_unknown_parameters_are_not_repeated_in_the_search_page_links():
    """Found by fuzzing: every facet, sort and page link used to carry the whole query string, so 100 kB of
    junk in an unknown parameter came back as a 6 MB page."""
    client = Client()
    plain = client.get("/search/", {"q": "开发区"})
    padded = client.get("/search/", {"q": "开发区", "utm_junk": "垃圾" * 50_000})
    assert padded.status_code == 200
    assert len(padded.content) < len(plain.content) + 1000
    assert "垃圾" not in padded.content.decode()
