"""Running a reader's search: matching, ranking, facets, snippets and suggestions.

Matching is by exact substring on character bigrams, so every result contains what was typed:

* a quoted phrase matches exactly that text;
* a word that is a zone's printed name also matches the zone's other names (长子经开区 ↔
  长子经济技术开发区);
* any other word matches where it occurs whole, or where a distinctive one of its jieba words
  occurs (a name or rare term of two characters or more): 亚宝药业 also finds 亚宝, but not 药业 alone.
  Results that contain the whole word rank first, and each result says which form it contains.

Finding, ordering and counting are array operations over the index's documents (articles.search.arrays):
where jieba indexed a word whole it is surely there; elsewhere its candidates are the documents
holding its rarest bigrams, and their texts are checked, so a phrase costs only its uncertain
candidates and never the bigrams found in most articles. Words, OR, exclusions and facet filters
combine as boolean arrays; the matches are ordered by BM25F over the jieba words (Whoosh's formula:
the title weighs four times the body, plus a boost for whole forms in the title) or by date, and
every facet is counted over all of them in one pass. Document sets, the unfiltered facet counts
and recent answers are kept per index generation.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.utils.html import escape
from whoosh import sorting
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    ConstantScoreQuery,
    Every,
    NullQuery,
    Or,
    Phrase,
    Prefix,
    Query,
    Term,
)
from whoosh.searching import Searcher

from . import analysis
from .arrays import IndexArrays, forget_postings, index_arrays
from .fields import full_text, title_text
from .query import ParsedQuery
from .query import Term as QueryTerm
from .query import parse as parse_query
from .searcher import get_searcher, zone_names
from .unavailable import reading_index

PER_PAGE = 20
FIELDS = {"all": "全文", "title": "标题", "author": "作者"}
SORTS = {"relevance": "相关度", "date": "日期"}
# URL parameter → (index field, label, several values per article)
FACETS = {
    "city": ("city", "城市", False),
    "zone": ("zone", "开发区", False),
    "kind": ("kind", "开发区类型", False),
    "year": ("year", "年份", False),
    "issue": ("issue", "期次", False),
    "author": ("authors", "作者", True),
}
GRAM_FIELDS = {"all": "fulltext_grams", "title": "title_grams", "author": "author_grams"}
# jieba word fields whose text is part of the bigram field's: a form indexed there as a word is surely in it.
WORD_FIELDS = {"all": ("text",), "title": ("title", "headings"), "author": ()}
SCORED_FIELDS = ("title", "headings", "text")  # BM25F over jieba words; field boosts in the schema
EXACT_BOOST = 8.0
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
CACHE_SIZE = 64  # recent answers (ordered documents, facets) kept per process; keyed by index generation
ORDER_KEPT = 2000  # ordered document numbers kept per answer (100 pages); later pages are computed again
DOCSET_CACHE_SIZE = 512  # document sets (packed bits) of recent words, phrases and filter values, likewise

_cache: OrderedDict = OrderedDict()
_docsets: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def forget_answers() -> None:
    """Drop the answers and word/phrase document sets kept for recent queries (the benchmark times
    queries as if asked for the first time in an index generation)."""
    with _cache_lock:
        _cache.clear()
        _docsets.clear()
    forget_postings()


class SearchInputError(ValueError):
    """A parameter that cannot be used (the message is for the reader)."""


@dataclass
class TermPlan:
    """How one typed term is matched: its exact forms and, failing those, its parts."""

    term: QueryTerm
    exact: list[str]  # whole forms (the term, or a zone's names)
    parts: list[str] = field(default_factory=list)  # distinctive jieba words of the term
    zone: str | None = None  # the zone whose name was typed

    @property
    def forms(self) -> list[str]:
        return self.exact + [part for part in self.parts if part not in self.exact]


@dataclass
class Hit:
    article: object
    title_html: str
    snippet_html: str
    matched: list[str]  # the forms the article contains, exact ones first
    partial: bool  # contains only parts of some word


@dataclass
class SearchResult:
    query: str
    parsed: ParsedQuery
    field: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    pages: int
    count: int
    exact_count: int | None  # when some word also matched by its parts: results with every word whole
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestions: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Facet filters that a typed word names (临汾 → city 临汾): (facet, value, articles in the index).
    related: list[tuple[str, str, int]] = field(default_factory=list)


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def substring_query(fieldname: str, text: str) -> Query:
    """Documents whose ``fieldname`` text contains ``text`` (case-insensitively)."""
    text = normalise(text)
    if not text:
        return NullQuery
    if len(text) == 1:
        return Prefix(fieldname, text)
    grams = analysis.bigrams(text)
    if len(grams) == 1:
        return Term(fieldname, grams[0])
    return Phrase(fieldname, grams)


def plan_term(term: QueryTerm, field_name: str) -> TermPlan:
    if term.phrase:
        return TermPlan(term, [term.text])
    if field_name != "author":
        gazetteer = zone_names()
        zone = gazetteer.alias_index.get(term.text)
        if zone:
            return TermPlan(term, gazetteer.aliases_of(zone), zone=zone)
    if field_name == "author":
        return TermPlan(term, [term.text])
    parts = [word for word in dict.fromkeys(analysis.words(term.text)) if len(word) >= 2]
    if len(parts) <= 1 or normalise(term.text) in parts:
        parts = []
    # Only a distinctive part stands in for the whole word: 亚宝 for 亚宝药业, never 药业 alone.
    parts = [part for part in parts if analysis.is_distinctive(part)]
    return TermPlan(term, [term.text], parts)


def _author_exact(searcher: Searcher, name: str) -> bool:
    return searcher.doc_frequency("authors", name) > 0


# --- matching: document sets as boolean arrays over the searcher's document numbers ------------
def _cached(view: IndexArrays, key: tuple, compute) -> np.ndarray:
    """A document set kept per index generation (packed: one bit per document)."""
    key = (view.stamp, *key)
    with _cache_lock:
        packed = _docsets.get(key)
        if packed is not None:
            _docsets.move_to_end(key)
    if packed is not None:
        return np.unpackbits(packed, count=view.size).view(bool)
    mask = compute()
    with _cache_lock:
        _docsets[key] = np.packbits(mask)
        while len(_docsets) > DOCSET_CACHE_SIZE:
            _docsets.popitem(last=False)
    return mask


# What narrowing a phrase's candidates by one more bigram costs, per posting read, against checking a
# candidate's text, per candidate. Not the raw costs (a posting is far cheaper than a check): each read
# also makes a document set, so the weights are closer; bench/README.md tells how they were chosen.
READ_COST_PER_POSTING = 1.0
CHECK_COST_PER_CANDIDATE = 4.0


def substring_docs(view: IndexArrays, field_name: str, form: str) -> np.ndarray:
    """Documents whose ``field_name`` text contains ``form`` (case-insensitively).

    Where jieba indexed the form as a word it is surely there. The other candidates hold the form's
    rarest bigram, and further bigrams while reading their postings costs less than checking the
    candidates they would rule out; the text of each remaining candidate is then checked. Bigrams in
    most articles (开发, 发区) are never read.
    """
    text = normalise(form)
    gram_field = GRAM_FIELDS[field_name]

    def compute() -> np.ndarray:
        if not text:
            return np.zeros(view.size, dtype=bool)
        if len(text) == 1:
            return view.prefix_mask(gram_field, text)
        grams = analysis.bigrams(text)
        frequency = {gram: view.doc_frequency(gram_field, gram) for gram in set(grams)}
        rarest_first = sorted(frequency, key=frequency.get)
        if frequency[rarest_first[0]] == 0:
            return np.zeros(view.size, dtype=bool)
        candidates = view.term_mask(gram_field, rarest_first[0])
        if len(grams) == 1:
            return candidates
        sure = np.zeros(view.size, dtype=bool)
        for word_field in WORD_FIELDS[field_name]:
            sure |= view.term_mask(word_field, text)
        sure &= candidates
        unsure = candidates & ~sure
        for gram in rarest_first[1:]:
            left = int(unsure.sum())
            ruled_out = left * (1 - frequency[gram] / max(view.count, 1))  # as if the bigrams were independent
            if not left or frequency[gram] * READ_COST_PER_POSTING > ruled_out * CHECK_COST_PER_CANDIDATE:
                break
            unsure &= view.term_mask(gram_field, gram)
        return sure | view.contains(gram_field, text, np.flatnonzero(unsure))

    return _cached(view, ("substring", field_name, text), compute)


def term_docs(view: IndexArrays, plan: TermPlan, field_name: str, *, strict: bool = False) -> np.ndarray:
    if field_name == "author" and not plan.term.phrase and _author_exact(view.searcher, plan.term.text):
        return _cached(view, ("term", "authors", plan.term.text), lambda: view.term_mask("authors", plan.term.text))
    forms = plan.exact if strict else plan.forms
    docs = np.zeros(view.size, dtype=bool)
    for form in forms:
        docs |= substring_docs(view, field_name, form)
    return docs


def plan_query(parsed: ParsedQuery, field_name: str) -> tuple[list[list[TermPlan]], list[TermPlan]]:
    """Each group's term plans (a group matches when one of its terms does), and the exclusions."""
    groups = [[plan_term(term, field_name) for term in group] for group in parsed.groups]
    excluded = [plan_term(term, field_name) for term in parsed.excluded]
    return groups, excluded


