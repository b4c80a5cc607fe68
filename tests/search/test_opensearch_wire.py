"""What the archive sends to OpenSearch, and how it reads the answers, over real HTTP.

No OpenSearch installs here. A small HTTP server on 127.0.0.1 stands in for one: it answers the index
calls with recorded answers in OpenSearch 2.x's documented shapes and records every request. So these
tests check the real opensearch-py client, the engine and the archive's search end to end on the wire:
the index created with the cjk_bigram analysis and the mapping, the body of a reader's search (phrases
on the bigram fields, keyword filters, facet aggregations, order, the page's slice), the answers read
back (articles in the engine's order, counts, facets), the bulk request of a sync, rebuild_index, the
health check, and that an error answer becomes the 503 page. They say nothing about how OpenSearch
itself would rank or analyse: that is for a staging cluster (docs/scale-out-opensearch.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from haystack import connections

from articles.models import Article
from articles.search import get_search_engine, search, sync_articles
from articles.search.fields import full_text
from articles.search.folding import ANALYSIS, ANALYSIS_FIELD, fold
from articles.search.opensearch import (
    DATE_ORDER,
    FACET_LIMIT,
    MONTHS_AGG,
    STALE_AGGREGATION,
    OpenSearchBackend,
    OpenSearchSearchEngine,
    index_settings,
    mapping,
)
from articles.services.ingest import ingest_page

from .helpers import visible

INDEX = "kfq_wire"
FACET_FIELDS = ["city", "zone", "kind", "year", "issue", "authors"]
AGGS = {
    **{field: {"terms": {"field": field, "size": FACET_LIMIT}} for field in FACET_FIELDS},
    "months": MONTHS_AGG,
    # Over the whole index: documents not analysed as now (no ANALYSIS mark), to tell readers.
    ANALYSIS_FIELD: {
        "global": {},
        "aggs": {"stale": {"filter": {"bool": {"must_not": [{"term": {ANALYSIS_FIELD: ANALYSIS}}]}}}},
    },
}
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


class StandIn(BaseHTTPRequestHandler):
    """OpenSearch 2.x's answers, just enough for the engine; see the module docstring."""

    server: StandInServer

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body: dict | None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        text = raw.decode()
        parts = urlsplit(self.path)
        path, query = parts.path, {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if path.endswith("/_bulk"):
            body = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            body = json.loads(text) if text else None
        self.server.requests.append((self.command, path, query, body))
        server = self.server
        if path == f"/{INDEX}" and self.command == "HEAD":
            self._answer(200 if server.index_exists else 404, None)
        elif path == f"/{INDEX}" and self.command == "PUT":
            server.index_exists = True
            self._answer(200, {"acknowledged": True, "shards_acknowledged": True, "index": INDEX})
        elif path == f"/{INDEX}" and self.command == "DELETE":
            existed, server.index_exists = server.index_exists, False
            if existed:
                self._answer(200, {"acknowledged": True})
            else:
                self._answer(404, {"error": {"type": "index_not_found_exception"}, "status": 404})
        elif path == f"/{INDEX}/_refresh":
            self._answer(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
        elif path == f"/{INDEX}/_bulk":
            actions = [line for line in body if set(line) & {"index", "delete"}]
            items = [
                {kind: {"_index": INDEX, "_id": meta["_id"], "status": 404 if kind == "delete" else 201}}
                for action in actions
                for kind, meta in action.items()
            ]
            self._answer(200, {"took": 3, "errors": any(s == "delete" for a in actions for s in a), "items": items})
        elif path == f"/{INDEX}/_count":
            self._answer(200, {"count": server.counts.pop(0) if server.counts else 0, "_shards": {"total": 1}})
        elif path == f"/{INDEX}/_search":
            status, answer = server.search_answers.pop(0) if server.search_answers else (200, search_answer([], {}))
            self._answer(status, answer)
        else:
            self._answer(400, {"error": f"the stand-in does not know {self.command} {path}", "status": 400})

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle


class StandInServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), StandIn)
        self.requests: list[tuple[str, str, dict, object]] = []
        self.index_exists = False
        self.search_answers: list[tuple[int, dict]] = []
        self.counts: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def sent(self, method: str, path: str) -> list:
        return [body for command, where, _, body in self.requests if (command, where) == (method, path)]


