"""Chinese full-text and faceted search over the archive: the search app's public face.

Code outside ``articles/search/`` uses only what is named here:

    search(q, field=, filters=, sort=, page=, date_from=, date_to=)
                                                a reader's search → SearchResult (SearchInputError)
    SearchForm(request.GET)                     the one check of a request's search parameters
    result_ids(arguments, limit)                ids of a checked search's first results in order (exports)
    related_ids(zone_names, city, limit)        the newest articles of some zones or a city
    highlight(text, forms)                      text escaped, every occurrence of a form in <mark>
    sync_articles(ids), sync_on_commit(ids)     the index brought up to date, now or after the commit
    deferred_indexing(), drain_all()            batch writes (ingest runs), the whole backlog written
    index_generation()                          what changes with every index write (None: no local index)
    warm()                                      read the index ahead (gunicorn's master, before the fork)
    answers_503                                 a view decorator: SearchUnavailable becomes a 503
    get_search_engine()                         the engine chosen in settings (``engine.SearchEngine``)

and the types, constants and haystack field kinds (``articles/search_indexes.py``) re-exported below.
The engine (Whoosh, or OpenSearch for scale-out) is chosen once from settings; nothing outside this
package asks which one it is.
"""

from .contract import (
    FACETS,
    FIELDS,
    PER_PAGE,
    SORTS,
    Hit,
    IndexBusy,
    IndexDamaged,
    SearchInputError,
    SearchResult,
    SearchUnavailable,
    SyncResult,
)
from .engine import get_search_engine
from .fields import BigramField, ExactField, ExactListField, WordsField, full_text, title_text
from .forms import SearchArguments, SearchForm
from .results import highlight
from .sync import deferred_indexing, drain_all, sync_articles, sync_on_commit
from .unavailable import answers_503

__all__ = [
    "FACETS",
    "FIELDS",
    "PER_PAGE",
    "SORTS",
    "BigramField",
    "ExactField",
    "ExactListField",
    "Hit",
    "IndexBusy",
    "IndexDamaged",
    "SearchArguments",
    "SearchForm",
    "SearchInputError",
    "SearchResult",
    "SearchUnavailable",
    "SyncResult",
    "WordsField",
    "answers_503",
    "deferred_indexing",
    "drain_all",
    "full_text",
    "get_search_engine",
    "highlight",
    "index_generation",
    "related_ids",
    "result_ids",
    "search",
    "sync_articles",
    "sync_on_commit",
    "title_text",
    "warm",
]


def search(
    q: str = "",
    *,
    field: str = "all",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    date_from: str = "",
    date_to: str = "",
) -> SearchResult:
    """One page of results for a reader's query, with facet counts over all the results.

    ``filters`` maps FACETS keys to values; every value must hold (AND). ``date_from`` and ``date_to``
    (YYYY, YYYY-MM or YYYY-MM-DD: from the start of the one period to the end of the other) keep the
    articles printed in that range; those of unknown date are left out and counted in ``undated``.
    Raises SearchInputError for an unknown field, sort or facet name, a page below 1 (a page past the
    end is empty) or a bad date, and SearchUnavailable when the engine cannot answer.
    """
    arguments = SearchForm.of(
        q, field=field, filters=filters, sort=sort, page=page, date_from=date_from, date_to=date_to
    ).arguments()
    return get_search_engine().search(arguments, per_page)


def result_ids(arguments: SearchArguments, limit: int) -> list[int]:
    """Ids of the first ``limit`` results of a search, in its order, without loading or highlighting them
    (an export of a result set). ``arguments`` are ``SearchForm(...).arguments()``: the page's parameters,
    all of them, checked once (``page`` is not used: the results start at the first). Raises
    SearchUnavailable when the engine cannot answer."""
    return get_search_engine().result_ids(arguments, limit)


def related_ids(zone_names: list[str], city: str | None, limit: int = 5) -> list[int]:
    """Ids of the ``limit`` newest visible articles in any of the zones (primary or mentioned) or the
    city; those in one of the zones first."""
    return get_search_engine().related(zone_names, city, limit)


def index_generation() -> tuple | None:
    """What identifies the committed index; None when the engine has no local index to look at."""
    return get_search_engine().generation()


def warm() -> None:
    """The jieba dictionary and the folding's tables built, and what every search reads from the index read
    (gunicorn's master, before the workers fork: they share it instead of each building it at its first search)."""
    from . import analysis, folding

    analysis.segmenter()
    folding.prepare()
    get_search_engine().warm()