def matching_docs(
    view: IndexArrays,
    groups: list[list[TermPlan]],
    excluded: list[TermPlan],
    field_name: str,
    filters: dict[str, list[str]],
    *,
    strict: bool = False,
) -> np.ndarray:
    """The live documents that match every group and filter and no exclusion.

    Exclusions remove only whole forms (-长子经开区 removes every name of that zone, not its parts).
    """
    docs = view.live.copy()
    for group in groups:
        group_docs = np.zeros(view.size, dtype=bool)
        for plan in group:
            group_docs |= term_docs(view, plan, field_name, strict=strict)
        docs &= group_docs
    for name, values in filters.items():
        fieldname = FACETS[name][0]
        for value in values:
            docs &= _cached(view, ("term", fieldname, value), lambda f=fieldname, v=value: view.term_mask(f, v))
    for plan in excluded:
        docs &= ~term_docs(view, plan, field_name, strict=True)
    return docs


def count_matches(parsed: ParsedQuery, field_name: str, filters: dict[str, list[str]], *, strict=False) -> int:
    view = index_arrays(get_searcher())
    groups, excluded = plan_query(parsed, field_name)
    return int(matching_docs(view, groups, excluded, field_name, filters, strict=strict).sum())


def _scoring_words(plans: list[TermPlan]) -> list[str]:
    """The jieba words whose BM25F scores order the matches (the title weighs most, then kicker/subtitle)."""
    return list(dict.fromkeys(analysis.search_words(" ".join(form for plan in plans for form in plan.forms))))