def search_answer(
    articles: list[Article], facets: dict[str, list[tuple[str, int]]], total=None, months=(), stale: int = 0
) -> dict:
    """A search answer as OpenSearch 2.x shapes it (no _source asked for): hits, terms aggregations, the
    date histogram of ``months`` (("2024-03", n), …), and the global aggregation counting documents
    without the current analysis mark."""
    hits = [
        {"_index": INDEX, "_id": f"articles.article.{article.pk}", "_score": 2.5 - i / 10}
        for i, article in enumerate(articles)
    ]
    aggregations = {
        field: {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": key, "doc_count": count} for key, count in facets.get(field, [])],
        }
        for field in FACET_FIELDS
    }
    aggregations["months"] = {
        "buckets": [
            {
                "key_as_string": month,
                "key": int(dt.datetime.fromisoformat(f"{month}-01").timestamp() * 1000),
                "doc_count": n,
            }
            for month, n in months
        ]
    }
    aggregations[ANALYSIS_FIELD] = {"doc_count": 60, "stale": {"doc_count": stale}}
    return {
        "took": 4,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits) if total is None else total, "relation": "eq"},
            "max_score": 2.5 if hits else None,
            "hits": hits,
        },
        "aggregations": aggregations,
    }


@pytest.fixture
def stand_in():
    server = StandInServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = connections.connections_info["default"]
    connections.connections_info["default"] = {
        "ENGINE": "articles.search.opensearch.ArchiveOpenSearchEngine",
        "URL": server.url,
        "INDEX_NAME": INDEX,
        "TIMEOUT": 5,
        "SILENTLY_FAIL": False,
    }
    connections.reload("default")
    try:
        yield server
    finally:
        connections.connections_info["default"] = saved
        connections.reload("default")
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def phrase(text: str) -> dict:
    """The clause a typed word or phrase becomes in the whole text: its bigram phrase, in the text or title."""
    return {
        "bool": {
            "should": [{"match_phrase": {"fulltext_grams": text}}, {"match_phrase": {"title_grams": text}}],
            "minimum_should_match": 1,
        }
    }


def test_the_engine_is_chosen_through_the_search_interface(stand_in):
    engine = get_search_engine()
    assert isinstance(engine, OpenSearchSearchEngine) and isinstance(engine.backend, OpenSearchBackend)
    assert engine.generation() is None  # no local index: pages are neither validated nor kept


def test_the_first_search_creates_the_index_with_the_cjk_bigram_analysis_and_mapping(stand_in):
    search("开发区")
    search("管运分离")
    assert [(method, path) for method, path, _, _ in stand_in.requests[:2]] == [
        ("HEAD", f"/{INDEX}"),
        ("PUT", f"/{INDEX}"),
    ]
    fields = connections["default"].get_unified_index().all_searchfields()
    (created,) = stand_in.sent("PUT", f"/{INDEX}")  # once per process
    assert created == {"settings": index_settings(), "mappings": mapping(fields)}
    analyzer = created["settings"]["analysis"]["analyzer"]["kfq_cjk"]
    assert analyzer["tokenizer"] == "standard" and analyzer["filter"][-1] == "cjk_bigram"
    assert created["mappings"]["properties"]["fulltext_grams"] == {"type": "text", "analyzer": "kfq_cjk"}
    assert created["mappings"]["properties"]["city"] == {"type": "keyword"}
    assert created["mappings"]["properties"][ANALYSIS_FIELD] == {"type": "keyword"}


def test_a_readers_search_is_one_request_with_a_phrase_filters_facets_and_date_order(stand_in):
    stand_in.index_exists = True
    found = [article for article in visible() if "管运分离" in full_text(article)]
    assert len(found) == 2
    stand_in.search_answers.append(
        (200, search_answer(found, {"city": [("临汾", 1), ("运城", 2)], "year": [("2024", 2)]}))
    )
    result = search('"管运分离"', filters={"year": ["2024"]}, sort="date")

    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")  # a phrase is never split: no second request
    assert body == {
        "query": {"bool": {"must": [phrase("管运分离")], "filter": [{"term": {"year": "2024"}}]}},
        "from": 0,
        "size": 20,
        "track_total_hits": True,
        "_source": False,
        "sort": DATE_ORDER,
        "aggs": AGGS,
    }
    assert DATE_ORDER == [{"sort_date": {"order": "desc"}}, {"sort_seq": {"order": "asc"}}]
    # The answer read back: articles from the database in the engine's order, highlighted; facets sorted.
    assert [hit.article.pk for hit in result.hits] == [article.pk for article in found]
    assert all("<mark>管运分离</mark>" in hit.snippet_html for hit in result.hits)
    assert result.count == 2 and result.exact_count is None and result.sort == "date"
    assert result.facets["city"] == [("运城", 2), ("临汾", 1)]
    assert result.facets["year"] == [("2024", 2)] and result.facets["zone"] == []


