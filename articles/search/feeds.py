"""RSS and Atom feeds of any search: the newest articles matching it, to follow a topic as the archive grows."""

from __future__ import annotations

from dataclasses import replace

from ..feeds import ITEMS, SITE, AtomFeed, LatestArticles
from .contract import FACETS
from .engine import get_search_engine
from .forms import SearchForm


class SearchArticles(LatestArticles):
    """The ``ITEMS`` newest results of the search the query string describes (as on /search/)."""

    def get_object(self, request):
        arguments, _ = SearchForm(request.GET).lenient()
        arguments = replace(arguments, sort="date", page=1)
        return arguments, request.GET.urlencode()

    def title(self, obj):
        arguments, _ = obj
        chosen = [value for values in arguments.filters.values() for value in values]
        if arguments.dates is not None:
            chosen.append(arguments.dates.describe())
        what = "、".join(([f"“{arguments.q.strip()}”"] if arguments.q.strip() else []) + chosen) or "全部文章"
        return f"检索 {what} · {SITE}"

    def description(self, obj):
        return f"{self.title(obj)}：按出版日期最新的 {ITEMS} 篇"

    def link(self, obj):
        return f"/search/?{obj[1]}" if obj[1] else "/search/"

    def items(self, obj):
        arguments, _ = obj
        result = get_search_engine().search(arguments, ITEMS)
        return [hit.article for hit in result.hits]


class SearchArticlesAtom(SearchArticles):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)


FEEDS = {"rss": SearchArticles(), "atom": SearchArticlesAtom()}
FEED_PARAMS = ("q", "field", "date_from", "date_to", *FACETS)  # what a feed link carries over from the search page
