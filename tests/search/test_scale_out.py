"""The scale-out path (README, “Scale-out”): Elasticsearch 7 chosen by environment variables.

No Elasticsearch server installs here, so what is tested is what can be without one: the settings
wiring (in fresh processes, as at start-up), the mapping and index settings built from the real
SearchIndex, the bulk actions built from real articles, the engine-neutral search run for real through
haystack's SearchQuerySet on the Whoosh engine (agreeing with the Whoosh-native service on the seeds),
and a clear 503 when the Elasticsearch URL does not answer.
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.search import FACETS, PER_PAGE, SearchForm, SearchInputError, search
from articles.search.contract import GRAM_FIELDS
from articles.search.elasticsearch import (
    BIGRAM_ANALYZER,
    PLUGIN_TOKENIZERS,
    WORDS_ANALYZER,
    ArchiveElasticsearchBackend,
)
from articles.search.haystack_engine import HaystackSearchEngine
from articles.search.whoosh_engine.analyzers import BigramAnalyzer
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


def test_elasticsearch7_is_chosen_by_environment_variables(tmp_path):
    env = {
        "KFQ_SEARCH_ENGINE": " Elasticsearch7 ",
        "KFQ_ELASTICSEARCH_URL": "https://search.internal:9200",
        "KFQ_ELASTICSEARCH_INDEX": "kfq_archive_v2",
        "KFQ_ELASTICSEARCH_TIMEOUT": "5",
    }
    done = run_python(SHOW_CONNECTION, env, tmp_path)
    assert done.returncode == 0, done.stderr  # nothing contacts the server at start-up
    shown = json.loads(done.stdout)
    assert shown["engine"] == "elasticsearch7" and shown["search_engine"] == "ElasticsearchSearchEngine"
    assert shown["connection"] == {
        "ENGINE": "articles.search.elasticsearch.ArchiveElasticsearchEngine",
        "URL": "https://search.internal:9200",
        "INDEX_NAME": "kfq_archive_v2",
        "TIMEOUT": 5,
        "SILENTLY_FAIL": False,
    }
    assert shown["backend"] == "ArchiveElasticsearchBackend" and shown["index_name"] == "kfq_archive_v2"


def test_elasticsearch_defaults(tmp_path):
    done = run_python(SHOW_CONNECTION, {"KFQ_SEARCH_ENGINE": "elasticsearch7"}, tmp_path)
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
            "KFQ_SEARCH_ENGINE='solr' is not a search engine this archive knows; use one of: whoosh, elasticsearch7",
        ),
        (
            {"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_URL": "localhost:9200"},
            "KFQ_ELASTICSEARCH_URL must be an http:// or https:// URL",
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
        ({"KFQ_SEARCH_ENGINE": "elastic"}, "KFQ_SEARCH_ENGINE='elastic'"),
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_URL": "ftp://es:9200"}, "KFQ_ELASTICSEARCH_URL"),
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_URL": "http://:9200"}, "KFQ_ELASTICSEARCH_URL"),
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_URL": "http://es:port"}, "KFQ_ELASTICSEARCH_URL"),
        (
            {"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_INDEX": "KFQ Archive"},
            "KFQ_ELASTICSEARCH_INDEX='KFQ Archive'",
        ),
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_INDEX": "_kfq"}, "KFQ_ELASTICSEARCH_INDEX='_kfq'"),
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_TIMEOUT": "0"}, "KFQ_ELASTICSEARCH_TIMEOUT"),
        ({"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_TIMEOUT": "ten"}, "KFQ_ELASTICSEARCH_TIMEOUT"),
    ],
)
def test_every_bad_value_is_refused(tmp_path, env, said):
    with pytest.raises(ImproperlyConfigured, match=said.replace("(", r"\(").replace("?", r"\?")):
        search_engine.haystack_connections(tmp_path, env)


def test_the_error_never_shows_a_password_from_the_url(tmp_path):
    env = {"KFQ_SEARCH_ENGINE": "elasticsearch7", "KFQ_ELASTICSEARCH_URL": "ftp://kfq:s3cret@es.internal:9200"}
    with pytest.raises(ImproperlyConfigured) as raised:
        search_engine.haystack_connections(tmp_path, env)
    assert "s3cret" not in str(raised.value) and "ftp://es.internal" in str(raised.value)


# --- the Elasticsearch mapping, built from the real SearchIndex without a server ---------------------
@pytest.fixture
def es_backend():
    # The client is created without contacting the server (nothing listens on UNREACHABLE).
    return ArchiveElasticsearchBackend("default", URL=UNREACHABLE, INDEX_NAME="kfq_test")


def index_fields():
    return connections["default"].get_unified_index().all_searchfields()


def test_every_index_field_is_mapped_as_its_kind(es_backend):
    content_field, mapping = es_backend.build_schema(index_fields())
    assert content_field == "text"
    fields = ArticleIndex.fields
    assert set(fields) <= set(mapping)
    kinds = {name: getattr(field, "kfq_kind", field.field_type) for name, field in fields.items()}
    expected = {
        "words": {"type": "text", "analyzer": WORDS_ANALYZER},
        "bigram": {"type": "text", "analyzer": BIGRAM_ANALYZER},
        "exact": {"type": "keyword"},
        "date": {"type": "date"},
        "integer": {"type": "long"},
    }
    assert {name: mapping[name] for name in fields} == {name: expected[kind] for name, kind in kinds.items()}
    assert mapping["django_id"] == mapping["django_ct"] == {"type": "keyword"}


def test_facet_and_filter_fields_are_keywords_so_zone_names_count_whole(es_backend):
    _, mapping = es_backend.build_schema(index_fields())
    for fieldname, _, _ in FACETS.values():
        assert mapping[fieldname] == {"type": "keyword"}, fieldname
    for gram_field in GRAM_FIELDS.values():  # the fields phrases are matched on
        assert mapping[gram_field]["analyzer"] == BIGRAM_ANALYZER


def test_the_index_settings_define_every_analyzer_the_mapping_uses(es_backend):
    _, mapping = es_backend.build_schema(index_fields())
    analysis_settings = es_backend.DEFAULT_SETTINGS["settings"]["analysis"]
    analyzers = analysis_settings["analyzer"]
    used = {field["analyzer"] for field in mapping.values() if "analyzer" in field}
    assert used == {WORDS_ANALYZER, BIGRAM_ANALYZER}
    assert used <= set(analyzers)
    builtin_tokenizers = {"standard"}
    for name in used:
        tokenizer = analyzers[name]["tokenizer"]
        assert tokenizer in analysis_settings["tokenizer"] or tokenizer in PLUGIN_TOKENIZERS | dict.fromkeys(
            builtin_tokenizers
        )
        assert analyzers[name]["filter"] == ["lowercase"]  # both sides lowercase, as the Whoosh analyzers
    # Character bigrams with a position each, over every character, as Whoosh's BigramTokenizer.
    bigram_tokenizer = analysis_settings["tokenizer"][analyzers[BIGRAM_ANALYZER]["tokenizer"]]
    assert bigram_tokenizer == {"type": "ngram", "min_gram": 2, "max_gram": 2}
    assert analyzers[WORDS_ANALYZER]["tokenizer"] == "smartcn_tokenizer"
    assert PLUGIN_TOKENIZERS == {"smartcn_tokenizer": "analysis-smartcn"}
    # Haystack's own analyzers stay defined (ngram/edge-ngram fields would need them).
    assert {"ngram_analyzer", "edgengram_analyzer"} <= set(analyzers)
    json.dumps(es_backend.DEFAULT_SETTINGS)  # the body sent when the index is created


def test_no_mapping_carries_a_boost_elasticsearch_8_would_refuse(es_backend):
    _, mapping = es_backend.build_schema(index_fields())
    assert ArticleIndex.fields["title"].boost == 4.0  # Whoosh keeps its field boosts
    assert not [name for name, field in mapping.items() if "boost" in field]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
def test_one_bulk_request_indexes_visible_articles_and_deletes_the_rest(es_backend):
    index = connections["default"].get_unified_index().get_index(Article)
    articles = list(index.index_queryset()[:3])
    actions = es_backend.bulk_actions(index, articles, ["articles.article.999999"])
    assert actions[0] == {"_op_type": "delete", "_id": "articles.article.999999"}
    docs = actions[1:]
    assert [doc["_id"] for doc in docs] == [f"articles.article.{article.pk}" for article in articles]
    _, mapping = es_backend.build_schema(index_fields())
    for doc, article in zip(docs, articles, strict=True):
        assert set(doc) - {"_id", "id"} <= set(mapping)  # every value goes to a mapped field
        assert doc["django_id"] == str(article.pk)
        assert doc["title"] == article.title
        assert doc.get("city") == (article.city.short if article.city else None)  # empty values are left out
        assert doc.get("authors") == (article.author_names() or None)  # a list: keyword fields take several
    assert any(doc.get("authors") for doc in docs)


# --- the engine-neutral search, run for real through haystack on the Whoosh engine -----------------
def test_a_phrase_query_on_bigrams_is_its_bigrams_only():
    # Whoosh's query parser (haystack's path) must not ask for the last character alone, which is indexed
    # only at the end of a value; indexing is unchanged.
    analyzer = BigramAnalyzer()
    assert [t.text for t in analyzer("管运分离", mode="query")] == ["管运", "运分", "分离"]
    assert [t.text for t in analyzer("管运分离")] == ["管运", "运分", "分离", "离"]
    assert [t.text for t in analyzer("管", mode="query")] == ["管"]


def neutral_search(q: str, per_page: int = PER_PAGE, **kwargs):
    """The search through haystack's SearchQuerySet (the Elasticsearch engine's), on the Whoosh index."""
    return HaystackSearchEngine().search(SearchForm.of(q, **kwargs).arguments(), per_page)


def agree(q: str, **kwargs):
    native = search(q, per_page=1000, **kwargs)
    neutral = neutral_search(q, per_page=1000, **kwargs)
    assert neutral.count == native.count > 0
    assert {hit.article.pk for hit in neutral.hits} == {hit.article.pk for hit in native.hits}
    assert neutral.facets == native.facets
    assert neutral.exact_count == native.exact_count
    assert neutral.related == native.related
    assert [hit.matched for hit in sorted(neutral.hits, key=lambda h: h.article.pk)] == [
        hit.matched for hit in sorted(native.hits, key=lambda h: h.article.pk)
    ]
    return native, neutral


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestEngineNeutralSearchOnWhoosh:
    def test_a_word_with_parts_finds_the_same_articles_with_the_same_facets(self):
        native, neutral = agree("亚宝药业")
        assert neutral.exact_count == 2 and neutral.count == 3
        whole = {hit.article.pk for hit in neutral.hits if not hit.partial}
        assert whole == {hit.article.pk for hit in native.hits if not hit.partial}
        assert all("<mark>" in hit.snippet_html for hit in neutral.hits)

    def test_an_exact_phrase(self):
        _, neutral = agree('"管运分离"')
        assert neutral.count == 2
        assert all("管运分离" in hit.matched for hit in neutral.hits)

    def test_a_city_filter_alone_and_with_a_word(self):
        agree("", filters={"city": ["临汾"]})
        _, neutral = agree("开发区", filters={"city": ["临汾"]})
        assert neutral.facets["city"] == [("临汾", neutral.count)]

    def test_zone_alias_exclusion_and_author_scope(self):
        agree("长子经开区")
        agree("-太原")
        agree("王波", field="author")
        agree("临汾 OR 运城", field="title")

    def test_date_order_is_newest_first(self):
        neutral = neutral_search("开发区", sort="date", per_page=1000)
        dates = [ArticleIndex().prepare_sort_date(hit.article) for hit in neutral.hits]
        assert neutral.sort == "date" and dates == sorted(dates, reverse=True)

    def test_pages_and_a_page_past_the_end(self):
        everything = neutral_search("开发区", per_page=1000)
        first = neutral_search("开发区", per_page=3)
        second = neutral_search("开发区", per_page=3, page=2)
        assert first.count == second.count == everything.count and first.pages == -(-everything.count // 3)
        assert len(first.hits) == 3 and not {h.article.pk for h in first.hits} & {h.article.pk for h in second.hits}
        past = neutral_search("开发区", per_page=3, page=99)
        assert past.hits == [] and past.count == everything.count  # so the page can offer the last page

    def test_nothing_found_gets_the_same_suggestions(self):
        native = search("经济技术开发区", filters={"city": ["朔州"]})
        neutral = neutral_search("经济技术开发区", filters={"city": ["朔州"]})
        assert neutral.count == native.count == 0
        assert [s["text"] for s in neutral.suggestions] == [s["text"] for s in native.suggestions]
        assert neutral.suggestions

    def test_bad_parameters_are_refused_as_by_the_service(self):
        for kwargs in ({"field": "body"}, {"sort": "title"}, {"filters": {"colour": ["red"]}}, {"page": 0}):
            with pytest.raises(SearchInputError):
                neutral_search("开发区", **kwargs)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(alphabet=st.sampled_from('亚宝药业管运分离 "\\-*?:()[]{}^~/!ORNTA临汾＂'), max_size=14))
    def test_any_typed_text_gives_an_answer_never_an_error(self, q):
        result = neutral_search(q)
        assert result.count == len(result.hits) or result.count > len(result.hits) == PER_PAGE


# --- an Elasticsearch that does not answer -------------------------------------------------------
PAGES_WITH_ES_DOWN = """
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


def test_an_unreachable_elasticsearch_gives_a_503_page_in_chinese_not_a_traceback(tmp_path):
    env = {
        "KFQ_SEARCH_ENGINE": "elasticsearch7",
        "KFQ_ELASTICSEARCH_URL": UNREACHABLE,
        "DJANGO_SETTINGS_MODULE": "tests.settings",  # static files served without collectstatic
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    done = run_python(PAGES_WITH_ES_DOWN, env, tmp_path)
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
