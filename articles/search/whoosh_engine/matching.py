"""Matching, ordering and counting on the Whoosh index as array operations (``internals.arrays``).

Matching is by exact substring on character bigrams, so every result contains what was typed: where
jieba indexed a word whole it is surely there; elsewhere its candidates are the documents holding its
rarest bigrams, and their texts are checked, so a phrase costs only its uncertain candidates and never
the bigrams found in most articles. Words, OR, exclusions and facet filters combine as boolean arrays;
the matches are ordered by BM25F over the jieba words (Whoosh's formula: the title weighs four times
the body, plus a boost for whole forms in the title) or by date, and every facet is counted over all of
them in one pass. A date range is one more boolean array, from each document's printing day (the ``date``
column) and year (``dates`` says which articles lie in a range). Document sets, the unfiltered facet counts
and recent answers are kept per index generation.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict

import numpy as np

from .. import analysis
from ..contract import FACETS, GRAM_FIELDS, Matches, QueryPlan, TermPlan, normalise, sorted_facet
from ..dates import DateRange
from ..folding import ANALYSIS, ANALYSIS_FIELD, fold
from .internals.arrays import IndexArrays, forget_postings, index_arrays, vocabulary
from .internals.searcher import get_searcher

# jieba word fields whose text is part of the bigram field's: a form indexed there as a word is surely in it.
WORD_FIELDS = {"all": ("text",), "title": ("title", "headings"), "author": ()}
SCORED_FIELDS = ("title", "headings", "text")  # BM25F over jieba words; field boosts in the schema
EXACT_BOOST = 8.0
CACHE_SIZE = 64  # recent answers (ordered documents, facets) kept per process; keyed by index generation
ORDER_KEPT = 2000  # ordered document numbers kept per answer (100 pages); later pages are computed again
DOCSET_CACHE_SIZE = 512  # document sets (packed bits) of recent words, phrases and filter values, likewise

_cache: OrderedDict = OrderedDict()
_docsets: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def forget_answers() -> None:
    """Drop the answers and word/phrase document sets kept for recent queries, and the decoded postings."""
    with _cache_lock:
        _cache.clear()
        _docsets.clear()
    forget_postings()


def author_exact(searcher, name: str) -> bool:
    return searcher.doc_frequency("authors", fold(name)) > 0


def stale_documents(view: IndexArrays) -> int:
    """Live documents not analysed as now (without the current ``ANALYSIS`` mark): written before the
    folding, or by another version of it; searches may miss them until the index is rebuilt. Counted from
    each segment's value codes (read once per segment, as the facets are: before gunicorn forks)."""
    return view.once(("stale",), lambda: view.count - view.counts(ANALYSIS_FIELD, view.live).get(ANALYSIS, 0))


# --- matching: document sets as boolean arrays over the searcher's document numbers ------------
def _cached(view: IndexArrays, key: tuple, compute) -> np.ndarray:
    """A document set kept per index generation (packed: 2.5 KB per 20,000 documents)."""
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
# candidate's text, per candidate. The raw costs measured at 100,000 articles are ~0.11 and ~2 µs, but
# with the document set made of each read, a ratio of 4 answered the benchmark's queries faster than 16.
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
    if field_name == "author" and not plan.term.phrase and author_exact(view.searcher, plan.term.text):
        name = fold(plan.term.text)
        return _cached(view, ("term", "authors", name), lambda: view.term_mask("authors", name))
    forms = plan.exact if strict else plan.forms
    docs = np.zeros(view.size, dtype=bool)
    for form in forms:
        docs |= substring_docs(view, field_name, form)
    return docs


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


# --- dates: each document's printing day and year, as arrays --------------------------------------
# Whoosh's DATETIME column holds microseconds since 0001-01-01; a document without a date holds the
# column's default (the largest number), past any real day.
MICROSECONDS_PER_DAY = 86_400_000_000
NO_DATE_FROM = datetime.date.max.toordinal() * MICROSECONDS_PER_DAY


