"""Hooks for the benchmark and the tests, not used by the archive itself: the same match as one plain
Whoosh query (the raw-Whoosh baseline and the oracle for the set algebra of ``matching``), and dropping
what earlier queries left so that a query is timed as if asked first.
"""

from __future__ import annotations

import datetime

from whoosh import sorting
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    ConstantScoreQuery,
    DateRange,
    Every,
    Not,
    NullQuery,
    Or,
    Phrase,
    Prefix,
    Query,
    Term,
    TermRange,
)
from whoosh.searching import Searcher

from .. import analysis
from ..contract import FACETS, GRAM_FIELDS, TermPlan, normalise
from ..dates import DateRange as PrintingDays
from ..folding import fold
from ..planning import plan_query
from ..query import parse as parse_query
from .internals.arrays import kept_postings, restore_postings
from .matching import SCORED_FIELDS, _scoring_words, author_exact
from .matching import forget_answers as forget_matching_answers

__all__ = ["forget_answers", "kept_postings", "plain_whoosh_query", "restore_postings"]


def forget_answers() -> None:
    """What earlier queries left: answers, document sets, decoded postings, and their folded forms."""
    forget_matching_answers()
    fold.cache_clear()


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


def _scoring_query(plans: list[TermPlan]) -> Query:
    clauses: list[Query] = [Term(name, word) for word in _scoring_words(plans) for name in SCORED_FIELDS]
    return Or(clauses) if clauses else NullQuery


def _midnight(day: datetime.date | None) -> datetime.datetime | None:
    return datetime.datetime(day.year, day.month, day.day) if day else None


def date_range_query(dates: PrintingDays) -> Query:
    """Documents printed in the range: a day in it, or no day and a year it wholly covers."""
    by_day = DateRange("date", _midnight(dates.first), _midnight(dates.last))
    first_year, last_year = dates.whole_years
    if first_year is not None and last_year is not None and first_year > last_year:
        return by_day
    years = TermRange("year", str(first_year) if first_year else None, str(last_year) if last_year else None)
    return Or([by_day, And([Not(Every("date")), years])])


def plain_whoosh_query(
    searcher: Searcher,
    q: str,
    *,
    field: str = "all",
    filters: dict | None = None,
    sort: str = "relevance",
    dates: PrintingDays | None = None,
) -> tuple[Query, Query | None, object]:
    """The same match as ``search()`` written as one plain Whoosh query, for Whoosh alone to evaluate:
    (query, filter query or None, sortedby or None). Each typed word is an Or of substring phrases on
    the bigram field (its forms), groups are And-ed, exclusions AndNot-ed, facet values and the date
    range a filter; by relevance the jieba word clauses score the matches. No caches: the benchmark's
    raw-Whoosh baseline and the tests' oracle for the set algebra of ``search()``.
    """
    plan = plan_query(parse_query(q), field)
    groups, excluded = plan.groups, plan.excluded

    def plan_clause(plan: TermPlan, strict: bool = False) -> Query:
        if field == "author" and not plan.term.phrase and author_exact(searcher, plan.term.text):
            return Term("authors", fold(plan.term.text))
        forms = plan.exact if strict else plan.forms
        return Or([substring_query(GRAM_FIELDS[field], form) for form in forms])

    clauses = [Or([plan_clause(plan) for plan in group]) for group in groups]
    match: Query = And(clauses) if clauses else Every()
    if excluded:
        match = AndNot(match, Or([plan_clause(plan, strict=True) for plan in excluded]))
    values = [Term(FACETS[name][0], value) for name, vals in (filters or {}).items() for value in vals if value]
    if dates is not None:
        values.append(date_range_query(dates))
    filter_query = And(values) if values else None
    if sort == "date" or not groups:
        sortedby = sorting.MultiFacet([sorting.FieldFacet("sort_date", reverse=True), sorting.FieldFacet("sort_seq")])
        return match, filter_query, sortedby
    plans = [plan for group in groups for plan in group]
    return AndMaybe(ConstantScoreQuery(match, 0.0), _scoring_query(plans)), filter_query, None