def _scoring_query(plans: list[TermPlan]) -> Query:
    clauses: list[Query] = [Term(name, word) for word in _scoring_words(plans) for name in SCORED_FIELDS]
    return Or(clauses) if clauses else NullQuery


def _exact_boosts(view: IndexArrays, plans: list[TermPlan], field_name: str) -> list[np.ndarray]:
    """Document sets that earn EXACT_BOOST each: a whole form in the title; a whole form anywhere
    when the word was also matched by its parts (so whole-word articles rank first)."""
    boosts = []
    for plan in plans:
        for form in plan.exact:
            boosts.append(substring_docs(view, "title", form))
            if plan.parts and field_name == "all":
                boosts.append(substring_docs(view, "all", form))
    return boosts


def plain_whoosh_query(
    searcher: Searcher, q: str, *, field: str = "all", filters: dict | None = None, sort: str = "relevance"
) -> tuple[Query, Query | None, object]:
    """The same match as ``search()`` written as one plain Whoosh query, for Whoosh alone to evaluate:
    (query, filter query or None, sortedby or None). Each typed word is an Or of substring phrases on
    the bigram field (its forms), groups are And-ed, exclusions AndNot-ed, facet values a filter; by
    relevance the jieba word clauses score the matches. No caches: the benchmark's raw-Whoosh baseline
    and the tests' oracle for the set algebra of ``search()``.
    """
    parsed = parse_query(q)
    groups, excluded = plan_query(parsed, field)

    def plan_clause(plan: TermPlan, strict: bool = False) -> Query:
        if field == "author" and not plan.term.phrase and _author_exact(searcher, plan.term.text):
            return Term("authors", plan.term.text)
        forms = plan.exact if strict else plan.forms
        return Or([substring_query(GRAM_FIELDS[field], form) for form in forms])

    clauses = [Or([plan_clause(plan) for plan in group]) for group in groups]
    match: Query = And(clauses) if clauses else Every()
    if excluded:
        match = AndNot(match, Or([plan_clause(plan, strict=True) for plan in excluded]))
    values = [Term(FACETS[name][0], value) for name, vals in (filters or {}).items() for value in vals if value]
    filter_query = And(values) if values else None
    if sort == "date" or not groups:
        sortedby = sorting.MultiFacet([sorting.FieldFacet("sort_date", reverse=True), sorting.FieldFacet("sort_seq")])
        return match, filter_query, sortedby
    plans = [plan for group in groups for plan in group]
    return AndMaybe(ConstantScoreQuery(match, 0.0), _scoring_query(plans)), filter_query, None


