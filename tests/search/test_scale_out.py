"""The scale-out path (README, “Scale-out”): OpenSearch chosen by environment variables.

No OpenSearch server installs here, so what is tested here is what can be without one: the settings
wiring (in fresh processes, as at start-up), the mapping and analysis built from the real SearchIndex,
the bulk lines built from real articles, and a clear 503 when the OpenSearch URL does not answer.
What is sent and how answers are read: test_opensearch_wire.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from haystack import connections

from articles.models import Article
from articles.search import FACETS
from articles.search.contract import GRAM_FIELDS
from articles.search.folding import fold
from articles.search.opensearch import ANALYZER, OpenSearchBackend, index_settings, mapping
from articles.search_indexes import ArticleIndex
from kfq_archive import search_engine

ROOT = Path(__file__).resolve().parent.parent.parent
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


# --- settings wiring, in fresh processes --------------------------------------------------------
def run_python(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("KFQ_", "DJANGO_"))}
    environ.update({"KFQ_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kfq_archive.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


SHOW_CONNECTION = """
import json, django
django.setup()
from django.conf import settings
from haystack import connections
from articles.search import get_search_engine
backend = connections["default"].get_backend()
print(json.dumps({
    "engine": settings.KFQ_SEARCH_ENGINE,
    "connection": settings.HAYSTACK_CONNECTIONS["default"],
    "backend": type(backend).__name__,
    "index_name": getattr(backend, "index_name", None),
    "search_engine": type(get_search_engine()).__name__,
}))
"""


def test_whoosh_is_the_default_engine(tmp_path):
    done = run_python(SHOW_CONNECTION, {}, tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["engine"] == "whoosh" and shown["search_engine"] == "WhooshSearchEngine"
    assert shown["connection"] == {"ENGINE": search_engine.WHOOSH_ENGINE, "PATH": str(tmp_path / "whoosh_index")}
    assert shown["backend"] == "ArchiveWhooshBackend"


def test_opensearch_is_chosen_by_environment_variables(tmp_path):
    env = {
        "KFQ_SEARCH_ENGINE": " OpenSearch ",
        "KFQ_OPENSEARCH_URL": "https://search.internal:9200",
        "KFQ_OPENSEARCH_INDEX": "kfq_archive_v2",
        "KFQ_OPENSEARCH_TIMEOUT": "5",
    }
    done = run_python(SHOW_CONNECTION, env, tmp_path)
    assert done.returncode == 0, done.stderr  # nothing contacts the server at start-up
    shown = json.loads(done.stdout)
    assert shown["engine"] == "opensearch" and shown["search_engine"] == "OpenSearchSearchEngine"
    assert shown["connection"] == {
        "ENGINE": "articles.search.opensearch.ArchiveOpenSearchEngine",
        "URL": "https://search.internal:9200",
        "INDEX_NAME": "kfq_archive_v2",
        "TIMEOUT": 5,
        "SILENTLY_FAIL": False,
    }
    assert shown["backend"] == "OpenSearchBackend" and shown["index_name"] == "kfq_archive_v2"


def test_opensearch_defaults(tmp_path):
    done = run_python(SHOW_CONNECTION, {"KFQ_SEARCH_ENGINE": "opensearch"}, tmp_path)
    assert done.returncode == 0, done.stderr
    connection = json.loads(done.stdout)["connection"]
    assert (connection["URL"], connection["INDEX_NAME"], connection["TIMEOUT"]) == (
        "http://127.0.0.1:9200",
        "kfq_archive",
        10,
    )


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"KFQ_SEARCH_ENGINE": "solr"},
            "KFQ_SEARCH_ENGINE='solr' is not a search engine this archive knows; use one of: whoosh, opensearch",
        ),
        (
            {"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_URL": "localhost:9200"},
            "KFQ_OPENSEARCH_URL must be an http:// or https:// URL",
        ),
    ],
)
def test_a_bad_value_stops_start_up_with_a_clear_error(tmp_path, env, said):
    done = run_python(SHOW_CONNECTION, env, tmp_path)
    assert done.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in done.stderr
    assert said in done.stderr


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7"}, "KFQ_SEARCH_ENGINE='elasticsearch7'"),
        ({"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_URL": "ftp://es:9200"}, "KFQ_OPENSEARCH_URL"),
        ({"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_URL": "http://:9200"}, "KFQ_OPENSEARCH_URL"),
        ({"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_URL": "http://es:port"}, "KFQ_OPENSEARCH_URL"),
        (
            {"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_INDEX": "KFQ Archive"},
            "KFQ_OPENSEARCH_INDEX='KFQ Archive'",
        ),
        ({"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_INDEX": "_kfq"}, "KFQ_OPENSEARCH_INDEX='_kfq'"),
        ({"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_TIMEOUT": "0"}, "KFQ_OPENSEARCH_TIMEOUT"),
        ({"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_TIMEOUT": "ten"}, "KFQ_OPENSEARCH_TIMEOUT"),
    ],
)
def test_every_bad_value_is_refused(tmp_path, env, said):
    with pytest.raises(ImproperlyConfigured, match=said.replace("(", r"\(").replace("?", r"\?")):
        search_engine.haystack_connections(tmp_path, env)


def test_the_error_never_shows_a_password_from_the_url(tmp_path):
    env = {"KFQ_SEARCH_ENGINE": "opensearch", "KFQ_OPENSEARCH_URL": "ftp://kfq:s3cret@es.internal:9200"}
    with pytest.raises(ImproperlyConfigured) as raised:
        search_engine.haystack_connections(tmp_path, env)
    assert "s3cret" not in str(raised.value) and "ftp://es.internal" in str(raised.value)


# --- the OpenSearch mapping, built from the real SearchIndex without a server --------------------------
@pytest.fixture
def os_backend():
    # The client is created without contacting the server (nothing listens on UNREACHABLE).
    return OpenSearchBackend("default", URL=UNREACHABLE, INDEX_NAME="kfq_test")


def index_fields():
    return connections["default"].get_unified_index().all_searchfields()


def test_every_index_field_is_mapped_as_its_kind():
    properties = mapping(index_fields())["properties"]
    fields = ArticleIndex.fields
    assert set(fields) <= set(properties)
    kinds = {name: getattr(field, "kfq_kind", field.field_type) for name, field in fields.items()}
    expected = {
        "words": {"type": "text", "analyzer": ANALYZER},
        "bigram": {"type": "text", "analyzer": ANALYZER},
        "exact": {"type": "keyword"},
        "date": {"type": "date"},
        "integer": {"type": "long"},
    }
    assert {name: properties[name] for name in fields} == {name: expected[kind] for name, kind in kinds.items()}
    assert properties["id"] == properties["django_id"] == properties["django_ct"] == {"type": "keyword"}


def test_facet_and_filter_fields_are_keywords_so_zone_names_count_whole():
    properties = mapping(index_fields())["properties"]
    for fieldname, _, _ in FACETS.values():
        assert properties[fieldname] == {"type": "keyword"}, fieldname
    for gram_field in GRAM_FIELDS.values():  # the fields phrases are matched on
        assert properties[gram_field]["analyzer"] == ANALYZER


def test_the_analysis_is_opensearchs_own_cjk_bigrams_no_plugin():
    properties = mapping(index_fields())["properties"]
    analyzers = index_settings()["analysis"]["analyzer"]
    used = {field["analyzer"] for field in properties.values() if "analyzer" in field}
    assert used == {ANALYZER} and set(analyzers) == used
    # Built into OpenSearch (the analysis-common module): standard tokenizer, full-width → half-width,
    # lowercase (both sides, as the Whoosh analyzers), then overlapping bigrams of CJK runs.
    assert analyzers[ANALYZER] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "cjk_bigram"],
    }
    assert "tokenizer" not in index_settings()["analysis"]  # no custom or plugin tokenizer


def test_no_mapping_carries_a_boost():
    properties = mapping(index_fields())["properties"]
    assert ArticleIndex.fields["title"].boost == 4.0  # Whoosh keeps its field boosts
    assert not [name for name, field in properties.items() if "boost" in field]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
def test_one_bulk_request_indexes_visible_articles_and_deletes_the_rest(os_backend):
    index = connections["default"].get_unified_index().get_index(Article)
    articles = list(index.index_queryset()[:3])
    lines = os_backend.bulk_body(index, articles, ["articles.article.999999"])
    assert lines[0] == {"delete": {"_id": "articles.article.999999"}}
    assert lines[1::2] == [{"index": {"_id": f"articles.article.{article.pk}"}} for article in articles]
    docs = lines[2::2]
    properties = mapping(index_fields())["properties"]
    for doc, article in zip(docs, articles, strict=True):
        assert set(doc) <= set(properties)  # every value goes to a mapped field
        assert doc["django_id"] == str(article.pk)
        assert doc["title"] == fold(article.title)  # analysed text goes folded (OpenSearch has no OpenCC)
        assert doc.get("city") == (article.city.short if article.city else None)  # empty values are left out
        assert doc.get("authors") == (article.author_names() or None)  # a list: keyword fields take several
        json.dumps(doc)  # dates as ISO text
    assert any(doc.get("authors") for doc in docs)


# --- an OpenSearch that does not answer ----------------------------------------------------------
PAGES_WITH_OPENSEARCH_DOWN = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
client = Client()
page = client.get("/search/", {"q": "管运分离"})
api = client.get("/api/v1/search/", {"q": "管运分离"})
home = client.get("/")
health = client.get("/healthz")
print(json.dumps({
    "page": [page.status_code, page.get("Retry-After"), page.content.decode()],
    "api": [api.status_code, json.loads(api.content)],
    "home": home.status_code,
    "health": [health.status_code, json.loads(health.content)],
}, ensure_ascii=False))
"""


def test_an_unreachable_opensearch_gives_a_503_page_in_chinese_not_a_traceback(tmp_path):
    env = {
        "KFQ_SEARCH_ENGINE": "opensearch",
        "KFQ_OPENSEARCH_URL": UNREACHABLE,
        "DJANGO_SETTINGS_MODULE": "tests.settings",  # static files served without collectstatic
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    done = run_python(PAGES_WITH_OPENSEARCH_DOWN, env, tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    status, retry_after, html = shown["page"]
    assert status == 503 and retry_after == "30"
    assert "检索暂时不可用（503）" in html and "“管运分离”的检索没能完成" in html
    assert "Traceback" not in html and "127.0.0.1" not in html and "服务器出错" not in html
    assert shown["api"] == [
        503,
        {"error": "检索服务暂时不可用，请稍后再试 / search is temporarily unavailable, please try again later"},
    ]
    assert shown["home"] == 200  # browsing does not need the search engine
    assert shown["health"] == [503, {"status": "error", "database": "ok", "index": "error"}]
    assert "Connection refused" in done.stderr  # the cause is logged for the operator
