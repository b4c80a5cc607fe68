"""The scale-out engine: an OpenSearch cluster, through the opensearch-py client (README, “Scale-out”).

articles/search_indexes.py stays the one definition of what is indexed; the ``kfq_kind`` of each field
(articles/search/fields.py) says how OpenSearch stores it, as ``backend.ArchiveWhooshBackend`` does for
Whoosh:

* ``words`` and ``bigram``: text analysed by OpenSearch's own CJK analysis (``kfq_cjk``: the standard
  tokenizer, ``cjk_width``, ``lowercase``, ``cjk_bigram``), which needs no plugin: Chinese runs become
  overlapping character bigrams with positions, so a phrase query on a bigram field is an exact-substring
  test as in Whoosh (a phrase never spans punctuation or a line break);
* ``exact``: keyword, so facets count 朔州经济开发区 whole; dates: date; integers: long (date order).

OpenSearch has no OpenCC: the text of ``words`` and ``bigram`` fields is folded here before it is sent
(``folding.fold``: traditional → simplified, full-width → half-width), as every query form is
(``normalise``), and each document carries the ``ANALYSIS`` mark; every search counts, in the same
request, the documents without it (written before the folding), and readers are told until
``rebuild_index`` rewrites them.

The reader's search is written in OpenSearch's query language from the same query plan as the Whoosh
engine's (``planning``): each typed word or phrase, or one of its forms (a zone's other names, the
distinctive parts of a split word), must occur as a phrase on the bigram field of the scope; ``-word``
excludes whole forms only; facet filters are keyword terms; a date range is a range on ``date`` or, for
an article known only by its year, on ``year`` (``dates``); facets are terms aggregations over all results
and the months a date histogram, in the same request (with a date range, one count request more: the
articles of unknown date for it). Haystack keeps its part for the other commands (``clear_index``,
``update_index`` without ``--remove``) and the health check's count; searches never go through its
query strings.

What differs from the Whoosh engine: relevance is OpenSearch's score of the phrase clauses (a match in
the title adds a clause of its own), not jieba-word BM25F with boosts for whole forms; each facet lists at
most FACET_LIMIT values; results past MAX_RESULT_WINDOW are counted but not listed; answers are not cached
in the process. Requests that fail (server down, unreachable, refusing) raise SearchUnavailable (a 503
for readers).
"""

from __future__ import annotations

import datetime
import time

from django.db import transaction
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery
from haystack.constants import ID
from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, OpenSearchException, RequestError

from . import analysis, planning
from .backlog import chunks, forget_rows, identifier, take_rows
from .contract import FACETS, GRAM_FIELDS, Matches, QueryPlan, SearchUnavailable, SyncResult, TermPlan, normalise
from .contract import sorted_facet as _sorted_facet
from .dates import DateRange
from .engine import SearchEngine
from .fields import prepared
from .folding import ANALYSIS, ANALYSIS_FIELD, fold

ANALYZER = "kfq_cjk"
FACET_LIMIT = 500  # values per facet (OpenSearch counts the top ones only)
MAX_RESULT_WINDOW = 10_000  # OpenSearch's index.max_result_window: from + size beyond it is refused
NAMES_TTL = 60.0  # seconds: how stale zone names and the word dictionary may get (other processes ingest)
DATE_ORDER = [{"sort_date": {"order": "desc"}}, {"sort_seq": {"order": "asc"}}]  # newest issue, page, position
# Results per month of printing (articles known to the day).
MONTHS_AGG = {
    "date_histogram": {"field": "date", "calendar_interval": "month", "format": "yyyy-MM", "min_doc_count": 1}
}
NO_DAY = {"bool": {"must_not": [{"exists": {"field": "date"}}]}}
REBUILD_CHUNK = 500  # articles per bulk request in rebuild_index


def index_settings() -> dict:
    """The analysis the mapping uses: OpenSearch's built-in CJK parts, no plugin."""
    return {
        "analysis": {
            "analyzer": {
                ANALYZER: {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "lowercase", "cjk_bigram"],
                }
            }
        }
    }


def field_mapping(field) -> dict:
    kind = getattr(field, "kfq_kind", None)
    if kind in ("words", "bigram"):
        return {"type": "text", "analyzer": ANALYZER}
    if kind == "exact":
        return {"type": "keyword"}
    if field.field_type in ("date", "datetime"):
        return {"type": "date"}
    if field.field_type == "integer":
        return {"type": "long"}
    if field.field_type == "float":
        return {"type": "double"}
    if field.field_type == "boolean":
        return {"type": "boolean"}
    return {"type": "text", "analyzer": ANALYZER}