def _sorted_facet(counts: dict) -> list[tuple[str, int]]:
    values = [(str(value), count) for value, count in counts.items() if value not in ("", None) and count]
    return sorted(values, key=lambda item: (-item[1], item[0]))


def warm() -> None:
    """Read what every search needs from each segment of the index (facet codes, date order, field
    lengths: most of a first search's time) and close the index's files. In gunicorn's master before the
    workers fork (``wsgi``, ``--preload``), so they share these arrays instead of each building them at
    its first search."""
    from .searcher import close

    try:
        search("")  # the whole archive: every facet, date order
        search("开发区 建设")  # words: ranking lengths of the text fields
    finally:
        close()


def search(
    q: str = "",
    *,
    field: str = "all",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """One page of results for a reader's query, with facet counts over all the results.

    ``filters`` maps FACETS keys to values; every value must hold (AND). Raises SearchInputError for
    an unknown field, sort or facet name; a page past the end gives an empty page.
    """
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

    get_searcher()  # first: a new index generation may come with new zone names, which planning reads
    parsed = parse_query(q)
    groups, excluded = plan_query(parsed, field)
    plans = [plan for group in groups for plan in group]
    by_date = sort == "date" or not parsed.groups
    searcher, (ordered, count, facets, exact_count) = _run(groups, excluded, field, filters, by_date)
    pages = max(1, math.ceil(count / per_page))
    start = (page - 1) * per_page
    if start + per_page > len(ordered) and len(ordered) < count:  # past the kept order: all of it
        searcher, (ordered, count, facets, exact_count) = _run(groups, excluded, field, filters, by_date, keep=None)
    ids = [int(searcher.stored_fields(int(docnum))["django_id"]) for docnum in ordered[start : start + per_page]]
    hits = load_hits(ids, plans, field)
    result = SearchResult(
        query=q or "",
        parsed=parsed,
        field=field,
        filters=filters,
        sort="date" if by_date else "relevance",
        page=page,
        pages=pages,
        count=count,
        exact_count=exact_count,
        hits=hits,
        facets=facets,
        notes=list(parsed.notes),
    )
    if count == 0:
        result.suggestions = suggestions(parsed, plans, field, filters)
    result.related = related_filters(parsed, filters)
    return result


def related_filters(parsed: ParsedQuery, filters: dict[str, list[str]]) -> list[tuple[str, str, int]]:
    """A city or zone a typed word names, for a link to all its articles (text may not name it)."""
    gazetteer = zone_names()
    searcher = get_searcher()
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
    related = []
    for name, value in dict.fromkeys(found):
        count = searcher.doc_frequency(FACETS[name][0], value)
        if count and value not in filters.get(name, []):
            related.append((name, value, count))
    return related


def _run(
    groups, excluded, field_name, filters, by_date, keep: int | None = ORDER_KEPT
) -> tuple[Searcher, tuple[np.ndarray, int, dict, int | None]]:
    """The matching document numbers in order (the first ``keep``; None: all), their count, the facets
    and the whole-word count.

    Matching is set algebra on document sets; ordering by date is one gather from the index's date
    order, by relevance a BM25F sum over the scoring words' postings; facets are counted from each
    document's values. The last few answers are kept per index generation (document numbers are
    only valid within one), so paging and going back cost nothing.
    """
    searcher = get_searcher()
    view = index_arrays(searcher)
    frozen_filters = tuple(sorted((name, tuple(values)) for name, values in filters.items()))
    key = (view.stamp, repr(groups), repr(excluded), field_name, by_date, frozen_filters, keep)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return searcher, cached
    allowed = matching_docs(view, groups, excluded, field_name, filters)
    count = int(allowed.sum())
    plans = [plan for group in groups for plan in group]
    if not count:
        answer = (np.zeros(0, dtype=np.int32), 0, {name: [] for name in FACETS}, None)  # nothing to count
    else:
        if by_date or not plans:
            order = view.order(("sort_date", True), ("sort_seq", False))
            ordered = order[allowed[order]]
        else:
            scores = np.zeros(view.size, dtype=np.float64)
            for word in _scoring_words(plans):
                for fieldname in SCORED_FIELDS:
                    view.bm25(scores, fieldname, word)
            for boost in _exact_boosts(view, plans, field_name):
                scores[boost] += EXACT_BOOST
            matched = np.flatnonzero(allowed)
            ordered = matched[np.argsort(-scores[matched], kind="stable")]  # ties: index order
        if groups or excluded or filters:
            facets = _facets(view, allowed)
        else:  # the whole archive: counted once per generation
            facets = view._once(("facets",), lambda: _facets(view, allowed))
        exact_count = None
        if any(plan.parts for plan in plans):
            exact_count = int(matching_docs(view, groups, excluded, field_name, filters, strict=True).sum())
        answer = (ordered[:keep].astype(np.int32), count, facets, exact_count)
    with _cache_lock:
        _cache[key] = answer
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return searcher, answer


def _facets(view: IndexArrays, docs: np.ndarray) -> dict[str, list[tuple[str, int]]]:
    return {
        name: _sorted_facet(view.counts(fieldname, docs, multi=multi)) for name, (fieldname, _, multi) in FACETS.items()
    }


# --- related articles (article pages) ------------------------------------------------------------
def related_ids(zone_names: list[str], city: str | None, limit: int = 5) -> list[int]:
    """Ids of the ``limit`` newest visible articles (the index's date order) in any of the zones (as
    primary or mentioned zone) or the city; those in one of the zones first.

    The database would sort every article of the city to find them, reading each whole row; here it is
    a mask over the index's facet values and one gather from its date order.
    """
    with reading_index():
        return _related_ids(zone_names, city, limit)


def _related_ids(zone_names: list[str], city: str | None, limit: int) -> list[int]:
    searcher = get_searcher()
    view = index_arrays(searcher)
    zone_docs = np.zeros(view.size, dtype=bool)
    for name in zone_names:
        zone_docs |= view.term_mask("zone", name) | view.term_mask("zones", name)
    wanted = zone_docs | (view.term_mask("city", city) if city else False)
    order = view.order(("sort_date", True), ("sort_seq", False))
    newest = order[wanted[order]][:limit]
    newest = newest[np.argsort(~zone_docs[newest], kind="stable")]  # sharing a zone first
    return [int(searcher.stored_fields(int(docnum))["django_id"]) for docnum in newest]


# --- results ---------------------------------------------------------------------------------
def load_hits(ids: list[int], plans: list[TermPlan], field_name: str) -> list[Hit]:
    from django.db.models import Prefetch

    from ..models import Article, ArticleAuthor

    # What a hit shows (title, zone, city, issue, authors, captions in the text): three queries.
    found = (
        Article.objects.visible()
        .filter(pk__in=ids)
        .select_related("page__issue", "zone", "city")
        .prefetch_related("captions", Prefetch("authorships", ArticleAuthor.objects.select_related("author")))
    )
    articles = {article.pk: article for article in found}
    hits = []
    for pk in ids:
        article = articles.get(pk)
        if article is None:  # hidden since it was indexed; the next sync removes it
            continue
        hits.append(make_hit(article, plans, field_name))
    return hits


def _contains(haystack: str, form: str) -> bool:
    return normalise(form) in normalise(haystack)


def make_hit(article, plans: list[TermPlan], field_name: str) -> Hit:
    if field_name == "author":
        searched = "\n".join(article.author_names())
    elif field_name == "title":
        searched = title_text(article)
    else:
        searched = full_text(article)
    matched: list[str] = []
    partial = False
    for plan in plans:
        exact = [form for form in plan.exact if _contains(searched, form)]
        if exact:
            matched.extend(exact)
            continue
        parts = [part for part in plan.parts if _contains(searched, part)]
        if parts:
            partial = True
            matched.extend(parts)
    forms = list(dict.fromkeys(matched))
    body = article.body_text or full_text(article)
    return Hit(
        article=article,
        title_html=highlight(article.title or "", forms) if article.title else "",
        snippet_html=snippet(body, forms),
        matched=forms,
        partial=partial,
    )


def _spans(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``forms`` in ``text`` (case-insensitive), longest form first."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    taken = [False] * len(text)
    spans = []
    for form in sorted({f.lower() for f in forms if f.strip()}, key=len, reverse=True):
        start = lowered.find(form)
        while start != -1:
            end = start + len(form)
            if not any(taken[start:end]):
                spans.append((start, end))
                for index in range(start, end):
                    taken[index] = True
            start = lowered.find(form, start + 1)
    return sorted(spans)


def highlight(text: str, forms: list[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of ``forms`` in <mark>."""
    out, last = [], 0
    for start, end in _spans(text, forms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(text: str, forms: list[str]) -> str:
    """About SNIPPET_LENGTH characters around the first match (or the start), escaped and marked."""
    text = " ".join(text.split())
    spans = _spans(text, forms)
    begin = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    end = min(len(text), begin + SNIPPET_LENGTH)
    piece = text[begin:end]
    return ("…" if begin else "") + highlight(piece, forms) + ("…" if end < len(text) else "")


# --- when nothing is found -------------------------------------------------------------------
def suggestions(parsed: ParsedQuery, plans: list[TermPlan], field_name: str, filters: dict) -> list[dict]:
    """What to try instead: {"text": ..., "params": {...} (changes to the query string), "count": n}."""
    found: list[dict] = []
    for name, values in filters.items():
        for value in values:
            fewer = {key: [v for v in vals if not (key == name and v == value)] for key, vals in filters.items()}
            count = count_matches(parsed, field_name, fewer)
            if count:
                label = FACETS[name][1]
                found.append(
                    {"text": f"去掉筛选“{label}：{value}”，可找到 {count} 篇", "drop": (name, value), "count": count}
                )
    if field_name != "all" and parsed.groups:
        count = count_matches(parsed, "all", filters)
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
    gazetteer = zone_names()
    searcher = get_searcher()
    zones = []
    for alias, zone in gazetteer.alias_index.items():
        if any(word in alias.lower() or alias.lower() in word for word in words):
            zones.append(zone)
    counted = []
    for zone in dict.fromkeys(zones):
        count = searcher.doc_frequency("zone", zone)
        if count:
            counted.append((zone, count))
    return sorted(counted, key=lambda item: (-item[1], item[0]))[:limit]