def test_the_engines_order_is_kept_and_a_split_word_counts_its_whole_form(stand_in):
    stand_in.index_exists = True
    found = [article for article in visible() if "亚宝" in full_text(article)]
    assert len(found) >= 2
    ranked = list(reversed(found))
    stand_in.search_answers.append((200, search_answer(ranked, {})))
    stand_in.counts.append(2)
    result = search("亚宝药业")
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    # The whole word, or its distinctive part (jieba splits 亚宝药业), each in the text or the title.
    assert phrase("亚宝药业") in should and phrase("亚宝") in should
    assert body["sort"] == [{"_score": {"order": "desc"}}, *DATE_ORDER]  # relevance; ties newest first
    (counted,) = stand_in.sent("POST", f"/{INDEX}/_count")  # how many have the whole word
    assert counted == {"query": {"bool": {"must": [phrase("亚宝药业")]}}}
    assert [hit.article.pk for hit in result.hits] == [article.pk for article in ranked]
    assert result.count == len(found) and result.exact_count == 2 and result.sort == "relevance"


def test_a_zone_finds_its_other_names_and_a_page_asks_for_its_slice(stand_in):
    stand_in.index_exists = True
    stand_in.search_answers.append((200, search_answer([], {}, total=45)))
    result = search("长子经开区", page=3)
    body, *others = stand_in.sent("POST", f"/{INDEX}/_search")
    clauses = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert phrase("长子经开区") in clauses and phrase("长子经济技术开发区") in clauses
    assert (body["from"], body["size"]) == (40, 20)
    assert result.count == 45 and result.hits == [] and result.pages == 3
    # The zone as a filter to offer: its articles in the whole index, counted by a terms aggregation.
    zone_terms = {"field": "zone", "include": ["长子经济技术开发区"], "size": 1}
    assert others and all(other == {"size": 0, "aggs": {"zone": {"terms": zone_terms}}} for other in others)


def test_a_page_past_what_opensearch_lists_is_counted_not_refused(stand_in):
    stand_in.index_exists = True
    stand_in.search_answers.append((200, search_answer([], {}, total=12000)))
    result = search("开发区", page=501)  # from 10 000: beyond index.max_result_window
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")
    assert (body["from"], body["size"]) == (0, 0)
    assert result.count == 12000 and result.hits == []


def test_one_character_exclusions_and_the_author_scope(stand_in):
    stand_in.index_exists = True
    stand_in.search_answers.append((200, search_answer(visible()[:1], {})))  # found: no suggestions asked
    search("管 -太原")
    stand_in.counts.append(1)  # 王波 is an author's whole name
    search("王波", field="author")
    first, second = stand_in.sent("POST", f"/{INDEX}/_search")
    one_character = {
        "bool": {
            "should": [{"prefix": {"fulltext_grams": "管"}}, {"wildcard": {"fulltext_grams": {"value": "?管"}}}],
            "minimum_should_match": 1,
        }
    }
    assert first["query"]["bool"]["must"][0]["bool"]["should"][0] == one_character  # in the text (or title)
    assert first["query"]["bool"]["must_not"] == [{"match_phrase": {"fulltext_grams": "太原"}}]
    asked = stand_in.sent("POST", f"/{INDEX}/_count")[0]  # then, nothing found, the suggestions' counts
    assert asked == {"query": {"term": {"authors": "王波"}}}
    assert second["query"] == {"bool": {"must": [{"term": {"authors": "王波"}}]}}


def test_filters_alone_are_newest_first_and_match_everything_else(stand_in):
    stand_in.index_exists = True
    search("", filters={"city": ["临汾"], "author": ["王波"]})
    body = stand_in.sent("POST", f"/{INDEX}/_search")[0]
    assert body["query"] == {"bool": {"filter": [{"term": {"city": "临汾"}}, {"term": {"authors": "王波"}}]}}
    assert body["sort"] == DATE_ORDER


def test_an_error_answer_is_a_503_page_not_a_500(stand_in, client):
    stand_in.index_exists = True
    failure = (500, {"error": {"type": "search_phase_execution_exception"}, "status": 500})
    stand_in.search_answers += [failure, failure]
    page = client.get("/search/", {"q": "开发区"})
    assert page.status_code == 503 and "检索暂时不可用" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "开发区"})
    assert api.status_code == 503 and "search is temporarily unavailable" in api.json()["error"]


