"""The reader's search through haystack's SearchQuerySet: the path for engines other than Whoosh.

``search`` takes the arguments and returns the SearchResult of ``service.search`` (which talks to
Whoosh directly, for speed) and matches the same articles:

* every typed word or phrase must occur as an exact substring: a phrase query on the bigram field of
  the scope (Elasticsearch: an ngram(2, 2) field, see elasticsearch.py; Whoosh: character bigrams);
* a zone's printed name also matches its other names, and a word that jieba splits also matches its
  distinctive parts (the plans of ``service.plan_query``); ``-word`` excludes whole forms only;
* facet filters narrow the results to whole values; facets are the engine's counts over all results;
* hits, highlighted titles and snippets come from the database text (``service.load_hits``).

What differs from the Whoosh-native service: relevance is the engine's score of those phrase clauses
(a match in the title adds a clause of its own), not jieba-word BM25F with boosts for whole forms, so an
article with only a part of a word may rank above one with the whole word; each facet lists at most
FACET_LIMIT values; answers are not cached in the process (the engine has its own caches).
"""

from __future__ import annotations

import functools
import math
import operator
import re
import time

from haystack import connections
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.inputs import Exact
from haystack.query import SQ, SearchQuerySet

from . import analysis, searcher
from .query import ParsedQuery
from .query import parse as parse_query
from .service import (
    FACETS,
    FIELDS,
    GRAM_FIELDS,
    PER_PAGE,
    SORTS,
    SearchInputError,
    SearchResult,
    TermPlan,
    load_hits,
    normalise,
    plan_query,
)

FACET_LIMIT = 500  # values per facet (Elasticsearch counts the top ones only)
NAMES_TTL = 60.0  # seconds: how stale zone names and the word dictionary may get (other processes ingest)
# A quote or backslash cannot be carried inside a phrase by every engine's query syntax: the phrase is cut
# there, and each piece must occur.
PHRASE_BREAKS = re.compile(r'["\\]+')

_names_read_at = [0.0]


def uses_whoosh(using: str = "default") -> bool:
    """Whether the haystack connection is a Whoosh index (the service's own fast path)."""
    return issubclass(connections[using].backend, WhooshSearchBackend)


def _fresh_names() -> None:
    """Re-read zone names and the jieba dictionary now and then (the Whoosh path does it on index change)."""
    now = time.monotonic()
    if now - _names_read_at[0] > NAMES_TTL:
        searcher.forget_zones()
        analysis.mark_stale()
        _names_read_at[0] = now


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


def matching(
    groups: list[list[TermPlan]],
    excluded: list[TermPlan],
    field_name: str,
    filters: dict[str, list[str]],
    *,
    strict: bool = False,
) -> SearchQuerySet | None:
    """The articles matching every group and filter and no exclusion; None when that is certainly none."""
    sqs = SearchQuerySet()
    for group in groups:
        clause = _any_of([sq for plan in group if (sq := term_sq(plan, field_name, strict=strict)) is not None])
        if clause is None:
            return None
        sqs = sqs.filter(clause)
    for plan in excluded:
        clause = term_sq(plan, field_name, strict=True, scored=False)
        if clause is not None:
            sqs = sqs.exclude(clause)
    for name, values in filters.items():
        for value in values:
            if PHRASE_BREAKS.search(value):  # no zone, city or author name has one: nothing matches
                return None
            sqs = sqs.narrow(sqs.query.build_query_fragment(FACETS[name][0], "content", Exact(value)))
    return sqs


def _count(sqs: SearchQuerySet | None) -> int:
    return sqs.count() if sqs is not None else 0


def _date_order() -> tuple[str, ...]:
    # Newest issue first, then page and position. Haystack's Whoosh backend sorts every field the same way.
    return ("-sort_date", "-sort_seq") if uses_whoosh() else ("-sort_date", "sort_seq")


def _sorted_facet(values) -> list[tuple[str, int]]:
    counted = [(str(value), count) for value, count in values or [] if value not in ("", None) and count]
    return sorted(counted, key=lambda item: (-item[1], item[0]))


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
    facets = {name: _sorted_facet(counts.get(fieldname)) for name, (fieldname, _, _) in FACETS.items()}
    return [int(result.pk) for result in results], query.get_count(), facets


def _checked_filters(field: str, sort: str, filters: dict | None, page: int) -> dict[str, list[str]]:
    if field not in FIELDS:
        raise SearchInputError(f"未知的检索范围：{field}（可用：{', '.join(FIELDS)}）")
    if sort not in SORTS:
        raise SearchInputError(f"未知的排序方式：{sort}（可用：{', '.join(SORTS)}）")
    filters = {name: [value for value in values if value] for name, values in (filters or {}).items()}
    filters = {name: values for name, values in filters.items() if values}
    unknown = [name for name in filters if name not in FACETS]
    if unknown:
        raise SearchInputError(f"未知的筛选项：{', '.join(unknown)}（可用：{', '.join(FACETS)}）")
    if page < 1:
        raise SearchInputError("页码必须是从 1 开始的整数。")
    return filters


