"""The search engine behind the archive: one base class, one implementation per engine, chosen once from
settings (``get_search_engine``, as wagtail's ``get_search_backend``).

The base class runs a reader's search the same way for every engine (plan the query, ask the engine for
a page of matches, load and highlight the hits, suggest what to try when nothing is found); an engine
answers the questions only it can: which documents match and in what order, how many, how many per
facet value, which are related, and how its index is written, tidied and versioned.
"""

from __future__ import annotations

import math
import pickle
import struct
import zlib
from contextlib import contextmanager

from django.utils.module_loading import import_string

from . import planning
from .contract import PER_PAGE, IndexDamaged, Matches, QueryPlan, SearchResult
from .forms import SearchArguments
from .query import parse as parse_query
from .results import load_hits

# What reading a damaged index raises whatever the engine: a truncated file EOFError, a missing one
# OSError, garbled bytes the decoders' errors.
READ_ERRORS = (EOFError, OSError, struct.error, zlib.error, pickle.UnpicklingError)


def stale_note(stale: int) -> str:
    """What readers are told while the index holds documents analysed otherwise than now."""
    return (
        f"检索索引中有 {stale} 篇文章尚未按现行方式重建，繁体字、全角字符的写法可能查不全"
        "（请管理员运行 manage.py rebuild_index --noinput）。"
    )


class Unsupported(RuntimeError):
    """The engine cannot do this (the message says what to do instead)."""


class SearchEngine:
    """What the archive asks of a search engine; subclasses answer for one engine."""

    name = ""
    read_errors: tuple[type[BaseException], ...] = READ_ERRORS
    # ``rebuild_index`` writes the whole index itself (else it is haystack's command, unchanged).
    rebuilds_in_one_commit = False

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        from haystack import connections

        return connections[self.using]

    @property
    def backend(self):
        """Haystack's backend for the engine (it writes documents as ``search_indexes`` defines them)."""
        return self.connection.get_backend()

    @property
    def index(self):
        """The haystack SearchIndex of articles."""
        from ..models import Article

        return self.connection.get_unified_index().get_index(Article)

    # --- a reader's search: the same for every engine ----------------------------------------------
    def search(self, arguments: SearchArguments, per_page: int = PER_PAGE) -> SearchResult:
        """One page of results for checked arguments, with facet counts over all the results."""
        with self.reading():
            parsed, plan, by_date = self.planned(arguments)
            start = (arguments.page - 1) * per_page
            matches = self.matches(plan, by_date=by_date, start=start, size=per_page)
            result = SearchResult(
                query=arguments.q or "",
                parsed=parsed,
                field=arguments.field,
                filters=arguments.filters,
                sort="date" if by_date else "relevance",
                page=arguments.page,
                pages=max(1, math.ceil(matches.count / per_page)),
                count=matches.count,
                exact_count=matches.exact_count,
                hits=load_hits(matches.ids, plan.plans, arguments.field),
                facets=matches.facets,
                notes=list(parsed.notes),
                dates=arguments.dates,
                months=matches.months,
                undated=matches.undated,
                also_searched=plan.also_searched,
            )
            if matches.stale:
                result.notes.append(stale_note(matches.stale))
            if matches.count == 0:
                result.suggestions = planning.suggestions(self, parsed, plan)
            result.related = planning.related_filters(self, parsed, arguments.filters)
        return result

    def result_ids(self, arguments: SearchArguments, limit: int) -> list[int]:
        """The ids of the first ``limit`` results in the search's order, nothing else (exports)."""
        with self.reading():
            _, plan, by_date = self.planned(arguments)
            return self.first_ids(plan, by_date=by_date, limit=limit)

    def planned(self, arguments: SearchArguments):
        """(the parsed query, its plan, whether ordered by date): the one reading of a search's arguments,
        for its page and its exports alike."""
        self.refresh()  # first: a new index generation may come with new zone names, which planning reads
        parsed = parse_query(arguments.q)
        plan = planning.plan_query(parsed, arguments.field, arguments.filters, arguments.dates)
        return parsed, plan, arguments.sort == "date" or not parsed.groups

    @contextmanager
    def reading(self):
        """Turns a damaged index met inside the block into ``IndexDamaged`` (readers get a 503)."""
        try:
            yield
        except self.read_errors as error:
            raise IndexDamaged(f"检索索引文件损坏或缺失 / the search index cannot be read: {error!r}") from error

    # --- what each engine answers ------------------------------------------------------------------
    def refresh(self) -> None:
        """Before a search: read the latest committed index, and names that may have come with it."""

    def matches(self, plan: QueryPlan, *, by_date: bool, start: int, size: int) -> Matches:
        """Results ``start``..``start + size`` by relevance or newest first, their count, facets and counts
        per month; with ``plan.dates``, only articles whose date is known to lie in the range, and how
        many others would match but have an unknown date for it (``dates`` module)."""
        raise NotImplementedError

    def first_ids(self, plan: QueryPlan, *, by_date: bool, limit: int) -> list[int]:
        """Ids of the first ``limit`` matches in order (an engine may answer this more cheaply than a page)."""
        return self.matches(plan, by_date=by_date, start=0, size=limit).ids

    def count(self, plan: QueryPlan, *, strict: bool = False) -> int:
        """How many articles match (with ``strict``, only by whole forms)."""
        raise NotImplementedError

    def value_counts(self, facet: str, values: list[str]) -> dict[str, int]:
        """Articles in the whole index holding each of these values of a facet (FACETS key)."""
        raise NotImplementedError

    def related(self, zone_names: list[str], city: str | None, limit: int) -> list[int]:
        """Ids of the newest articles in any of the zones or the city; those in a zone first."""
        raise NotImplementedError

    def apply(self, own: set[int] | None, limit: int | None, skip: set[int], timeout: float | None):
        """Write backlog rows to the index (``own``'s, then the oldest up to ``limit``), one commit:
        returns (SyncResult, rows taken)."""
        raise NotImplementedError

    def rebuild(self, *, procs: int, progress=None) -> int:
        """Replace the index with every visible article in one commit; the number written."""
        raise NotImplementedError

    def tidy(self) -> bool:
        """Merge what small writes left (after an editor's response); False when nothing was done."""
        return False

    def generation(self) -> tuple | None:
        """What identifies the committed index (changes with every write); None when the engine has no
        local index to look at (pages are then neither validated nor kept)."""
        return None

    def after_request(self) -> None:
        """A request has ended: let go of what it kept open."""

    def warm(self) -> None:
        """Read what every search needs, before gunicorn's workers fork."""

    def problems(self) -> list[str]:
        """Cheap signs that the index and the database differ (the system check)."""
        return []

    def find_drift(self):
        raise Unsupported(
            "check_index 只核对 Whoosh 索引 / check_index compares a Whoosh index; with "
            f"{self.name}, rebuild_index --noinput rebuilds it"
        )

    def repair(self, timeout: float | None = None):
        return self.find_drift()

    def reset(self) -> None:
        """Forget what this process kept of the index (tests; after the index was moved or rebuilt)."""


_engines: dict[tuple[str, type], SearchEngine] = {}


def get_search_engine(using: str = "default") -> SearchEngine:
    """The engine of haystack's connection ``using`` (settings: HAYSTACK_CONNECTIONS), made once.

    Haystack's engine class names ours (``archive_engine``); a connection reloaded with another engine
    (tests) gets that engine's.
    """
    kind = type(_connection(using))
    engine = _engines.get((using, kind))
    if engine is None:
        engine = _engines.setdefault((using, kind), import_string(kind.archive_engine)(using))
    return engine


def _connection(using: str):
    from haystack import connections

    return connections[using]