def mapping(fields) -> dict:
    """The index's mapping for haystack's search fields (no boosts: weights belong in queries)."""
    properties = {name: {"type": "keyword"} for name in (ID, "django_ct", "django_id", ANALYSIS_FIELD)}
    for field in fields.values():
        properties[field.index_fieldname] = field_mapping(field)
    return {"properties": properties}


def _order(by_date: bool) -> list:
    """Newest first, or by score with ties broken by date order (stable pages)."""
    return DATE_ORDER if by_date else [{"_score": {"order": "desc"}}, *DATE_ORDER]


FOLDED_KINDS = ("words", "bigram")  # fields whose text is analysed: folded before it is sent
# Counted over the whole index with every search: documents analysed otherwise than now.
STALE_AGGREGATION = {
    "global": {},
    "aggs": {"stale": {"filter": {"bool": {"must_not": [{"term": {ANALYSIS_FIELD: ANALYSIS}}]}}}},
}


def folded_document(index, doc: dict) -> dict:
    """A prepared document as OpenSearch gets it: its analysed text folded, its analysis marked."""
    analysed = {
        field.index_fieldname for field in index.fields.values() if getattr(field, "kfq_kind", None) in FOLDED_KINDS
    }
    folded = {
        name: fold(value) if name in analysed and isinstance(value, str) else value for name, value in doc.items()
    }
    folded[ANALYSIS_FIELD] = ANALYSIS
    return folded


def _article_id(hit: dict) -> int:
    return int(hit["_id"].rsplit(".", 1)[1])


class OpenSearchBackend(BaseSearchBackend):
    """Haystack's view of the index: documents in, the index created and deleted; plus the client."""

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.index_name = connection_options["INDEX_NAME"]
        # The client contacts nobody until the first request.
        self.conn = OpenSearch(
            hosts=[connection_options["URL"]],
            timeout=connection_options.get("TIMEOUT", 10),
            max_retries=1,
            http_compress=True,
        )
        self.setup_complete = False

    def _from_python(self, value):
        if isinstance(value, (datetime.datetime, datetime.date)):
            return value.isoformat()
        if isinstance(value, (set, tuple)):
            return list(value)
        return value

    def request(self, what: str, call, *args, **kwargs):
        """One request; a failure of any kind becomes SearchUnavailable naming the index."""
        try:
            return call(*args, **kwargs)
        except OpenSearchException as error:
            raise SearchUnavailable(f"OpenSearch, index {self.index_name!r}, {what}: {error!r}") from error

    def setup(self) -> None:
        """Create the index with its analysis and mapping unless it exists (its analysis is then kept)."""
        if not self.request("exists", self.conn.indices.exists, index=self.index_name):
            fields = self.connection_index().all_searchfields()
            body = {"settings": index_settings(), "mappings": mapping(fields)}
            try:
                self.conn.indices.create(index=self.index_name, body=body)
            except RequestError as error:
                if error.error != "resource_already_exists_exception":  # another process was first
                    raise SearchUnavailable(f"OpenSearch, index {self.index_name!r}, create: {error!r}") from error
            except OpenSearchException as error:
                raise SearchUnavailable(f"OpenSearch, index {self.index_name!r}, create: {error!r}") from error
        self.setup_complete = True

    def connection_index(self):
        from haystack import connections

        return connections[self.connection_alias].get_unified_index()

    def ensure_index(self) -> None:
        if not self.setup_complete:
            self.setup()

    # --- writes --------------------------------------------------------------------------------------
    def bulk_body(self, index, objects, remove_identifiers) -> list[dict]:
        """One bulk request's lines: delete ``remove_identifiers``, (re)index ``objects``."""
        lines: list[dict] = [{"delete": {"_id": ident}} for ident in remove_identifiers]
        for obj in objects:
            doc = prepared(self, index, obj)
            if doc is None:  # the index skips it
                lines.append({"delete": {"_id": identifier(obj.pk)}})
            else:
                lines += [{"index": {"_id": doc[ID]}}, folded_document(index, doc)]
        return lines

    def write(self, lines: list[dict], *, refresh: bool) -> None:
        if not lines:
            return
        self.ensure_index()
        answer = self.request("bulk", self.conn.bulk, body=lines, index=self.index_name, refresh=refresh)
        if answer.get("errors"):
            # Deleting what is not in the index (404) is fine: the result is the same.
            failed = [
                item
                for entry in answer["items"]
                for kind, item in entry.items()
                if item.get("status", 200) >= 300 and not (kind == "delete" and item.get("status") == 404)
            ]
            if failed:
                raise SearchUnavailable(
                    f"OpenSearch, index {self.index_name!r}: {len(failed)} bulk actions failed, first {failed[0]!r}"
                )

    def apply(self, index, objects, remove_identifiers) -> None:
        """(Re)index ``objects`` and delete ``remove_identifiers`` in one bulk request, visible on return."""
        self.write(self.bulk_body(index, objects, remove_identifiers), refresh=True)

    def update(self, index, iterable, commit=True):
        self.write(self.bulk_body(index, iterable, []), refresh=commit)

    def remove(self, obj_or_string, commit=True):
        ident = obj_or_string if isinstance(obj_or_string, str) else identifier(obj_or_string.pk)
        self.write([{"delete": {"_id": ident}}], refresh=commit)

    def clear(self, models=None, commit=True):
        """Delete the whole index (the archive indexes one model); the next write creates it again."""
        try:
            self.conn.indices.delete(index=self.index_name)
        except NotFoundError:
            pass
        except OpenSearchException as error:
            raise SearchUnavailable(f"OpenSearch, index {self.index_name!r}, delete: {error!r}") from error
        self.setup_complete = False

    # --- reads ---------------------------------------------------------------------------------------
    def run(self, body: dict) -> dict:
        self.ensure_index()
        return self.request("search", self.conn.search, index=self.index_name, body=body)

    def count(self, query: dict) -> int:
        self.ensure_index()
        return self.request("count", self.conn.count, index=self.index_name, body={"query": query})["count"]

    def search(self, query_string, **kwargs):
        """Haystack's SearchQuerySet: only its count of everything (the health check) is answered."""
        if query_string != "*":
            raise NotImplementedError("the archive searches OpenSearch through articles.search, not haystack")
        return {"results": [], "hits": self.count({"match_all": {}}), "facets": {}, "spelling_suggestion": None}


