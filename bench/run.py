"""Benchmark at archive scale: ingest, index rebuild, search latency, pages under gunicorn, save→searchable.

    .venv/bin/python bench/run.py --articles 2000                 # everything, in a temporary folder
    .venv/bin/python bench/run.py --articles 20000 --keep DIR --ingest-pages 200
    .venv/bin/python bench/run.py --reuse DIR --skip rebuild,raw-rebuild,http   # search again on DIR's data

Everything happens in a data folder of its own (a temporary one, DIR with --keep, never ./var):
migrate, a synthetic corpus (bench/make_corpus.py) ingested through the real ingest service,
``rebuild_index``, the project's own search function (the one the JSON API calls) over a fixed query
set, then gunicorn (2 workers, --preload) on 127.0.0.1 under a small bounded closed-loop client:
once as configured (rendered pages kept per process for the data version, ``KFQ_PAGE_CACHE``) and
once with that cache off, so every request is rendered; then saves through the admin over HTTP
(a staff account ``bench-editor`` is made in the data folder's database for them).

Baselines on the same data and index:

* raw Whoosh rebuild: the same prepared documents and schema into a fresh index, one writer,
  ``add_document``, one commit;
* raw Whoosh search: one searcher kept open runs, for each query, ``whoosh_engine.testing.plain_whoosh_query``: the
  same match as ours as one Whoosh query (each word an Or of bigram phrases of its forms on the
  bigram field, And across words, AndNot exclusions, facet values as a filter query; by relevance the
  same jieba word clauses score), sorted the same way, with the same six facets, top 20 stored ids.
  Its counts must equal ours (``search_count_mismatch_vs_raw`` lists any that do not);
* raw Whoosh, jieba terms (for information, not the same results): each word as the And of its jieba
  words on the ``text`` field, a phrase as a Phrase of jieba words; same filter, sort, facets;
* raw jieba: search-mode tokenisation of the same texts.

Our search is timed "cold": before each timed call the answers, word/phrase document sets, decoded
postings and folded forms kept from earlier queries are dropped (``whoosh_engine.testing.forget_answers``),
so every timed call reads its terms from the index; what is kept per index generation whatever the query (facet
values, date order, unfiltered counts) stays, as it would in a worker. "hot postings": the same with
the decoded postings of earlier queries kept (a new query made of words seen before); "warm": the
same query again (its answer kept).

``--ingest-pages K`` ingests only the first K pages with the index kept in step (the ingest
figures), and loads the rest through the same ``ingest_page`` with the index left to the rebuild
(``load_without_index_s``): for sizes where ingesting everything would take hours.

Progress goes to stderr; one JSON object is printed last on stdout. Nothing keeps running afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

T0 = time.perf_counter()
PHASES = ("rebuild", "raw-rebuild", "jieba", "search", "save", "http", "http-uncached")


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def load_average() -> float:
    """The 1-minute load average (other work on the machine skews every figure)."""
    return round(os.getloadavg()[0], 2)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def folder_bytes(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


# Query set: (name, search() keyword arguments). The author query is filled in from the data.
QUERIES = [
    ("one_word", {"q": "招商引资"}),
    ("one_word_rare", {"q": "硅酸钙板"}),
    ("two_words", {"q": "项目 建设"}),
    ("phrase", {"q": '"管运分离"'}),
    ("zone_alias", {"q": "长子经开区"}),
    ("word_and_parts", {"q": "亚宝药业"}),
    ("facets_browse_all", {"q": ""}),
    ("filter_city", {"q": "招商", "filters": {"city": ["运城"]}}),
    ("filter_year_sorted_by_date", {"q": "开发区", "filters": {"year": ["2006"]}, "sort": "date"}),
    ("author_field", {"q": None, "field": "author"}),
    # one_word within a range of printing dates (the corpus is weekly from 2005): the cost of the range
    ("one_word_date_range", {"q": "招商引资", "date_from": "2008-03", "date_to": "2010-06"}),
    # one_word in traditional characters: folded to 招商引资 (OpenCC) before it is matched, same answer.
    ("one_word_traditional", {"q": "招商引資"}),
]
# (query, the same query within a date range): timed side by side for the range's extra cost
DATE_RANGE_PAIR = ("one_word", "one_word_date_range")


def setup_django(data_dir: Path) -> None:
    os.environ["KFQ_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # SQLite in the data folder, whatever the shell says
    os.environ.pop("DJANGO_DEBUG", None)
    # The search phase asks the API more than the default 60 a minute: no rate limit unless one is set.
    os.environ.setdefault("KFQ_SEARCH_RATE", "off")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kfq_archive.settings"
    import django

    django.setup()


# --- ingest ----------------------------------------------------------------------------------
class IndexWriteTimer:
    """Times the index writes an ingest run makes (the same function, timed)."""

    def __init__(self):
        from articles.search import sync as sync_module

        self.module = sync_module
        self.original = sync_module.drain_all
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self):
        def timed_drain(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        self.module.drain_all = timed_drain
        return self

    def __exit__(self, *exc):
        self.module.drain_all = self.original


class IndexingOff:
    """Commits write nothing to the index, and the backlog they leave is dropped: the rebuild indexes
    these pages."""

    def __enter__(self):
        from articles.search import sync as sync_module

        self.module = sync_module
        self.original = sync_module._after_commit
        sync_module._after_commit = lambda article_ids: None
        return self

    def __exit__(self, *exc):
        from articles.search.models import IndexBacklog

        self.module._after_commit = self.original
        IndexBacklog.objects.all().delete()


def ingest(corpus: Path, indexed_pages: int | None) -> dict:
    """As ``manage.py ingest`` does it: one transaction per page, the index written in large batches."""
    from articles.management.commands.ingest import ManifestRow, manifest_of, page_files
    from articles.search import sync as sync_module
    from articles.services.ingest import CREATED, ingest_page

    files = page_files([corpus])
    manifest = manifest_of(corpus)
    indexed_pages = len(files) if indexed_pages is None else min(indexed_pages, len(files))

    def one(file: Path) -> tuple[int, int]:
        hints = manifest.get(file.name, ManifestRow())
        result = ingest_page(file.read_bytes(), file.name, **hints.ingest_kwargs())
        return result.status == CREATED, result.articles

    articles = created = 0
    rates = []  # pages/s over each run of 100 pages: does ingest slow down as the index grows?
    load = load_average()
    with IndexWriteTimer() as timer:
        started = chunk_started = time.perf_counter()
        with sync_module.deferred_indexing():
            for number, file in enumerate(files[:indexed_pages], start=1):
                new, count = one(file)
                created += new
                articles += count
                if number % 100 == 0:
                    rates.append(round(100 / (time.perf_counter() - chunk_started), 2))
                    chunk_started = time.perf_counter()
                    log(f"  ingested {number}/{indexed_pages} pages, {articles} articles ({rates[-1]} pages/s lately)")
        elapsed = time.perf_counter() - started
    out = {
        "pages": len(files),
        "ingest_measured_pages": indexed_pages,
        "ingest_measured_articles": articles,
        "ingest_s": round(elapsed, 2),
        "ingest_pages_per_s": round(indexed_pages / elapsed, 2) if elapsed else None,
        "ingest_articles_per_s": round(articles / elapsed, 2) if elapsed else None,
        "ingest_index_write_s": round(timer.seconds, 2),
        "ingest_index_write_share": round(timer.seconds / elapsed, 3) if elapsed else None,
        "ingest_pages_per_s_by_100_pages": rates,
        "ingest_load_average": load,
    }
    if indexed_pages < len(files):
        log(f"  loading the other {len(files) - indexed_pages} pages without the index (the rebuild indexes them)")
        started = time.perf_counter()
        with IndexingOff():
            for number, file in enumerate(files[indexed_pages:], start=1):
                new, count = one(file)
                created += new
                articles += count
                if number % 1000 == 0:
                    log(f"  loaded {number}/{len(files) - indexed_pages} pages")
        out["load_without_index_s"] = round(time.perf_counter() - started, 2)
    out["pages_created"] = created
    out["articles_ingested"] = articles
    return out


def index_facts(path: Path) -> dict:
    segments = len(list(path.glob("*.seg"))) + len(list(path.glob("*.trm")))
    return {"bytes": folder_bytes(path), "segments": segments}


# --- rebuild and its baselines ---------------------------------------------------------------
def prepared_documents() -> tuple[list[dict], float]:
    from haystack import connections

    from articles.models import Article

    connection = connections["default"]
    backend = connection.get_backend()
    index = connection.get_unified_index().get_index(Article)
    started = time.perf_counter()
    docs = [doc for doc in (backend.document(index, a) for a in index.index_queryset().order_by("pk")) if doc]
    return docs, time.perf_counter() - started


def raw_whoosh_rebuild(docs: list[dict], folder: Path) -> float:
    """The same documents and schema into a fresh index: one writer, add_document, one commit."""
    from haystack import connections
    from whoosh import index as whoosh_index

    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ix = whoosh_index.create_in(str(folder), backend.schema, indexname="MAIN")
    writer = ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return time.perf_counter() - started


def analysis_costs(docs: list[dict]) -> dict:
    """Raw jieba (search mode, the archive's dictionary) over the word fields; the analyzers per field kind."""
    from haystack import connections

    from articles.search import analysis

    seg = analysis.segmenter()
    word_fields = ("text", "title", "headings")
    chars = sum(len(doc.get("text") or "") for doc in docs)
    started = time.perf_counter()
    for doc in docs:
        for _ in seg.tokenize(doc.get("text") or "", mode="search"):
            pass
    jieba_text = time.perf_counter() - started
    started = time.perf_counter()
    for doc in docs:
        for name in word_fields:
            for _ in seg.tokenize(doc.get(name) or "", mode="search"):
                pass
    jieba_all = time.perf_counter() - started
    schema = connections["default"].get_backend().schema
    per_kind: Counter = Counter()
    for doc in docs:
        for name, value in doc.items():
            field = schema[name] if name in schema else None
            analyzer = getattr(field, "analyzer", None)
            if not value or analyzer is None or not isinstance(value, str):
                continue
            kind = "jieba" if name in word_fields else ("bigram" if name.endswith("_grams") else "other")
            started = time.perf_counter()
            for _ in analyzer(value, positions=True, chars=True):
                pass
            per_kind[kind] += time.perf_counter() - started
    return {
        "corpus_chars": chars,
        "jieba_text_s": round(jieba_text, 2),
        "jieba_word_fields_s": round(jieba_all, 2),
        "jieba_chars_per_s": round(chars / jieba_text) if jieba_text else None,
        "analyzer_jieba_fields_s": round(per_kind["jieba"], 2),
        "analyzer_bigram_fields_s": round(per_kind["bigram"], 2),
    }


# --- search ----------------------------------------------------------------------------------
def query_set() -> list[tuple[str, dict]]:
    from django.db.models import Count

    from articles.models import Author

    top = Author.objects.annotate(n=Count("authorships")).order_by("-n", "name").first()
    queries = []
    for name, kwargs in QUERIES:
        kwargs = dict(kwargs)
        if kwargs.get("q") is None:
            kwargs["q"] = top.name if top else "王波"
        queries.append((name, kwargs))
    return queries


def time_ours(queries, reps: int, *, cold: bool, keep_postings: bool = False) -> dict:
    """``cold``: before each call, drop what earlier queries left (answers, document sets and, unless
    ``keep_postings``, the decoded postings of their terms); otherwise repeat with everything kept."""
    from articles.search import search
    from articles.search.whoosh_engine import testing

    per_query: dict[str, list[float]] = {}
    counts = {}
    for name, kwargs in queries:
        for _ in range(2):  # warm what lives per process and generation (dictionary, searcher, zone names)
            result = search(**kwargs)
        counts[name] = result.count
        times = []
        for _ in range(reps):
            if cold:
                postings = testing.kept_postings() if keep_postings else None
                testing.forget_answers()
                if postings:
                    testing.restore_postings(postings)
            started = time.perf_counter()
            search(**kwargs)
            times.append((time.perf_counter() - started) * 1000)
        per_query[name] = times
    return {"per_query": per_query, "counts": counts}


def api_params(kwargs: dict) -> dict:
    params: dict = {"q": kwargs["q"]}
    if kwargs.get("field"):
        params["field"] = kwargs["field"]
    if kwargs.get("sort"):
        params["sort"] = kwargs["sort"]
    for name in ("date_from", "date_to"):
        if kwargs.get(name):
            params[name] = kwargs[name]
    for name, values in (kwargs.get("filters") or {}).items():
        params[name] = values
    return params


def printing_days(kwargs: dict):
    """The date range of a query's keyword arguments, as the search reads it (None without one)."""
    from articles.search import SearchForm

    return SearchForm.of(date_from=kwargs.get("date_from", ""), date_to=kwargs.get("date_to", "")).arguments().dates


def time_api(queries, reps: int) -> list[float]:
    from django.test import Client

    from articles.search.whoosh_engine import testing

    client = Client(HTTP_HOST="127.0.0.1")
    times = []
    for _, kwargs in queries:
        params = api_params(kwargs)
        for _ in range(2):
            assert client.get("/api/v1/search/", params).status_code == 200
        for _ in range(reps):
            testing.forget_answers()
            started = time.perf_counter()
            client.get("/api/v1/search/", params)
            times.append((time.perf_counter() - started) * 1000)
    return times


def facet_groups() -> dict:
    from whoosh import sorting

    from articles.search import FACETS

    return {
        key: sorting.FieldFacet(fieldname, allow_overlap=multi, maptype=sorting.Count)
        for key, (fieldname, _, multi) in FACETS.items()
    }


def jieba_terms_query(kwargs: dict):
    """The query a plain jieba-word index would run (not our matching): each word, quoted or not, the And
    of its jieba words on ``text`` (the title field for title, authors for author; the word fields
    keep no positions)."""
    from whoosh import sorting
    from whoosh.query import And, AndNot, Every, Or, Term

    from articles.search import FACETS, analysis
    from articles.search.query import parse as parse_query
    from articles.search.whoosh_engine.testing import date_range_query

    parsed = parse_query(kwargs["q"])
    fieldname = {"all": "text", "title": "title", "author": "authors"}[kwargs.get("field", "all")]

    def clause(term):
        if fieldname == "authors":
            return Term("authors", term.text)
        words = analysis.words(term.text) or [term.text.lower()]
        return And([Term(fieldname, word) for word in words]) if len(words) > 1 else Term(fieldname, words[0])

    groups = [Or([clause(term) for term in group]) for group in parsed.groups]
    query = And(groups) if groups else Every()
    if parsed.excluded:
        query = AndNot(query, Or([clause(term) for term in parsed.excluded]))
    values = [Term(FACETS[n][0], v) for n, vals in (kwargs.get("filters") or {}).items() for v in vals]
    dates = printing_days(kwargs)
    if dates is not None:
        values.append(date_range_query(dates))
    sortedby = None
    if kwargs.get("sort") == "date" or not parsed.groups:
        sortedby = sorting.MultiFacet([sorting.FieldFacet("sort_date", reverse=True), sorting.FieldFacet("sort_seq")])
    return query, (And(values) if values else None), sortedby


def time_raw_whoosh(queries, reps: int, *, jieba_terms: bool = False) -> dict:
    """One searcher kept open; per query: Whoosh evaluates the query, counts, six facets, top 20 ids."""
    from whoosh import index as whoosh_index

    from articles.search import FACETS
    from articles.search.whoosh_engine.internals.searcher import index_path
    from articles.search.whoosh_engine.testing import plain_whoosh_query

    searcher = whoosh_index.open_dir(str(index_path()), indexname="MAIN").searcher()
    per_query: dict[str, list[float]] = {}
    counts = {}
    try:
        for name, kwargs in queries:
            if jieba_terms:
                query, filter_query, sortedby = jieba_terms_query(kwargs)
            else:
                query, filter_query, sortedby = plain_whoosh_query(
                    searcher,
                    kwargs["q"],
                    field=kwargs.get("field", "all"),
                    filters=kwargs.get("filters"),
                    sort=kwargs.get("sort", "relevance"),
                    dates=printing_days(kwargs),
                )

            def run(query=query, filter_query=filter_query, sortedby=sortedby):
                results = searcher.search(
                    query, filter=filter_query, limit=20, sortedby=sortedby, groupedby=facet_groups()
                )
                total = len(results)
                facets = {key: results.groups(key) for key in FACETS}
                ids = [hit["django_id"] for hit in results]
                return total, facets, ids

            for _ in range(2):
                total, _, _ = run()
            counts[name] = total
            times = []
            for _ in range(reps):
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
            per_query[name] = times
    finally:
        searcher.close()
    return {"per_query": per_query, "counts": counts}


def summary(per_query: dict[str, list[float]]) -> dict:
    pooled = [t for times in per_query.values() for t in times]
    return {
        "p50": round(percentile(pooled, 50), 2),
        "p95": round(percentile(pooled, 95), 2),
        "p99": round(percentile(pooled, 99), 2),
        "per_query_p50": {name: round(statistics.median(times), 2) for name, times in per_query.items()},
        "per_query_p95": {name: round(percentile(times, 95), 2) for name, times in per_query.items()},
    }


def search_phase(queries, reps: int) -> dict:
    load = load_average()
    ours = time_ours(queries, reps, cold=True)
    hot = time_ours(queries, reps, cold=True, keep_postings=True)
    warm = time_ours(queries, reps, cold=False)
    raw = time_raw_whoosh(queries, reps)
    jieba = time_raw_whoosh(queries, reps, jieba_terms=True)
    mismatched = {name for name in ours["counts"] if ours["counts"][name] != raw["counts"][name]}
    ours_s, hot_s, warm_s, raw_s, jieba_s = (summary(x["per_query"]) for x in (ours, hot, warm, raw, jieba))
    api_times = time_api(queries, max(3, reps // 3))
    without, within = DATE_RANGE_PAIR
    date_range = {}
    if without in ours["per_query"] and within in ours["per_query"]:
        date_range = {"queries": [without, within]} | {
            f"{timing}_{kind}_p{pct}_ms": round(percentile(times["per_query"][name], pct), 2)
            for timing, times in (("cold", ours), ("hot", hot), ("warm", warm))
            for name, kind in ((without, "without_range"), (within, "with_range"))
            for pct in (50, 95)
        }
    return {
        "search_p50_ms": ours_s["p50"],
        "search_p95_ms": ours_s["p95"],
        "search_p99_ms": ours_s["p99"],
        "search_p50_raw_whoosh_ms": raw_s["p50"],
        "search_p95_raw_whoosh_ms": raw_s["p95"],
        "search_p99_raw_whoosh_ms": raw_s["p99"],
        "search_p95_ratio": round(ours_s["p95"] / raw_s["p95"], 2),
        "search_hot_postings_p50_ms": hot_s["p50"],
        "search_hot_postings_p95_ms": hot_s["p95"],
        "search_warm_p50_ms": warm_s["p50"],
        "search_warm_p95_ms": warm_s["p95"],
        "search_p95_raw_whoosh_jieba_terms_ms": jieba_s["p95"],
        "search_p95_ratio_to_jieba_terms": round(ours_s["p95"] / jieba_s["p95"], 2),
        "api_p50_ms": round(percentile(api_times, 50), 2),
        "api_p95_ms": round(percentile(api_times, 95), 2),
        "search_per_query_p50_ms": ours_s["per_query_p50"],
        "date_range_cost": date_range,
        "search_per_query_p95_ms": ours_s["per_query_p95"],
        "raw_whoosh_per_query_p50_ms": raw_s["per_query_p50"],
        "raw_whoosh_jieba_terms_per_query_p50_ms": jieba_s["per_query_p50"],
        "search_counts": ours["counts"],
        "search_count_mismatch_vs_raw": sorted(mismatched),
        "raw_whoosh_jieba_terms_counts": jieba["counts"],
        "queries": {name: kwargs for name, kwargs in queries},
        "search_load_average": load,
    }


def save_in_process(article, title: str) -> float:
    """An editor's save as a script makes it: the ORM in a transaction (its commit writes the index).
    Returns when the save started (``time.perf_counter``)."""
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        article.title = title
        article.save()
    return started


def save_to_searchable(find, reps: int = 5, save=save_in_process, distinct: bool = False) -> list[float]:
    """Give an article a new title with ``save(article, title)``, then ask ``find`` until the new title is
    found; milliseconds from when the save started (what ``save`` returns). The same article each time,
    or with ``distinct`` a different one each time (every save's segment stays live: small segments
    pile up and are merged)."""
    from articles.models import Article
    from articles.search import analysis

    analysis.segmenter()  # the saving process's jieba dictionary, as in a gunicorn worker (--preload)
    visible = Article.objects.visible().order_by("pk")
    middle = visible.count() // 2
    articles = list(visible[middle : middle + (reps if distinct else 1)])
    originals = {article.pk: article.title for article in articles}
    marks = "甲乙丙丁戊己庚辛壬癸"
    times = []
    try:
        for rep in range(reps):
            article = articles[rep % len(articles)]
            token = f"测速{marks[rep % 10]}{marks[(rep // 10) % 10]}标记"
            started = save(article, f"{token} {originals[article.pk]}")
            while not find(token, article.pk):
                if time.perf_counter() - started > 20:
                    times.append(float("inf"))
                    break
                time.sleep(0.002)
            else:
                times.append((time.perf_counter() - started) * 1000)
    finally:
        for article in articles:
            save_in_process(article, originals[article.pk])
    return times


def found_in_process(token: str, pk: int) -> bool:
    from articles.search import search

    return any(hit.article.pk == pk for hit in search(token).hits)


# --- gunicorn --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 30.0, headers: dict | None = None) -> tuple[int, bytes]:
    status, body, _ = request(port, path, timeout, headers)
    return status, body


def request(
    port: int,
    path: str,
    timeout: float = 30.0,
    headers: dict | None = None,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[int, bytes, http.client.HTTPMessage]:
    """One request on a connection of its own: (status, body, response headers; ``get_all`` gives a
    repeated header such as ``Set-Cookie``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory_mb(pid: int) -> dict:
    """Resident (RSS), proportional (PSS: shared pages split between the processes sharing them) and
    private memory of a process, from /proc/PID/smaps_rollup."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            fields[name] = int(rest.split()[0]) / 1024
    except OSError:
        return {}
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": round(fields.get("Rss", 0), 1), "pss": round(fields.get("Pss", 0), 1), "private": round(private, 1)}


def load(
    port: int, paths: list[str], concurrency: int, max_requests: int, max_seconds: float, etags: dict | None = None
) -> dict:
    """A bounded closed-loop load: ``concurrency`` clients, each sends its next request when the last
    one is answered; stops after ``max_requests`` requests or ``max_seconds``. Plain GETs, or with
    ``etags`` conditional GETs (If-None-Match: a browser revalidating what it has; 304 counts as
    answered)."""
    lock = threading.Lock()
    state = {"next": 0}
    latencies: list[float] = []
    statuses: Counter = Counter()
    deadline = time.perf_counter() + max_seconds

    def client():
        while True:
            with lock:
                index = state["next"]
                if index >= max_requests or time.perf_counter() > deadline:
                    return
                state["next"] += 1
            path = paths[index % len(paths)]
            headers = {"If-None-Match": etags[path]} if etags and path in etags else None
            started = time.perf_counter()
            try:
                status, _ = get(port, path, headers=headers)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1

    cpu_before = time.process_time()
    load_before = load_average()
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": round(wall, 2),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "non_200": sum(count for status, count in statuses.items() if status not in (200, 304)),
        "not_modified": statuses.get(304, 0),
        "client_cpu_share": round((time.process_time() - cpu_before) / wall, 2),
        "load_average_before": load_before,
    }


class AdminEditor:
    """An editor's browser on the admin of the server at ``port``: logged in (a session made here for a
    staff account of the benchmark's own), it opens an article's change form and saves it with a new
    title, as the 保存 button does (the form as rendered, with its CSRF token)."""

    USERNAME = "bench-editor"

    def __init__(self, port: int):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        user, _ = get_user_model().objects.get_or_create(
            username=self.USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client()
        client.force_login(user)
        self.port = port
        self.cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        self.response_ms: list[float] = []  # each save's POST until its redirect came back

    def _send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        from http.cookies import SimpleCookie

        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie, **(headers or {})}
        status, content, answer = request(self.port, path, headers=headers, method=method, body=body)
        for header in answer.get_all("Set-Cookie") or []:
            self.cookies.update((name, morsel.value) for name, morsel in SimpleCookie(header).items())
        return status, content

    def save(self, article, title: str) -> float:
        """Open the change form, then save it (returns when 保存 was pressed, ``time.perf_counter``)."""
        from bench.admin_form import form_fields, with_value

        path = f"/admin/articles/article/{article.pk}/change/"
        status, page = self._send("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        fields = with_value(form_fields(page.decode(), "article_form"), "title", title)
        started = time.perf_counter()
        body = urllib.parse.urlencode(fields).encode()
        status, _ = self._send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        self.response_ms.append((time.perf_counter() - started) * 1000)
        if status != 302:
            raise RuntimeError(f"POST {path}: {status} (the admin did not accept the form)")
        return started


def gunicorn_phase(data_dir: Path, queries, args, *, page_cache: str | None = None, edits: bool = True) -> dict:
    """gunicorn with 2 workers (--preload) under load: article pages, search pages, the JSON API, article
    pages revalidated (If-None-Match); worker memory; with ``edits``, save→searchable over HTTP.
    ``page_cache``: KFQ_PAGE_CACHE for the server (None: its default)."""
    import random

    from articles.models import Article

    port = free_port()
    env = {**os.environ, "KFQ_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "kfq_archive.settings"}
    if page_cache is not None:
        env["KFQ_PAGE_CACHE"] = page_cache
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "kfq_archive.wsgi",
        "--preload",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    log_file = open(data_dir / "gunicorn.log", "w")  # closed in finally
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=log_file, start_new_session=True)
    out: dict = {"port": port}
    try:
        ready = time.perf_counter()
        while True:
            try:
                if get(port, "/robots.txt", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.perf_counter() - ready > 120:
                raise RuntimeError(f"gunicorn did not start; see {data_dir / 'gunicorn.log'}")
            time.sleep(0.1)
        out["startup_s"] = round(time.perf_counter() - ready, 2)
        workers = children(process.pid)
        log(f"  gunicorn pid {process.pid}, workers {workers}, port {port}")
        out["rss_after_start_mb"] = [round(rss_mb(pid), 1) for pid in workers]
        out["master_rss_after_start_mb"] = round(rss_mb(process.pid), 1)

        rng = random.Random(args.seed)
        pks = list(Article.objects.visible().values_list("pk", flat=True))
        article_paths = [f"/articles/{pk}/" for pk in rng.sample(pks, min(len(pks), 500))]
        search_paths = []
        api_paths = []
        for _, kwargs in queries:
            query = urllib.parse.urlencode(api_params(kwargs), doseq=True)
            search_paths.append(f"/search/?{query}")
            api_paths.append(f"/api/v1/search/?{query}")
        # First search in each worker (the jieba dictionary should have been loaded before the fork).
        cold = []
        for _ in range(len(workers)):
            started = time.perf_counter()
            get(port, search_paths[0])
            cold.append(round((time.perf_counter() - started) * 1000, 1))
        out["first_search_ms"] = cold
        for path in article_paths[:20] + search_paths * 2 + api_paths * 2:  # warm both workers
            get(port, path)

        phases = [("article", article_paths, None), ("search", search_paths, None), ("api", api_paths, None)]
        for name, paths, etags in phases:
            log(f"  load: {name}, {args.concurrency} clients, ≤{args.max_requests} requests, ≤{args.load_seconds}s")
            out[name] = load(port, paths, args.concurrency, args.max_requests, args.load_seconds, etags)
            log(f"    {out[name]}")
        etags = {path: request(port, path)[2].get("ETag") for path in article_paths}
        etags = {path: tag for path, tag in etags.items() if tag}
        if etags:
            log("  load: article pages revalidated (If-None-Match)")
            out["article_revalidated"] = load(
                port, article_paths, args.concurrency, args.max_requests, args.load_seconds, etags
            )
            log(f"    {out['article_revalidated']}")
        out["worker_rss_mb"] = [round(rss_mb(pid), 1) for pid in workers]
        out["worker_memory_mb"] = [memory_mb(pid) for pid in workers]
        out["master_rss_mb"] = round(rss_mb(process.pid), 1)

        def found_over_http(token: str, pk: int) -> bool:
            status, body = get(port, "/api/v1/search/?" + urllib.parse.urlencode({"q": token}))
            return status == 200 and any(hit["id"] == pk for hit in json.loads(body)["results"])

        if edits:
            orm_times = save_to_searchable(found_over_http, args.saves)
            out["save_to_searchable_http_ms"] = [round(t, 1) for t in orm_times]
            editor = AdminEditor(port)
            admin_times = save_to_searchable(found_over_http, args.saves, save=editor.save)
            out["admin_save_to_searchable_ms"] = [round(t, 1) for t in admin_times]
            out["admin_save_response_ms"] = [round(t, 1) for t in editor.response_ms]
            editor.response_ms = []
            distinct_times = save_to_searchable(found_over_http, args.saves, save=editor.save, distinct=True)
            out["admin_save_distinct_to_searchable_ms"] = [round(t, 1) for t in distinct_times]
            out["admin_save_distinct_response_ms"] = [round(t, 1) for t in editor.response_ms]
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        log_file.close()
        log(f"  gunicorn stopped (exit {process.returncode})")
    return out


# --- main ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, help="corpus size (required unless --reuse)")
    parser.add_argument("--keep", type=Path, help="use this (new or empty) folder as the data folder and keep it")
    parser.add_argument("--reuse", type=Path, help="a folder kept by an earlier run: skip corpus and ingest")
    parser.add_argument("--corpus", type=Path, help="ingest this corpus folder instead of generating one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--ingest-pages",
        type=int,
        help="ingest (and time) only this many pages with the index "
        "in step; load the rest without it (the rebuild indexes them)",
    )
    parser.add_argument("--skip", default="", help=f"comma-separated phases to skip: {', '.join(PHASES)}")
    parser.add_argument("--reps", type=int, default=30, help="timed runs of each query")
    parser.add_argument("--saves", type=int, default=10, help="timed saves of each kind (in process, ORM, admin)")
    parser.add_argument("--concurrency", type=int, default=4, help="HTTP clients")
    parser.add_argument("--max-requests", type=int, default=3000, help="per load phase")
    parser.add_argument("--load-seconds", type=float, default=20.0, help="per load phase")
    parser.add_argument("--no-http", action="store_true", help="same as --skip http,http-uncached")
    args = parser.parse_args(argv)
    args.skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    if args.no_http:
        args.skip |= {"http", "http-uncached"}
    unknown = args.skip - set(PHASES)
    if unknown:
        parser.error(f"--skip: unknown phases {sorted(unknown)}; known: {', '.join(PHASES)}")
    if args.reuse and args.keep:
        parser.error("--reuse and --keep exclude each other (a reused folder is kept)")
    if not args.reuse and not args.articles:
        parser.error("--articles is required (unless --reuse)")
    if args.ingest_pages is not None and "rebuild" in args.skip and not args.reuse:
        parser.error("--ingest-pages leaves pages for the rebuild to index: do not skip it")

    if args.reuse:
        data_dir = args.reuse.resolve()
        if not (data_dir / "kfq.sqlite3").exists():
            parser.error(f"--reuse {data_dir}: no kfq.sqlite3 there")
    elif args.keep:
        data_dir = args.keep.resolve()
        if data_dir.exists() and any(data_dir.iterdir()):
            parser.error(f"--keep {data_dir}: the folder must be new or empty")
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="kfq-bench-")).resolve()
    var = (ROOT / "var").resolve()
    if data_dir == var or var in data_dir.parents:
        parser.error("the benchmark never uses ./var")
    data_dir.mkdir(parents=True, exist_ok=True)
    log(f"data folder {data_dir}")
    try:
        figures = run(data_dir, args)
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.keep or args.reuse:
        (data_dir / "results.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def code_version() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "articles", "kfq_archive"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes in articles/ or kfq_archive/" if dirty else "")


def run(data_dir: Path, args) -> dict:
    setup_django(data_dir)
    from django.core.management import call_command

    # Import everything the run uses now: one code version for the whole run, even if files change.
    import articles.search.views
    import articles.search.whoosh_engine.testing
    import articles.views  # noqa: F401
    from bench.make_corpus import make_corpus

    figures: dict = {
        "articles": args.articles,
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "code": code_version(),
        "load_average_at_start": load_average(),
        "skipped": sorted(args.skip),
    }
    if args.reuse:
        figures["reused_data_folder"] = str(data_dir)
        call_command("migrate", interactive=False, verbosity=0)
    else:
        corpus = args.corpus
        if corpus is None:
            corpus = data_dir / "corpus"
            started = time.perf_counter()
            make_corpus(corpus, articles=args.articles, seed=args.seed)
            log(f"corpus: {args.articles} articles in {time.perf_counter() - started:.1f}s")
        figures["corpus_bytes"] = folder_bytes(corpus)
        call_command("migrate", interactive=False, verbosity=0)
        log("migrated; ingesting (a transaction per page; the index written in batches, as manage.py ingest does)")
        figures.update(ingest(corpus, args.ingest_pages))
        log(f"ingest: {figures['ingest_s']}s, {figures['ingest_articles_per_s']} articles/s")
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render with the manifest storage

    from articles.models import Article
    from articles.search.whoosh_engine.internals.searcher import index_path

    figures["articles"] = Article.objects.visible().count()
    figures["index_segments_before_rebuild"] = index_facts(index_path())["segments"]

    if "rebuild" not in args.skip:
        log("rebuild_index")
        figures["rebuild_load_average"] = load_average()
        started = time.perf_counter()
        call_command("rebuild_index", interactive=False, verbosity=0)
        figures["rebuild_s"] = round(time.perf_counter() - started, 2)
        facts = index_facts(index_path())
        figures["index_mb"] = round(facts["bytes"] / 2**20, 1)
        figures["index_segments_after_rebuild"] = facts["segments"]
        log(f"rebuild: {figures['rebuild_s']}s, {figures['index_mb']} MB")

    if not {"raw-rebuild", "jieba"} <= args.skip:
        docs, prepare_s = prepared_documents()
        figures["prepare_docs_s"] = round(prepare_s, 2)
        if "raw-rebuild" not in args.skip:
            figures["raw_rebuild_load_average"] = load_average()
            raw_s = raw_whoosh_rebuild(docs, data_dir / "raw_whoosh")
            figures["rebuild_raw_whoosh_s"] = round(raw_s, 2)
            figures["raw_whoosh_index_mb"] = round(folder_bytes(data_dir / "raw_whoosh") / 2**20, 1)
            shutil.rmtree(data_dir / "raw_whoosh", ignore_errors=True)
            if "rebuild_s" in figures:
                figures["rebuild_ratio"] = round(figures["rebuild_s"] / raw_s, 2)
            log(f"raw whoosh single writer: {raw_s:.2f}s (documents prepared in {prepare_s:.2f}s)")
        if "jieba" not in args.skip:
            costs = analysis_costs(docs)
            figures.update(costs)
            if "rebuild_s" in figures:
                figures["rebuild_over_jieba_ratio"] = round(figures["rebuild_s"] / costs["jieba_word_fields_s"], 2)
            log(f"analysis: {costs}")
        del docs

    queries = query_set()
    if "search" not in args.skip:
        log(f"search: {len(queries)} queries × {args.reps}")
        figures.update(search_phase(queries, args.reps))
        log(
            f"search p95 {figures['search_p95_ms']} ms (warm {figures['search_warm_p95_ms']}) vs raw whoosh "
            f"{figures['search_p95_raw_whoosh_ms']} ms, jieba terms {figures['search_p95_raw_whoosh_jieba_terms_ms']}"
        )

    if "save" not in args.skip:
        times = save_to_searchable(found_in_process, args.saves)
        figures["save_to_searchable_ms"] = round(statistics.median(times), 1)
        figures["save_to_searchable_all_ms"] = [round(t, 1) for t in times]
        log(f"save→searchable (in process): {figures['save_to_searchable_all_ms']}")

    if "http" not in args.skip:
        log("gunicorn, 2 workers, --preload")
        figures["http_load_average"] = load_average()
        http_figures = gunicorn_phase(data_dir, queries, args)
        figures.update(
            {
                "article_rps": http_figures["article"]["rps"],
                "search_rps": http_figures["search"]["rps"],
                "api_rps": http_figures["api"]["rps"],
                "article_revalidated_rps": http_figures.get("article_revalidated", {}).get("rps"),
                "worker_rss_mb": max(http_figures["worker_rss_mb"]),
                "worker_private_mb": max((m.get("private", 0) for m in http_figures["worker_memory_mb"]), default=None),
                "save_to_searchable_http_ms": round(statistics.median(http_figures["save_to_searchable_http_ms"]), 1),
                "admin_save_to_searchable_ms": round(statistics.median(http_figures["admin_save_to_searchable_ms"]), 1),
                "admin_save_to_searchable_max_ms": max(http_figures["admin_save_to_searchable_ms"]),
                "admin_save_distinct_to_searchable_ms": round(
                    statistics.median(http_figures["admin_save_distinct_to_searchable_ms"]), 1
                ),
                "admin_save_distinct_to_searchable_max_ms": max(http_figures["admin_save_distinct_to_searchable_ms"]),
                "http": http_figures,
            }
        )
    if "http-uncached" not in args.skip:
        log("gunicorn again without the page cache (KFQ_PAGE_CACHE=0): every page rendered")
        uncached = gunicorn_phase(data_dir, queries, args, page_cache="0", edits=False)
        figures.update(
            {
                "article_rps_no_page_cache": uncached["article"]["rps"],
                "search_rps_no_page_cache": uncached["search"]["rps"],
                "api_rps_no_page_cache": uncached["api"]["rps"],
                "http_no_page_cache": uncached,
            }
        )
    figures["targets"] = targets(figures)
    figures["load_average_at_end"] = load_average()
    figures["wall_s"] = round(time.perf_counter() - T0, 1)
    return figures


def targets(f: dict) -> dict:
    """The issue's targets, met or not (None when not measured)."""

    def check(key, ok):
        return None if f.get(key) is None else bool(ok(f[key]))

    return {
        "rebuild_ratio<=1.2": check("rebuild_ratio", lambda v: v <= 1.2),
        "search_p95_ratio<=1.3": check("search_p95_ratio", lambda v: v <= 1.3),
        "save_to_searchable_ms<200": check("save_to_searchable_ms", lambda v: v < 200),
        "article_rps>=150": check("article_rps", lambda v: v >= 150),
        "search_rps>=40": check("search_rps", lambda v: v >= 40),
        "search_p95_ms<200_at_100k": check("search_p95_ms", lambda v: v < 200) if f["articles"] >= 100_000 else None,
    }


if __name__ == "__main__":
    sys.exit(main())
