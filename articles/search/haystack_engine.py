"""The reader's search through haystack's SearchQuerySet: the engine for servers (Elasticsearch), and one
that runs on any haystack backend (the tests run it on Whoosh, against the Whoosh engine).

It matches the same articles as the Whoosh engine:

* every typed word or phrase must occur as an exact substring: a phrase query on the bigram field of
  the scope (Elasticsearch: an ngram(2, 2) field, see elasticsearch.py; Whoosh: character bigrams);
* a zone's printed name also matches its other names, and a word that jieba splits also matches its
  distinctive parts (the plans of ``planning``); ``-word`` excludes whole forms only;
* facet filters narrow the results to whole values; facets are the engine's counts over all results.

What differs from the Whoosh engine: relevance is the engine's score of those phrase clauses (a match in
the title adds a clause of its own), not jieba-word BM25F with boosts for whole forms, so an article
with only a part of a word may rank above one with the whole word; each facet lists at most
FACET_LIMIT values; answers are not cached in the process (the engine has its own caches).
"""

from __future__ import annotations

import functools
import operator
import re
import time

from django.db import transaction
from haystack.inputs import Exact
from haystack.query import SQ, SearchQuerySet

from . import analysis, planning
from .backlog import chunks, forget_rows, identifier, take_rows
from .contract import FACETS, GRAM_FIELDS, Matches, QueryPlan, SyncResult, TermPlan, normalise, sorted_facet
from .engine import SearchEngine

FACET_LIMIT = 500  # values per facet (Elasticsearch counts the top ones only)
NAMES_TTL = 60.0  # seconds: how stale zone names and the word dictionary may get (other processes ingest)
# A quote or backslash cannot be carried inside a phrase by every engine's query syntax: the phrase is cut
# there, and each piece must occur.
PHRASE_BREAKS = re.compile(r'["\\]+')


def _all_of(clauses: list[SQ]) -> SQ | None:
    return functools.reduce(operator.and_, clauses) if clauses else None


def _any_of(clauses: list[SQ]) -> SQ | None:
    return functools.reduce(operator.or_, clauses) if clauses else None


def phrases(text: str) -> list[str]:
    """``text`` as phrases any engine's query syntax can carry: normalised, cut at quotes and backslashes."""
    return [piece.strip() for piece in PHRASE_BREAKS.split(normalise(text)) if piece.strip()]


def substring_sq(fieldname: str, text: str) -> SQ | None:
    """Documents whose ``fieldname`` (a bigram field) contains ``text``; None when there is nothing to find."""
    clauses = [
        # One character is a prefix of a bigram; more are a phrase of consecutive bigrams.
        SQ(**{f"{fieldname}__startswith": piece}) if len(piece) == 1 else SQ(**{fieldname: Exact(piece)})
        for piece in phrases(text)
    ]
    return _all_of(clauses)


def _author_exact(name: str) -> bool:
    return SearchQuerySet().filter(authors=Exact(name)).count() > 0


def term_sq(plan: TermPlan, field_name: str, *, strict: bool = False, scored: bool = True) -> SQ | None:
    """Documents matching one typed term: any of its forms (only whole ones when ``strict``)."""
    if field_name == "author" and not plan.term.phrase and _author_exact(plan.term.text):
        return SQ(authors=Exact(plan.term.text))
    gram_field = GRAM_FIELDS[field_name]
    clauses = []
    for form in plan.exact if strict else plan.forms:
        clause = substring_sq(gram_field, form)
        if clause is not None and scored and field_name == "all":
            clause = clause | substring_sq("title_grams", form)  # the title is part of the text: scores only
        if clause is not None:
            clauses.append(clause)
    return _any_of(clauses)


def matching(plan: QueryPlan, *, strict: bool = False) -> SearchQuerySet | None:
    """The articles matching every group and filter and no exclusion; None when that is certainly none."""
    sqs = SearchQuerySet()
    for group in plan.groups:
        clause = _any_of([sq for term in group if (sq := term_sq(term, plan.field, strict=strict)) is not None])
        if clause is None:
            return None
        sqs = sqs.filter(clause)
    for term in plan.excluded:
        clause = term_sq(term, plan.field, strict=True, scored=False)
        if clause is not None:
            sqs = sqs.exclude(clause)
    for name, values in plan.filters.items():
        for value in values:
            if PHRASE_BREAKS.search(value):  # no zone, city or author name has one: nothing matches
                return None
            sqs = sqs.narrow(sqs.query.build_query_fragment(FACETS[name][0], "content", Exact(value)))
    return sqs


def _count(sqs: SearchQuerySet | None) -> int:
    return sqs.count() if sqs is not None else 0


def _run(sqs: SearchQuerySet, start: int, end: int) -> tuple[list[int], int, dict]:
    """One request: the ids of results ``start``..``end``, the number of results and the facet counts."""
    for fieldname in dict.fromkeys(fieldname for fieldname, _, _ in FACETS.values()):
        sqs = sqs.facet(fieldname, size=FACET_LIMIT)
    query = sqs.query
    query.set_limits(start, end)
    results = query.get_results()
    if not results and start:  # past the last page (haystack's Whoosh backend then counts nothing)
        query._reset()
        query.set_limits(0, 1)
        query.get_results()
    counts = (query.get_facet_counts() or {}).get("fields", {})
    facets = {name: sorted_facet(counts.get(fieldname) or []) for name, (fieldname, _, _) in FACETS.items()}
    return [int(result.pk) for result in results], query.get_count(), facets


def _index_totals(names) -> dict[str, dict[str, int]]:
    """Articles per value of these facets over the whole index, in one request."""
    sqs = SearchQuerySet()
    for name in names:
        sqs = sqs.facet(FACETS[name][0], size=FACET_LIMIT)
    counts = (sqs.facet_counts() or {}).get("fields", {})
    return {name: dict(sorted_facet(counts.get(FACETS[name][0]) or [])) for name in names}


class HaystackSearchEngine(SearchEngine):
    name = "haystack"

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

    def matches(self, plan, *, by_date, start, size):
        sqs = matching(plan)
        if sqs is None:
            return Matches([], 0, {name: [] for name in FACETS})
        if by_date:
            # Newest issue first, then page and position (each backend says how it sorts).
            sqs = sqs.order_by(*self.backend.date_order)
        ids, count, facets = _run(sqs, start, start + size)
        exact_count = None
        if count and any(term.parts for term in plan.plans):
            exact_count = self.count(plan, strict=True)
        return Matches(ids, count, facets, exact_count)

    def count(self, plan, *, strict=False):
        return _count(matching(plan, strict=strict))

    def value_counts(self, facet, values):
        return _index_totals([facet])[facet]

    def related(self, zone_names, city, limit):
        """From the database (a server's index is not asked for every article page)."""
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
