"""What every search engine and every caller share: the fields, sorts and facets a reader can ask for,
and the shapes of a plan, a page of matches, a hit and a result.

Pure data: no engine, no Django model, so that anything may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import DateRange
from .folding import fold
from .query import ParsedQuery
from .query import Term as QueryTerm

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
# The bigram field a scope's substrings are matched on.
GRAM_FIELDS = {"all": "fulltext_grams", "title": "title_grams", "author": "author_grams"}


class SearchInputError(ValueError):
    """A parameter that cannot be used (the message is for the reader)."""


class SearchUnavailable(RuntimeError):
    """The search engine did not answer, or refused the request."""


class IndexDamaged(SearchUnavailable):
    """A file of the local index could not be read: truncated, missing or garbled (``check_index``)."""


def normalise(text: str) -> str:
    """A typed form as the index compares it: folded (``folding``), lowercased, spaces collapsed."""
    return " ".join(fold(text).lower().split())


@dataclass
class TermPlan:
    """How one typed term is matched: its exact forms and, failing those, its parts."""

    term: QueryTerm
    exact: list[str]  # whole forms (the term, a zone's names, or a generic form and its full names)
    parts: list[str] = field(default_factory=list)  # distinctive jieba words of the term
    zone: str | None = None  # the zone whose name was typed
    also: list[str] = field(default_factory=list)  # full names a generic form was also searched as

    @property
    def forms(self) -> list[str]:
        return self.exact + [part for part in self.parts if part not in self.exact]


@dataclass(frozen=True)
class QueryPlan:
    """A parsed query planned for one scope: each group's term plans (a group matches when one of its
    terms does), the exclusions, the facet filters (every value must hold) and the range of printing
    days (``dates``; articles of unknown date for it are left out)."""

    groups: list[list[TermPlan]]
    excluded: list[TermPlan]
    field: str
    filters: dict[str, list[str]]
    dates: DateRange | None = None

    @property
    def plans(self) -> list[TermPlan]:
        return [plan for group in self.groups for plan in group]

    def with_filters(self, filters: dict[str, list[str]]) -> QueryPlan:
        return QueryPlan(self.groups, self.excluded, self.field, filters, self.dates)

    def with_dates(self, dates: DateRange | None) -> QueryPlan:
        return QueryPlan(self.groups, self.excluded, self.field, self.filters, dates)

    @property
    def also_searched(self) -> list[str]:
        """The full names generic forms were also searched as (经开区 → 经济技术开发区, …), for the reader."""
        return list(dict.fromkeys(name for plan in self.plans for name in plan.also))


@dataclass
class Matches:
    """One page of an engine's answer: article ids in order, how many match, facet counts over all of
    them, and how many contain every word whole (None when no word was matched by its parts); the
    matches per month of printing ("2024-03", of those known to the day, in month order), and, with a
    date range, how many would match but have an unknown date for it (left out); ``stale``: documents in
    the whole index analysed otherwise than now (``folding.ANALYSIS``), which searches may miss."""

    ids: list[int]
    count: int
    facets: dict[str, list[tuple[str, int]]]
    exact_count: int | None = None
    months: list[tuple[str, int]] = field(default_factory=list)
    undated: int = 0
    stale: int = 0


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
    dates: DateRange | None = None  # the range of printing days searched (None: all, unknown dates too)
    months: list[tuple[str, int]] = field(default_factory=list)  # results per month ("2024-03"), in order
    undated: int = 0  # with ``dates``: articles that would match but whose date is unknown for it (left out)
    also_searched: list[str] = field(default_factory=list)  # full names of typed generic forms (经开区)


def sorted_facet(counts) -> list[tuple[str, int]]:
    """(value, count) pairs, most frequent first, then by value; empty values and zero counts left out."""
    values = [(str(value), count) for value, count in counts if value not in ("", None) and count]
    return sorted(values, key=lambda item: (-item[1], item[0]))


class IndexBusy(RuntimeError):
    """Another process kept the index's writer longer than the timeout; the articles stay in the backlog."""


@dataclass(frozen=True)
class SyncResult:
    indexed: int  # visible articles written to the index
    removed: int  # ids deleted from the index (hidden, unpublished or gone)
    failed: tuple[int, ...] = ()  # articles whose document could not be prepared; their rows stay
