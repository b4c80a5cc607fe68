"""What the archive sends to Elasticsearch 7, and how it reads the answers, over real HTTP.

No Elasticsearch installs here. A small HTTP server on 127.0.0.1 stands in for one: it answers the
client's product check and the index calls with Elasticsearch 7.17's documented answer shapes and records
every request. So these tests check the real client, haystack's backend and ours end to end on the wire:
the index created with our analyzers and mapping, the body of a reader's search (phrases on the bigram
fields, keyword filters, facets with their size, date order), the bulk request of a sync, and that an
error answer becomes the 503 page. They say nothing about how Elasticsearch itself would answer.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from haystack import connections

from articles.models import Article
from articles.search import search, sync_articles
from articles.search.elasticsearch import ArchiveElasticsearchBackend
from articles.search.fields import full_text

from .helpers import visible

INDEX = "kfq_wire"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seeded"),
    # haystack 3.4 passes body=, which the 7.15+ clients flag for the 8.x API; 7.x servers take it.
    pytest.mark.filterwarnings("ignore:The 'body' parameter is deprecated:DeprecationWarning"),
]


class StandIn(BaseHTTPRequestHandler):
    """Elasticsearch 7.17's answers, just enough for haystack's backend; see the module docstring."""

    server: StandInServer

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("X-Elastic-Product", "Elasticsearch")  # clients from 7.14 on check it
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path = urlsplit(self.path).path
        if path.endswith("/_bulk"):
            body = [json.loads(line) for line in raw.splitlines() if line.strip()]
        else:
            body = json.loads(raw) if raw else None
        self.server.requests.append((self.command, path, body))
        if path == "/":
            version = {"number": "7.17.0", "build_flavor": "default"}
            self._answer(200, {"name": "stand-in", "version": version, "tagline": "You Know, for Search"})
        elif path == f"/{INDEX}/_mapping" and self.command == "GET":
            self._answer(404, {"error": {"type": "index_not_found_exception"}, "status": 404})
        elif path in (f"/{INDEX}", f"/{INDEX}/_mapping"):
            self._answer(200, {"acknowledged": True})
        elif path == f"/{INDEX}/_refresh":
            self._answer(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
        elif path.endswith("/_bulk"):
            actions = [line for line in body if set(line) & {"index", "delete"}]
            items = [{kind: {"_id": meta["_id"], "status": 200}} for action in actions for kind, meta in action.items()]
            self._answer(200, {"took": 1, "errors": False, "items": items})
        elif path == f"/{INDEX}/_search":
            status, answer = self.server.search_answer
            self._answer(status, answer)
        else:
            self._answer(400, {"error": f"the stand-in does not know {self.command} {path}", "status": 400})

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle


class StandInServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), StandIn)
        self.requests: list[tuple[str, str, object]] = []
        self.search_answer: tuple[int, dict] = (200, search_answer([], {}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def sent(self, method: str, path: str) -> list:
        return [body for command, where, body in self.requests if (command, where) == (method, path)]


def search_answer(articles: list[Article], facets: dict[str, list[tuple[str, int]]]) -> dict:
    """A search answer as Elasticsearch 7 shapes it: hits with their _source, terms aggregations."""
    hits = [
        {
            "_index": INDEX,
            "_id": f"articles.article.{article.pk}",
            "_score": 1.0,
            "_source": {
                "id": f"articles.article.{article.pk}",
                "django_ct": "articles.article",
                "django_id": str(article.pk),
            },
        }
        for article in articles
    ]
    aggregations = {
        field: {"meta": {"_type": "terms"}, "buckets": [{"key": key, "doc_count": count} for key, count in values]}
        for field, values in facets.items()
    }
    return {
        "took": 1,
        "hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits},
        "aggregations": aggregations,
    }


@pytest.fixture
def stand_in():
    server = StandInServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = connections.connections_info["default"]
    connections.connections_info["default"] = {
        "ENGINE": "articles.search.elasticsearch.ArchiveElasticsearchEngine",
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


def test_the_first_search_creates_the_index_with_our_analyzers_and_mapping(stand_in):
    search("开发区")
    backend = connections["default"].get_backend()
    assert isinstance(backend, ArchiveElasticsearchBackend)
    assert stand_in.sent("PUT", f"/{INDEX}") == [ArchiveElasticsearchBackend.DEFAULT_SETTINGS]
    _, mapping = backend.build_schema(connections["default"].get_unified_index().all_searchfields())
    assert stand_in.sent("PUT", f"/{INDEX}/_mapping") == [{"properties": mapping}]


def test_a_readers_search_is_one_request_with_phrases_filters_facets_and_date_order(stand_in):
    found = [article for article in visible() if "管运分离" in full_text(article)]
    assert len(found) == 2
    stand_in.search_answer = (200, search_answer(found, {"city": [("临汾", 1), ("运城", 2)], "year": [("2024", 2)]}))
    result = search('"管运分离"', filters={"year": ["2024"]}, sort="date")

    (body,) = stand_in.sent("POST", f"/{INDEX}/_search")  # phrases are never split: no second request
    query = body["query"]["bool"]
    assert query["must"]["query_string"]["query"] == '(fulltext_grams:("管运分离") OR title_grams:("管运分离"))'
    assert query["filter"]["bool"]["must"] == [
        {"terms": {"django_ct": ["articles.article"]}},
        {"query_string": {"query": 'year:("2024")'}},
    ]
    facet_fields = ["city", "zone", "kind", "year", "issue", "authors"]
    assert body["aggs"] == {
        field: {"meta": {"_type": "terms"}, "terms": {"field": field, "size": 500}} for field in facet_fields
    }
    assert body["sort"] == [{"sort_date": {"order": "desc"}}, {"sort_seq": {"order": "asc"}}]
    assert (body["from"], body["size"]) == (0, 20)

    # The answer read back: articles from the database in the engine's order, highlighted; facets sorted.
    assert [hit.article.pk for hit in result.hits] == [article.pk for article in found]
    assert all("<mark>管运分离</mark>" in hit.snippet_html for hit in result.hits)
    assert result.count == 2 and result.facets["city"] == [("运城", 2), ("临汾", 1)]
    assert result.facets["year"] == [("2024", 2)] and result.facets["zone"] == []


def test_a_word_is_matched_by_its_forms_and_a_page_asks_for_its_slice(stand_in):
    search("长子经开区", page=3)
    bodies = stand_in.sent("POST", f"/{INDEX}/_search")
    query = bodies[0]["query"]["bool"]["must"]["query_string"]["query"]
    # A zone's printed name also finds its full name, in the text or the title.
    assert 'fulltext_grams:("长子经开区")' in query and 'fulltext_grams:("长子经济技术开发区")' in query
    assert 'title_grams:("长子经济技术开发区")' in query
    assert (bodies[0]["from"], bodies[0]["size"]) == (40, 20)
    assert "sort" not in bodies[0]  # relevance: the engine's score


def test_an_error_answer_is_a_503_page_not_a_500(stand_in, client):
    stand_in.search_answer = (500, {"error": {"type": "search_phase_execution_exception"}, "status": 500})
    page = client.get("/search/", {"q": "开发区"})
    assert page.status_code == 503 and "检索暂时不可用" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "开发区"})
    assert api.status_code == 503 and "search is temporarily unavailable" in api.json()["error"]


def test_a_sync_is_one_bulk_request_then_a_refresh(stand_in):
    article = visible()[0]
    sync_articles([article.pk, 999999])
    (bulk,) = stand_in.sent("POST", f"/{INDEX}/_bulk")
    assert bulk[0] == {"delete": {"_id": "articles.article.999999"}}
    assert bulk[1] == {"index": {"_id": f"articles.article.{article.pk}"}}
    assert bulk[2]["django_id"] == str(article.pk) and bulk[2]["title"] == article.title
    assert bulk[2]["fulltext_grams"] == full_text(article)
    assert stand_in.requests[-1][:2] == ("POST", f"/{INDEX}/_refresh")
