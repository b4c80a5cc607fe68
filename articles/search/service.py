"""Running a reader's search: matching, ranking, facets, snippets and suggestions.

Matching is by exact substring on character bigrams, so every result contains what was typed:

* a quoted phrase matches exactly that text;
* a word that is a zone's printed name also matches the zone's other names (长子经开区 ↔
  长子经济技术开发区);
* any other word matches where it occurs whole, or where a distinctive one of its jieba words
  occurs (a name or rare term of two characters or more): 亚宝药业 also finds 亚宝, but not 药业 alone.
  Results that contain the whole word rank first, and each result says which form it contains.

Each word's and phrase's matching documents are a bit set computed once per index generation
(phrase queries on bigrams are the costly part); words, OR, exclusions and facet filters combine
as set operations. Whoosh then orders the matches by jieba word scores (BM25F, the title weighing
four times the body, plus a boost for whole forms in the title) or by date, and counts the facets
over all of them.
"""

from __future__ import annotations

import functools
import math
import operator
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.utils.html import escape
from whoosh import sorting
from whoosh.idsets import BitSet
from whoosh.query import (
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
from .fields import full_text, title_text
from .query import ParsedQuery
from .query import Term as QueryTerm
from .query import parse as parse_query
from .searcher import get_searcher, stamp_of, zone_names

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
EXACT_BOOST = 8.0
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
CACHE_SIZE = 64  # recent answers (ids, facets) kept per process; keyed by index generation
DOCSET_CACHE_SIZE = 512  # document sets (bit sets) of recent words, phrases and filter values, likewise

_cache: OrderedDict = OrderedDict()
_docsets: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


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


def _docs(searcher: Searcher, query: Query) -> BitSet:
    """Document numbers matching ``query``, kept per index generation (phrases are the costly part).

    A bit set costs 2.5 KB per 20,000 documents, whatever the number of matches.
    """
    key = (stamp_of(searcher), repr(query))
    with _cache_lock:
        cached = _docsets.get(key)
        if cached is not None:
            _docsets.move_to_end(key)
            return cached
    docs = BitSet(searcher.docs_for_query(query), size=searcher.doc_count_all())
    with _cache_lock:
        _docsets[key] = docs
        while len(_docsets) > DOCSET_CACHE_SIZE:
            _docsets.popitem(last=False)
    return docs


def _union(searcher: Searcher, sets) -> BitSet:
    return functools.reduce(operator.or_, sets, BitSet(size=searcher.doc_count_all()))


def term_docs(searcher: Searcher, plan: TermPlan, field_name: str, *, strict: bool = False) -> BitSet:
    if field_name == "author" and not plan.term.phrase and _author_exact(searcher, plan.term.text):
        return _docs(searcher, Term("authors", plan.term.text))
    gram_field = GRAM_FIELDS[field_name]
    forms = plan.exact if strict else plan.forms
    return _union(searcher, (_docs(searcher, substring_query(gram_field, form)) for form in forms))


def plan_query(parsed: ParsedQuery, field_name: str) -> tuple[list[list[TermPlan]], list[TermPlan]]:
    """Each group's term plans (a group matches when one of its terms does), and the exclusions."""
    groups = [[plan_term(term, field_name) for term in group] for group in parsed.groups]
    excluded = [plan_term(term, field_name) for term in parsed.excluded]
    return groups, excluded


def matching_docs(
    searcher: Searcher,
    groups: list[list[TermPlan]],
    excluded: list[TermPlan],
    field_name: str,
    filters: dict[str, list[str]],
    *,
    strict: bool = False,
) -> BitSet | None:
    """The documents that match every group and filter and no exclusion; None means all of them.

    Exclusions remove only whole forms (-长子经开区 removes every name of that zone, not its parts).
    """
    docs: BitSet | None = None
    for group in groups:
        group_docs = _union(searcher, (term_docs(searcher, plan, field_name, strict=strict) for plan in group))
        docs = group_docs if docs is None else docs & group_docs
    for name, values in filters.items():
        for value in values:
            value_docs = _docs(searcher, Term(FACETS[name][0], value))
            docs = value_docs if docs is None else docs & value_docs
    if excluded:
        unwanted = _union(searcher, (term_docs(searcher, plan, field_name, strict=True) for plan in excluded))
        everything = BitSet(searcher.reader().all_doc_ids(), size=searcher.doc_count_all())
        docs = (docs if docs is not None else everything) - unwanted
    return docs


def count_matches(parsed: ParsedQuery, field_name: str, filters: dict[str, list[str]], *, strict=False) -> int:
    searcher = get_searcher()
    groups, excluded = plan_query(parsed, field_name)
    docs = matching_docs(searcher, groups, excluded, field_name, filters, strict=strict)
    return searcher.doc_count() if docs is None else len(docs)


def _scoring_query(plans: list[TermPlan]) -> Query:
    """Jieba word clauses that order the matches (BM25F: the title weighs most, then kicker/subtitle)."""
    words = dict.fromkeys(analysis.search_words(" ".join(form for plan in plans for form in plan.forms)))
    clauses: list[Query] = [Term(fieldname, word) for word in words for fieldname in ("title", "headings", "text")]
    return Or(clauses) if clauses else NullQuery


def _exact_boosts(searcher: Searcher, plans: list[TermPlan], field_name: str) -> list[BitSet]:
    """Document sets that earn EXACT_BOOST each: a whole form in the title; a whole form anywhere
    when the word was also matched by its parts (so whole-word articles rank first)."""
    boosts = []
    for plan in plans:
        for form in plan.exact:
            boosts.append(_docs(searcher, substring_query("title_grams", form)))
            if plan.parts and field_name == "all":
                boosts.append(_docs(searcher, substring_query("fulltext_grams", form)))
    return boosts


def _facet_groups() -> dict:
    return {
        name: sorting.FieldFacet(fieldname, allow_overlap=multi, maptype=sorting.Count)
        for name, (fieldname, _, multi) in FACETS.items()
    }


def _sorted_facet(counts: dict) -> list[tuple[str, int]]:
    values = [(str(value), count) for value, count in counts.items() if value not in ("", None) and count]
    return sorted(values, key=lambda item: (-item[1], item[0]))


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

    parsed = parse_query(q)
    groups, excluded = plan_query(parsed, field)
    plans = [plan for group in groups for plan in group]
    by_date = sort == "date" or not parsed.groups
    searcher, (ordered, facets, exact_count) = _run(groups, excluded, field, filters, by_date)
    count = len(ordered)
    pages = max(1, math.ceil(count / per_page))
    start = (page - 1) * per_page
    ids = [int(searcher.stored_fields(docnum)["django_id"]) for docnum in ordered[start : start + per_page]]
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


def _run(groups, excluded, field_name, filters, by_date) -> tuple[Searcher, tuple[list[int], dict, int | None]]:
    """All matching document numbers in order, the facets and the whole-word count.

    Matching is set algebra on cached document sets; Whoosh then only orders the matches (by the
    jieba word scores, or by date) and counts the facets. The last few answers are kept per index
    generation (document numbers are only valid within one), so paging and going back cost nothing.
    """
    searcher = get_searcher()
    frozen_filters = tuple(sorted((name, tuple(values)) for name, values in filters.items()))
    key = (stamp_of(searcher), repr(groups), repr(excluded), field_name, by_date, frozen_filters)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return searcher, cached
    allowed = matching_docs(searcher, groups, excluded, field_name, filters)
    if allowed is not None and not allowed:
        answer = ([], {name: [] for name in FACETS}, None)  # nothing found, nothing to count
    else:
        plans = [plan for group in groups for plan in group]
        if by_date or not plans:
            query: Query = Every()
            sortedby = sorting.MultiFacet(
                [sorting.FieldFacet("sort_date", reverse=True), sorting.FieldFacet("sort_seq")]
            )
        else:
            query = Or([_scoring_query(plans), ConstantScoreQuery(Every(), 0.0)])
            sortedby = None
        results = searcher.search(query, filter=allowed, limit=None, sortedby=sortedby, groupedby=_facet_groups())
        if sortedby is None:
            boosts = _exact_boosts(searcher, plans, field_name)
            scored = [
                (score + EXACT_BOOST * sum(docnum in boost for boost in boosts), docnum)
                for score, docnum in results.top_n
            ]
            scored.sort(key=lambda item: (-item[0], item[1]))
            ordered = [docnum for _, docnum in scored]
        else:
            ordered = [docnum for _, docnum in results.top_n]  # Whoosh document numbers, in order
        facets = {name: _sorted_facet(results.groups(name)) for name in FACETS}
        exact_count = None
        if any(plan.parts for plan in plans):
            exact_docs = matching_docs(searcher, groups, excluded, field_name, filters, strict=True)
            exact_count = len(exact_docs) if exact_docs is not None else len(ordered)
        answer = (ordered, facets, exact_count)
    with _cache_lock:
        _cache[key] = answer
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return searcher, answer


# --- results ---------------------------------------------------------------------------------
def load_hits(ids: list[int], plans: list[TermPlan], field_name: str) -> list[Hit]:
    from ..models import Article

    articles = {article.pk: article for article in Article.objects.visible().with_related().filter(pk__in=ids)}
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