def search(
    q: str = "",
    *,
    field: str = "all",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """One page of results with facet counts over all of them, as ``service.search``, through haystack.

    Raises SearchInputError for an unknown field, sort or facet name, and SearchUnavailable when the
    engine does not answer.
    """
    filters = _checked_filters(field, sort, filters, page)
    _fresh_names()
    parsed = parse_query(q)
    groups, excluded = plan_query(parsed, field)
    plans = [plan for group in groups for plan in group]
    by_date = sort == "date" or not parsed.groups
    sqs = matching(groups, excluded, field, filters)
    ids, count, facets = [], 0, {name: [] for name in FACETS}
    exact_count = None
    if sqs is not None:
        if by_date:
            sqs = sqs.order_by(*_date_order())
        start = (page - 1) * per_page
        ids, count, facets = _run(sqs, start, start + per_page)
        if count and any(plan.parts for plan in plans):
            exact_count = _count(matching(groups, excluded, field, filters, strict=True))
    result = SearchResult(
        query=q or "",
        parsed=parsed,
        field=field,
        filters=filters,
        sort="date" if by_date else "relevance",
        page=page,
        pages=max(1, math.ceil(count / per_page)),
        count=count,
        exact_count=exact_count,
        hits=load_hits(ids, plans, field),
        facets=facets,
        notes=list(parsed.notes),
    )
    named = _named_filters(parsed)
    totals = _index_totals({name for name, _ in named}) if named else {}
    result.related = [
        (name, value, totals[name][value])
        for name, value in named
        if totals.get(name, {}).get(value) and value not in filters.get(name, [])
    ]
    if count == 0:
        result.suggestions = suggestions(parsed, field, filters)
    return result


# --- around the results ----------------------------------------------------------------------
def _named_filters(parsed: ParsedQuery) -> list[tuple[str, str]]:
    """Facet filters that a typed word names: a city (临汾) or a zone by any of its names."""
    gazetteer = searcher.zone_names()
    found = []
    for term in parsed.positive_terms:
        if term.phrase:
            continue
        city = gazetteer.city_by_short.get(term.text) or gazetteer.city_by_name.get(term.text)
        if city:
            found.append(("city", city.short))
        zone = gazetteer.alias_index.get(term.text)
        if zone:
            found.append(("zone", zone))
    return list(dict.fromkeys(found))


def _index_totals(names) -> dict[str, dict[str, int]]:
    """Articles per value of these facets over the whole index, in one request."""
    sqs = SearchQuerySet()
    for name in names:
        sqs = sqs.facet(FACETS[name][0], size=FACET_LIMIT)
    counts = (sqs.facet_counts() or {}).get("fields", {})
    return {name: dict(_sorted_facet(counts.get(FACETS[name][0]))) for name in names}


def suggestions(parsed: ParsedQuery, field_name: str, filters: dict[str, list[str]]) -> list[dict]:
    """What to try when nothing is found (the texts and shape of ``service.suggestions``)."""
    found: list[dict] = []
    groups, excluded = plan_query(parsed, field_name)
    for name, values in filters.items():
        for value in values:
            fewer = {key: [v for v in vals if not (key == name and v == value)] for key, vals in filters.items()}
            count = _count(matching(groups, excluded, field_name, fewer))
            if count:
                label = FACETS[name][1]
                found.append(
                    {"text": f"去掉筛选“{label}：{value}”，可找到 {count} 篇", "drop": (name, value), "count": count}
                )
    if field_name != "all" and parsed.groups:
        count = _count(matching(*plan_query(parsed, "all"), "all", filters))
        if count:
            found.append({"text": f"改为在全文中检索，可找到 {count} 篇", "params": {"field": "all"}, "count": count})
    for zone, count in matching_zones(parsed):
        found.append({"text": f"开发区“{zone}”（{count} 篇）", "params": {"q": "", "zone": zone}, "count": count})
    return found


def matching_zones(parsed: ParsedQuery, limit: int = 5) -> list[tuple[str, int]]:
    """Zones with articles whose names contain a typed word (or are contained in it)."""
    words = [normalise(term.text) for term in parsed.positive_terms if len(term.text) >= 2]
    if not words:
        return []
    gazetteer = searcher.zone_names()
    zones = [
        zone
        for alias, zone in gazetteer.alias_index.items()
        if any(word in alias.lower() or alias.lower() in word for word in words)
    ]
    if not zones:
        return []
    totals = _index_totals(["zone"])["zone"]
    counted = [(zone, totals[zone]) for zone in dict.fromkeys(zones) if totals.get(zone)]
    return sorted(counted, key=lambda item: (-item[1], item[0]))[:limit]
