"""Exports of a search's results (CSV, RIS, BibTeX), read back by real parsers and compared with the search
and the database: the same articles in the same order, filters honoured, at most the first EXPORT_LIMIT."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy
from django.core.cache import caches
from django.urls import reverse

from articles import exports
from articles.models import Article, Issue
from articles.records import printed_on
from articles.search import sync_articles

from .helpers import ids
from .test_web import BAD_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

PAPER = "科学导报·开发区建设专刊"


def export(client, extension: str, **params):
    return client.get(reverse("search_export", args=[extension]), params)


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM, for Excel"
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def absolute(article: Article) -> str:
    return f"http://testserver/articles/{article.pk}/"


@pytest.fixture
def dated_issue():
    """The seeds' 2024-16 given a printing day (the seeds have none), for the date columns."""
    issue = Issue.objects.get(year=2024, number=16)
    issue.date = datetime.date(2024, 4, 26)
    issue.save()  # rolled back after the test
    return issue


def test_csv_holds_the_searchs_articles_in_its_order_with_their_facts(client, dated_issue):
    expected = ids("开发区")
    assert len(expected) > 5
    response = export(client, "csv", q="开发区")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and re.search(r"kfq-search-.*\.csv", disposition)
    rows = csv_rows(response)
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    assert [int(row["id"]) for row in rows] == expected
    articles = Article.objects.visible().select_related("page__issue", "zone", "city").in_bulk(expected)
    dated = 0
    for row in rows:
        article = articles[int(row["id"])]
        issue = article.page.issue
        assert row["title"] == article.title and row["subtitle"] == article.subtitle
        assert row["authors"].split("、") == article.author_names() or (
            row["authors"] == "" and not article.author_names()
        )
        assert row["date"] == (printed_on(article) or "")  # unknown stays empty, never guessed
        assert row["issue"] == (issue.label if issue else "") and row["page"] == article.page.label
        assert row["zone"] == (article.zone.name if article.zone else "")
        assert row["city"] == (article.city.short if article.city else "")
        assert row["url"] == absolute(article)
        dated += row["date"] == "2024-04-26"
    assert dated == Article.objects.visible().filter(page__issue=dated_issue, pk__in=expected).count() > 0
    assert any(row["date"] == "" for row in rows)  # articles of pages without an issue


def test_ris_and_bibtex_hold_every_record_read_back_by_their_parsers(client, dated_issue):
    expected = ids("开发区", sort="date")
    titles = {article.pk: article for article in Article.objects.visible().in_bulk(expected).values()}

    ris = export(client, "ris", q="开发区", sort="date")
    assert ris.status_code == 200
    assert ris["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert re.search(r"kfq-search-.*\.ris", ris["Content-Disposition"])
    text = ris.content.decode("utf-8")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.split("\r\n")[:-1])  # RIS line rules
    records = rispy.loads(text)
    assert [record["urls"][0] for record in records] == [absolute(titles[pk]) for pk in expected]
    for record, pk in zip(records, expected, strict=True):
        article = titles[pk]
        assert record["type_of_reference"] == "NEWS" and record["secondary_title"] == PAPER
        assert record["title"].startswith(article.title) if article.title else record["title"].startswith("（无标题）")
        assert record.get("authors", []) == article.author_names()
        assert ("date" in record) == (printed_on(article) is not None)

    bib = export(client, "bib", q="开发区", sort="date")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert re.search(r"kfq-search-.*\.bib", bib["Content-Disposition"])
    entries = bibtexparser.loads(bib.content.decode("utf-8")).entries
    assert [entry["ID"] for entry in entries] == [f"kfq{pk}" for pk in expected]  # order kept, none lost
    assert [entry["url"] for entry in entries] == [absolute(titles[pk]) for pk in expected]
    dated = [entry for entry in entries if "date" in entry]
    assert dated and all(entry["date"] == "2024-04-26" for entry in dated)


def test_filters_field_and_sort_apply_as_on_the_search_page(client):
    city = "运城"
    expected = ids("开发区", filters={"city": [city]}, sort="date")
    assert 0 < len(expected) < len(ids("开发区"))
    rows = csv_rows(export(client, "csv", q="开发区", city=city, sort="date"))
    assert [int(row["id"]) for row in rows] == expected
    assert {row["city"] for row in rows} == {city}

    by_author = ids("王波", field="author")
    rows = csv_rows(export(client, "csv", q="王波", field="author"))
    assert [int(row["id"]) for row in rows] == by_author and all("王波" in row["authors"] for row in rows)
    # No words and no filters: the whole archive, newest first, as on /search/.
    rows = csv_rows(export(client, "csv"))
    assert [int(row["id"]) for row in rows] == ids("") and len(rows) == Article.objects.visible().count()