def test_an_export_is_one_request_for_the_first_ids_without_facets_or_total(stand_in, client):
    stand_in.index_exists = True
    found = [article for article in visible() if "管运分离" in full_text(article)]
    ranked = list(reversed(found))
    answer = search_answer(ranked, {})
    del answer["aggregations"]  # none asked for
    stand_in.search_answers.append((200, answer))
    response = client.get("/search/export.csv", {"q": '"管运分离"', "year": "2024"})
    assert response.status_code == 200
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")  # the ids alone: one request, no count
    assert body == {
        "query": {"bool": {"must": [phrase("管运分离")], "filter": [{"term": {"year": "2024"}}]}},
        "from": 0,
        "size": 1000,
        "track_total_hits": False,
        "_source": False,
        "sort": [{"_score": {"order": "desc"}}, *DATE_ORDER],
    }
    assert stand_in.sent("POST", f"/{INDEX}/_count") == []
    rows = response.content.decode().splitlines()[1:]
    assert [int(row.split(",")[0]) for row in rows] == [article.pk for article in ranked]  # the engine's order


def test_an_export_when_opensearch_fails_is_a_503(stand_in, client):
    stand_in.index_exists = True
    stand_in.search_answers.append((500, {"error": {"type": "search_phase_execution_exception"}, "status": 500}))
    response = client.get("/search/export.ris", {"q": "开发区"})
    assert response.status_code == 503 and response["Retry-After"]


def test_a_sync_is_one_bulk_request_visible_on_return(stand_in):
    stand_in.index_exists = True
    article = visible()[0]
    sync_articles([article.pk, 999999])
    ((method, path, query, bulk),) = [request for request in stand_in.requests if request[1].endswith("/_bulk")]
    assert (method, path, query) == ("POST", f"/{INDEX}/_bulk", {"refresh": "true"})
    assert bulk[0] == {"delete": {"_id": "articles.article.999999"}}  # its 404 is fine
    assert bulk[1] == {"index": {"_id": f"articles.article.{article.pk}"}}
    assert bulk[2]["django_id"] == str(article.pk) and bulk[2]["title"] == fold(article.title)
    assert bulk[2]["fulltext_grams"] == fold(full_text(article)) and bulk[2][ANALYSIS_FIELD] == ANALYSIS


def test_text_and_queries_are_folded_in_python_before_they_are_sent(stand_in):
    """OpenSearch has no OpenCC: traditional characters and full-width figures are folded here, in the
    documents sent and in the query, so both meet as simplified, half-width text."""
    stand_in.index_exists = True
    text = "# 開發區建設提速\n\n科学导报讯 记者王波 長子經開區全年完成投資１６．８億元。\n"
    article = ingest_page(text.encode(), "traditional.txt").page.articles.get()
    sync_articles([article.pk])
    [doc] = [line for body in stand_in.sent("POST", f"/{INDEX}/_bulk") for line in body if "django_id" in line]
    assert doc["title"] == "开发区建设提速" and doc["title_grams"] == "开发区建设提速"
    assert "全年完成投资16.8亿元" in doc["fulltext_grams"] and "全年完成投资16.8亿元" in doc["text"]
    assert doc[ANALYSIS_FIELD] == ANALYSIS
    assert doc["authors"] == ["王波"]  # whole values (facets) are sent as printed

    stand_in.requests.clear()
    search("開發區 １６．８億元")
    body = stand_in.sent("POST", f"/{INDEX}/_search")[0]
    traditional, full_width = body["query"]["bool"]["must"]
    assert traditional == phrase("开发区")
    assert full_width["bool"]["should"][0] == phrase("16.8亿元")  # then its distinctive part, 16.8


def test_documents_analysed_before_the_folding_are_counted_in_the_same_request_and_reported(stand_in):
    stand_in.index_exists = True
    stand_in.search_answers.append((200, search_answer(visible()[:1], {}, stale=3)))
    result = search("开发区")
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")
    assert body["aggs"][ANALYSIS_FIELD] == STALE_AGGREGATION  # over the whole index, not only the matches
    assert any("检索索引中有 3 篇文章尚未按现行方式重建" in note for note in result.notes)


def test_a_generic_form_sends_its_full_names(stand_in):
    stand_in.index_exists = True
    stand_in.search_answers.append((200, search_answer(visible()[:1], {})))
    result = search("經開區")
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert should == [phrase("经开区"), phrase("经济技术开发区"), phrase("经济开发区")]
    assert result.also_searched == ["经济技术开发区", "经济开发区"]
    assert not any("重建" in note for note in result.notes)