class OpenSearchQuery(BaseSearchQuery):
    def build_query_fragment(self, field, filter_type, value):
        raise NotImplementedError("the archive searches OpenSearch through articles.search, not haystack")


class ArchiveOpenSearchEngine(BaseEngine):
    """Haystack's engine class for HAYSTACK_CONNECTIONS; ``archive_engine`` names the archive's."""

    backend = OpenSearchBackend
    query = OpenSearchQuery
    archive_engine = "articles.search.opensearch.OpenSearchSearchEngine"


# --- the reader's search, in OpenSearch's query language -------------------------------------------
def _any_of(clauses: list[dict]) -> dict | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _all_of(clauses: list[dict]) -> dict | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def _wildcard_escape(text: str) -> str:
    return "".join("\\" + char if char in "\\*?" else char for char in text)


def substring_query(fieldname: str, text: str) -> dict | None:
    """Documents whose ``fieldname`` (a bigram field) contains ``text``; None when there is nothing to find."""
    text = normalise(text)
    if not text:
        return None
    if len(text) > 1:
        return {"match_phrase": {fieldname: text}}
    # One character: the first or second half of a bigram (or a character standing alone).
    return {
        "bool": {
            "should": [
                {"prefix": {fieldname: text}},
                {"wildcard": {fieldname: {"value": "?" + _wildcard_escape(text)}}},
            ],
            "minimum_should_match": 1,
        }
    }


def in_range_query(dates: DateRange) -> dict:
    """Articles known to lie in the range: their day is in it, or they have only a year it wholly covers
    (years are four-digit keywords: their order as text is their order as numbers)."""
    days = {}
    if dates.first:
        days["gte"] = dates.first.isoformat()
    if dates.last:
        days["lte"] = dates.last.isoformat()
    clauses = [{"range": {"date": days}}]
    first_year, last_year = dates.whole_years
    if first_year is None or last_year is None or first_year <= last_year:
        years = {}
        if first_year is not None:
            years["gte"] = str(first_year)
        if last_year is not None:
            years["lte"] = str(last_year)
        clauses.append({"bool": {"filter": [{"range": {"year": years}}], "must_not": NO_DAY["bool"]["must_not"]}})
    return _any_of(clauses)