def printing_days(view: IndexArrays) -> np.ndarray:
    """Each document's printing day as a date ordinal; 0 when not known to the day."""

    def build() -> np.ndarray:
        values = view.numbers("date")
        known = values < NO_DATE_FROM
        days = np.zeros(view.size, dtype=np.int32)
        days[known] = (values[known] // MICROSECONDS_PER_DAY + 1).astype(np.int32)
        return days

    return view.once(("printing_days",), build)


def issue_years(view: IndexArrays) -> np.ndarray:
    """Each document's year of issue; 0 when unknown."""

    def build() -> np.ndarray:
        codes = view.codes("year")
        values = vocabulary("year").values
        # Code -1 (no year) takes the last entry, 0.
        years = np.array([int(value) if value.isdigit() else 0 for value in values] + [0], dtype=np.int32)
        return years[codes]

    return view.once(("issue_years",), build)


def printing_months(view: IndexArrays) -> np.ndarray:
    """Each document's month of printing as year × 12 + month − 1; -1 when not known to the day."""

    def build() -> np.ndarray:
        days = printing_days(view)
        known = days > 0
        months = np.full(view.size, -1, dtype=np.int32)
        as_dates = np.datetime64("0001-01-01", "D") + (days[known] - 1).astype("timedelta64[D]")
        months[known] = as_dates.astype("datetime64[M]").astype(np.int32) + 1970 * 12
        return months

    return view.once(("printing_months",), build)


def in_date_range(view: IndexArrays, dates: DateRange) -> np.ndarray:
    """Documents known to lie in the range: their day is in it, or they have only a year it wholly covers."""

    def compute() -> np.ndarray:
        days, years = printing_days(view), issue_years(view)
        low = dates.first.toordinal() if dates.first else 1
        high = dates.last.toordinal() if dates.last else datetime.date.max.toordinal()
        inside = (days >= low) & (days <= high)  # days 0 (unknown) are never >= 1
        first_year, last_year = dates.whole_years
        whole = (days == 0) & (years > 0)
        if first_year is not None:
            whole &= years >= first_year
        if last_year is not None:
            whole &= years <= last_year
        return inside | whole

    return _cached(view, ("in_dates", dates), compute)


def undated_for(view: IndexArrays, dates: DateRange) -> np.ndarray:
    """Documents whose date is unknown for the range: no day and no year, or only a year it cuts."""

    def compute() -> np.ndarray:
        days, years = printing_days(view), issue_years(view)
        return (days == 0) & ((years == 0) | np.isin(years, dates.cut_years))

    return _cached(view, ("undated", dates), compute)


def month_counts(view: IndexArrays, docs: np.ndarray) -> list[tuple[str, int]]:
    """("2024-03", n) for each month of printing among ``docs``, in month order."""
    months = printing_months(view)
    chosen = months[docs & (months >= 0)]
    if not len(chosen):
        return []
    base = int(chosen.min())
    tally = np.bincount(chosen - base)
    return [(f"{(base + m) // 12:04d}-{(base + m) % 12 + 1:02d}", int(tally[m])) for m in np.flatnonzero(tally)]


def count_matches(plan: QueryPlan, *, strict: bool = False) -> int:
    view = index_arrays(get_searcher())
    docs = matching_docs(view, plan.groups, plan.excluded, plan.field, plan.filters, strict=strict)
    if plan.dates is not None:
        docs &= in_date_range(view, plan.dates)
    return int(docs.sum())


def _scoring_words(plans: list[TermPlan]) -> list[str]:
    """The jieba words whose BM25F scores order the matches (the title weighs most, then kicker/subtitle)."""
    return list(dict.fromkeys(analysis.search_words(" ".join(form for plan in plans for form in plan.forms))))


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


def find(plan: QueryPlan, *, by_date: bool, start: int, size: int) -> Matches:
    """Results ``start``..``start + size`` (article ids), their count, facets and whole-word count."""
    arguments = (plan.groups, plan.excluded, plan.field, plan.filters, plan.dates, by_date)
    searcher, (ordered, count, facets, exact_count, months, undated) = _run(*arguments)
    if start + size > len(ordered) and len(ordered) < count:  # past the kept order: all of it
        searcher, (ordered, count, facets, exact_count, months, undated) = _run(*arguments, keep=None)
    ids = [int(searcher.stored_fields(int(docnum))["django_id"]) for docnum in ordered[start : start + size]]
    return Matches(ids, count, facets, exact_count, months, undated, stale_documents(index_arrays(searcher)))


def _run(
    groups, excluded, field_name, filters, dates, by_date, keep: int | None = ORDER_KEPT
) -> tuple[object, tuple[np.ndarray, int, dict, int | None, list, int]]:
    """The matching document numbers in order (the first ``keep``; None: all), their count, the facets,
    the whole-word count, the counts per month and how many were left out for an unknown date.

    Matching is set algebra on document sets; ordering by date is one gather from the index's date
    order, by relevance a BM25F sum over the scoring words' postings; facets are counted from each
    document's values. The last few answers are kept per index generation (document numbers are
    only valid within one), so paging and going back cost nothing.
    """
    searcher = get_searcher()
    view = index_arrays(searcher)
    frozen_filters = tuple(sorted((name, tuple(values)) for name, values in filters.items()))
    key = (view.stamp, repr(groups), repr(excluded), field_name, by_date, frozen_filters, dates, keep)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return searcher, cached
    allowed = matching_docs(view, groups, excluded, field_name, filters)
    undated = 0
    if dates is not None:
        undated = int(np.count_nonzero(allowed & undated_for(view, dates)))
        allowed &= in_date_range(view, dates)
    count = int(allowed.sum())
    plans = [plan for group in groups for plan in group]
    if not count:  # nothing to count
        answer = (np.zeros(0, dtype=np.int32), 0, {name: [] for name in FACETS}, None, [], undated)
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
        if groups or excluded or filters or dates:
            facets, months = _facets(view, allowed), month_counts(view, allowed)
        else:  # the whole archive: counted once per generation
            facets, months = view.once(("facets",), lambda: (_facets(view, allowed), month_counts(view, allowed)))
        exact_count = None
        if any(plan.parts for plan in plans):
            whole = matching_docs(view, groups, excluded, field_name, filters, strict=True)
            if dates is not None:
                whole &= in_date_range(view, dates)
            exact_count = int(whole.sum())
        answer = (ordered[:keep].astype(np.int32), count, facets, exact_count, months, undated)
    with _cache_lock:
        _cache[key] = answer
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return searcher, answer


def _facets(view: IndexArrays, docs: np.ndarray) -> dict[str, list[tuple[str, int]]]:
    return {
        name: sorted_facet(view.counts(fieldname, docs, multi=multi).items())
        for name, (fieldname, _, multi) in FACETS.items()
    }


def related_ids(zone_names: list[str], city: str | None, limit: int) -> list[int]:
    """Ids of the ``limit`` newest visible articles (the index's date order) in any of the zones (as
    primary or mentioned zone) or the city; those in one of the zones first.

    The database would sort every article of the city to find them, reading each whole row; here it is
    a mask over the index's facet values and one gather from its date order.
    """
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