def test_rebuild_index_recreates_the_index_and_fills_it(stand_in):
    stand_in.index_exists = True
    call_command("rebuild_index", interactive=False, verbosity=0)
    steps = [(method, path) for method, path, _, _ in stand_in.requests]
    assert steps[:3] == [("DELETE", f"/{INDEX}"), ("HEAD", f"/{INDEX}"), ("PUT", f"/{INDEX}")]
    assert steps[-1] == ("POST", f"/{INDEX}/_refresh")
    written = [
        line["index"]["_id"] for body in stand_in.sent("POST", f"/{INDEX}/_bulk") for line in body if "index" in line
    ]
    assert sorted(written) == sorted(f"articles.article.{article.pk}" for article in visible())


def test_the_health_check_asks_opensearch_for_its_count(stand_in, client):
    stand_in.index_exists = True
    stand_in.counts.append(7)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["index"] == "ok"
    assert stand_in.sent("POST", f"/{INDEX}/_count") == [{"query": {"match_all": {}}}]


def test_a_date_range_keeps_days_in_it_and_counts_the_articles_of_unknown_date_apart(stand_in):
    """A range cutting a year: a range query on the day; those with no day and no year, or only the cut
    year, are counted in a second request (left out of the results, said apart)."""
    stand_in.index_exists = True
    found = [article for article in visible() if "管运分离" in full_text(article)]
    stand_in.search_answers.append((200, search_answer(found, {}, months=[("2024-03", 1), ("2024-05", 1)])))
    stand_in.counts.append(3)
    result = search('"管运分离"', date_from="2024-03", date_to="2024-06-15")
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")
    in_range = {"range": {"date": {"gte": "2024-03-01", "lte": "2024-06-15"}}}
    assert body["query"] == {"bool": {"must": [phrase("管运分离")], "filter": [in_range]}}
    assert body["aggs"]["months"] == {
        "date_histogram": {"field": "date", "calendar_interval": "month", "format": "yyyy-MM", "min_doc_count": 1}
    }
    (counted,) = stand_in.sent("POST", f"/{INDEX}/_count")
    no_day = {"bool": {"must_not": [{"exists": {"field": "date"}}]}}
    no_year_or_2024 = {
        "bool": {
            "should": [{"bool": {"must_not": [{"exists": {"field": "year"}}]}}, {"terms": {"year": ["2024"]}}],
            "minimum_should_match": 1,
        }
    }
    assert counted == {
        "query": {"bool": {"must": [phrase("管运分离")], "filter": [{"bool": {"filter": [no_day, no_year_or_2024]}}]}}
    }
    assert result.months == [("2024-03", 1), ("2024-05", 1)] and result.undated == 3
    assert (result.dates.first, result.dates.last) == (dt.date(2024, 3, 1), dt.date(2024, 6, 15))


def test_a_range_of_whole_years_also_holds_the_articles_known_only_by_their_year(stand_in, client):
    stand_in.index_exists = True
    stand_in.search_answers.append(
        (200, search_answer(visible()[:2], {"year": [("2023", 2)]}, months=[("2023-07", 1)]))
    )
    stand_in.counts.append(4)
    api = client.get("/api/v1/search/", {"city": "运城", "date_from": "2023", "date_to": "2024"}).json()
    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")
    by_day = {"range": {"date": {"gte": "2023-01-01", "lte": "2024-12-31"}}}
    by_year = {
        "bool": {
            "filter": [{"range": {"year": {"gte": "2023", "lte": "2024"}}}],
            "must_not": [{"exists": {"field": "date"}}],
        }
    }
    in_range = {"bool": {"should": [by_day, by_year], "minimum_should_match": 1}}
    assert body["query"] == {"bool": {"filter": [{"term": {"city": "运城"}}, in_range]}}
    (counted,) = stand_in.sent("POST", f"/{INDEX}/_count")  # no year is cut: only the articles with no year
    no_day = {"bool": {"must_not": [{"exists": {"field": "date"}}]}}
    no_year = {"bool": {"must_not": [{"exists": {"field": "year"}}]}}
    assert counted == {
        "query": {"bool": {"filter": [{"term": {"city": "运城"}}, {"bool": {"filter": [no_day, no_year]}}]}}
    }
    assert api["date_range"] == {"from": "2023-01-01", "to": "2024-12-31"}
    assert api["undated"] == 4 and api["months"] == {"2023-07": 1}