def undated_query(dates: DateRange) -> dict:
    """Articles whose date is unknown for the range: no day and no year, or only a year it cuts."""
    unknown_year = [{"bool": {"must_not": [{"exists": {"field": "year"}}]}}]
    if dates.cut_years:
        unknown_year.append({"terms": {"year": [str(year) for year in dates.cut_years]}})
    return {"bool": {"filter": [NO_DAY, _any_of(unknown_year)]}}


def _with_filter(query: dict, clause: dict) -> dict:
    """``query`` with one more filter clause."""
    if "bool" in query:
        inner = dict(query["bool"])
        inner["filter"] = [*inner.get("filter", []), clause]
        return {"bool": inner}
    if "match_all" in query:
        return {"bool": {"filter": [clause]}}
    return {"bool": {"must": [query], "filter": [clause]}}


class OpenSearchSearchEngine(SearchEngine):
    name = "OpenSearch"
    rebuilds_in_one_commit = True  # rebuild_index: ``rebuild`` below, then the backlog is drained

    def __init__(self, using: str = "default"):
        super().__init__(using)
        self._names_read_at = 0.0

    def refresh(self) -> None:
        """Re-read zone names and the jieba dictionary now and then (another process may have ingested)."""
        now = time.monotonic()
        if now - self._names_read_at > NAMES_TTL:
            planning.forget_zone_names()
            analysis.mark_stale()
            self._names_read_at = now

    # --- queries ---------------------------------------------------------------------------------------
    def _author_exact(self, name: str) -> bool:
        return self.backend.count({"term": {"authors": name}}) > 0

    def term_query(self, plan: TermPlan, field_name: str, *, strict=False, scored=True) -> dict | None:
        """Documents matching one typed term: any of its forms (only whole ones when ``strict``)."""
        if field_name == "author" and not plan.term.phrase and self._author_exact(fold(plan.term.text)):
            return {"term": {"authors": fold(plan.term.text)}}
        gram_field = GRAM_FIELDS[field_name]
        clauses = []
        for form in plan.exact if strict else plan.forms:
            clause = substring_query(gram_field, form)
            if clause is not None and scored and field_name == "all":
                # The title is part of the text: a second clause, for the score only.
                clause = _any_of([clause, substring_query("title_grams", form)])
            if clause is not None:
                clauses.append(clause)
        return _any_of(clauses)

    def query(self, plan: QueryPlan, *, strict: bool = False) -> dict | None:
        """The articles matching every group and filter and no exclusion; None when that is certainly none."""
        must = []
        for group in plan.groups:
            clause = _any_of(
                [q for term in group if (q := self.term_query(term, plan.field, strict=strict)) is not None]
            )
            if clause is None:
                return None
            must.append(clause)
        must_not = [q for term in plan.excluded if (q := self.term_query(term, plan.field, strict=True, scored=False))]
        filters = [{"term": {FACETS[name][0]: value}} for name, values in plan.filters.items() for value in values]
        if plan.dates is not None:
            filters.append(in_range_query(plan.dates))
        if not (must or must_not or filters):
            return {"match_all": {}}
        query: dict = {}
        if must:
            query["must"] = must
        if filters:
            query["filter"] = filters
        if must_not:
            query["must_not"] = must_not
        return {"bool": query}

    def matches(self, plan, *, by_date, start, size):
        query = self.query(plan)
        if query is None:
            return Matches([], 0, {name: [] for name in FACETS})
        if start + size > MAX_RESULT_WINDOW:  # counted, not listed (OpenSearch refuses to list them)
            start, size = 0, 0
        body = {
            "query": query,
            "from": start,
            "size": size,
            "track_total_hits": True,
            "_source": False,
            "sort": _order(by_date),
            "aggs": {
                **{
                    fieldname: {"terms": {"field": fieldname, "size": FACET_LIMIT}}
                    for fieldname in dict.fromkeys(fieldname for fieldname, _, _ in FACETS.values())
                },
                "months": MONTHS_AGG,
                ANALYSIS_FIELD: STALE_AGGREGATION,
            },
        }
        answer = self.backend.run(body)
        count = answer["hits"]["total"]["value"]
        buckets = answer.get("aggregations", {})
        facets = {
            name: _sorted_facet(
                [(bucket["key"], bucket["doc_count"]) for bucket in buckets.get(fieldname, {}).get("buckets", [])]
            )
            for name, (fieldname, _, _) in FACETS.items()
        }
        months = [
            (bucket["key_as_string"], bucket["doc_count"])
            for bucket in buckets.get("months", {}).get("buckets", [])
            if bucket["doc_count"]
        ]
        exact_count = None
        if count and any(term.parts for term in plan.plans):
            exact_count = self.count(plan, strict=True)
        undated = 0
        if plan.dates is not None:
            everywhen = self.query(plan.with_dates(None))
            undated = self.backend.count(_with_filter(everywhen, undated_query(plan.dates))) if everywhen else 0
        stale = buckets.get(ANALYSIS_FIELD, {}).get("stale", {}).get("doc_count", 0)
        ids = [_article_id(hit) for hit in answer["hits"]["hits"]]
        return Matches(ids, count, facets, exact_count, months, undated, stale)

    def first_ids(self, plan, *, by_date, limit):
        """One request for the ids alone: no facets, no total (an export does not show them)."""
        query = self.query(plan)
        if query is None:
            return []
        body = {
            "query": query,
            "from": 0,
            "size": min(limit, MAX_RESULT_WINDOW),
            "track_total_hits": False,
            "_source": False,
            "sort": _order(by_date),
        }
        return [_article_id(hit) for hit in self.backend.run(body)["hits"]["hits"]]

    def count(self, plan, *, strict=False):
        query = self.query(plan, strict=strict)
        return self.backend.count(query) if query is not None else 0

    def value_counts(self, facet, values):
        """Articles in the whole index holding each of these values, in one request."""
        fieldname = FACETS[facet][0]
        if not values:
            return {}
        body = {
            "size": 0,
            "aggs": {fieldname: {"terms": {"field": fieldname, "include": list(values), "size": len(values)}}},
        }
        buckets = self.backend.run(body).get("aggregations", {}).get(fieldname, {}).get("buckets", [])
        return {bucket["key"]: bucket["doc_count"] for bucket in buckets}

    def related(self, zone_names, city, limit):
        """From the database (the index is not asked for every article page)."""
        from django.db.models import Q

        from ..browse import newest_first
        from ..models import Article

        visible = Article.objects.visible()
        in_zones = Q(pk__in=[])
        if zone_names:
            mentions = Article.zones.through.objects.filter(zone__name__in=zone_names).values("article_id")
            in_zones = Q(zone__name__in=zone_names) | Q(pk__in=mentions)
        wanted = in_zones | Q(city__short=city) if city else in_zones
        newest = list(newest_first(visible.filter(wanted)).values_list("pk", flat=True)[:limit])
        zoned = set(visible.filter(in_zones, pk__in=newest).values_list("pk", flat=True))
        return sorted(newest, key=lambda pk: pk not in zoned)

    # --- writes ----------------------------------------------------------------------------------------
    def apply(self, own, limit, skip, timeout):
        """The rows taken are locked until the bulk request is done and they are deleted."""
        backend, index = self.backend, self.index
        with transaction.atomic():
            rows = take_rows(own, limit, skip, lock=True)
            if not rows:
                return SyncResult(0, 0), 0
            ids = sorted({article_id for _, article_id in rows})
            visible = [article for chunk in chunks(ids) for article in index.index_queryset().filter(pk__in=chunk)]
            gone = sorted(set(ids) - {article.pk for article in visible})
            backend.apply(index, visible, [identifier(pk) for pk in gone])
            forget_rows(rows)
        return SyncResult(len(visible), len(gone)), len(rows)

    def rebuild(self, *, procs: int, progress=None) -> int:
        """Delete the index, create it with the current analysis and mapping, fill it in bulk requests.

        Searches find only what was written so far until it is done (``procs`` is Whoosh's: the cluster
        spreads the work)."""
        backend, index = self.backend, self.index
        backend.clear()
        backend.setup()
        ids = list(index.index_queryset().order_by("pk").values_list("pk", flat=True))
        written = 0
        for chunk in chunks(ids, REBUILD_CHUNK):
            articles = list(index.index_queryset().filter(pk__in=chunk))
            backend.write(backend.bulk_body(index, articles, []), refresh=False)
            written += len(articles)
            if progress is not None:
                progress(written)
        backend.request("refresh", backend.conn.indices.refresh, index=backend.index_name)
        return written