def test_an_export_holds_at_most_the_first_export_limit_results(client, monkeypatch):
    expected = ids("开发区")
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 3)  # the bound, lowered: the seeds have fewer than 1 000
    rows = csv_rows(export(client, "csv", q="开发区"))
    assert [int(row["id"]) for row in rows] == expected[:3]
    assert len(rispy.loads(export(client, "ris", q="开发区").content.decode())) == 3
    assert len(bibtexparser.loads(export(client, "bib", q="开发区").content.decode()).entries) == 3
    html = client.get("/search/", {"q": "开发区"}).content.decode()
    assert "导出（前 3 篇）" in html


def test_the_results_page_links_the_exports_of_its_search(client):
    response = client.get("/search/", {"q": "开发区", "city": "运城", "sort": "date", "page": "1", "expand": "zone"})
    count = response.context["result"].count
    assert exports.EXPORT_LIMIT == 1000
    html = response.content.decode()
    assert f"导出（全部 {count} 篇）" in html

    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href") or ""
            if tag == "a" and href.startswith("/search/export."):
                found.append(href)

    Links().feed(html)
    assert [href.split("?")[0] for href in found] == ["/search/export.csv", "/search/export.ris", "/search/export.bib"]
    query = found[0].split("?")[1]
    assert query == "q=%E5%BC%80%E5%8F%91%E5%8C%BA&city=%E8%BF%90%E5%9F%8E&sort=date"  # no page, no expand
    rows = csv_rows(client.get(found[0]))
    assert len(rows) == count


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "开发区", "sort": "nonsense"}, "sort 只能是"),
        ({"q": "开发区", "field": "body"}, "field 只能是"),
        ({"q": "开发区", "page": "abc"}, "page 必须是从 1 开始的整数"),
    ],
)
def test_a_wrong_parameter_is_a_400_saying_which(client, params, message):
    for extension in exports.FORMATS:
        response = export(client, extension, **params)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert message in response.content.decode()


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_any_query_gives_a_file(client, q):
    for extension in exports.FORMATS:
        response = export(client, extension, q=q, city="<script>")
        assert response.status_code == 200, extension
        assert "attachment" in response["Content-Disposition"] and "\n" not in response["Content-Disposition"]


def test_no_results_give_valid_empty_files(client):
    assert ids("没有这种词语组合xyz") == []
    rows = export(client, "csv", q="没有这种词语组合xyz")
    assert rows.status_code == 200 and rows.content.decode() == "\ufeff" + ",".join(exports.CSV_COLUMNS) + "\r\n"
    ris = export(client, "ris", q="没有这种词语组合xyz")
    assert ris.status_code == 200 and rispy.loads(ris.content.decode()) == []
    bib = export(client, "bib", q="没有这种词语组合xyz")
    assert bib.status_code == 200 and bibtexparser.loads(bib.content.decode()).entries == []


def test_exports_share_the_search_rate_limit(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.KFQ_SEARCH_RATE = "2/m"
    caches["ratelimit"].clear()
    try:
        address = {"REMOTE_ADDR": "203.0.113.9"}
        assert client.get("/search/export.csv", {"q": "开发区"}, **address).status_code == 200
        assert client.get("/search/", {"q": "开发区"}, **address).status_code == 200
        over = client.get("/search/export.ris", {"q": "开发区"}, **address)
        assert over.status_code == 429 and over["Retry-After"] == "60"  # one budget with the search page
        assert client.get("/search/export.ris", {"q": "开发区"}, REMOTE_ADDR="198.51.100.4").status_code == 200
    finally:
        caches["ratelimit"].clear()


def test_a_hidden_article_is_not_exported_and_only_get_is_answered(client):
    expected = ids("开发区")
    hidden = expected[0]
    Article.objects.filter(pk=hidden).update(is_published=False)  # not yet out of the index
    rows = csv_rows(export(client, "csv", q="开发区"))
    assert [int(row["id"]) for row in rows] == expected[1:]
    assert client.post(reverse("search_export", args=["csv"]), {"q": "开发区"}).status_code == 405


def test_a_date_range_applies_to_the_export_as_on_the_search_page(client, dated_issue):
    in_range = Article.objects.visible().filter(page__issue=dated_issue)
    pks = list(in_range.values_list("pk", flat=True))
    sync_articles(pks)  # the module's index learns the day (the test's transaction never commits)
    try:
        rows = csv_rows(export(client, "csv", q="开发区", date_from="2024-04", date_to="2024-04"))
    finally:
        dated_issue.date = None
        dated_issue.save()
        sync_articles(pks)  # and forgets it, for the tests after this one
    assert {int(row["id"]) for row in rows} == {pk for pk in ids("开发区") if pk in pks}
    assert rows and all(row["date"] == "2024-04-26" for row in rows)  # unknown dates are left out
