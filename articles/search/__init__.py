"""Chinese full-text and faceted search over the archive (haystack + Whoosh + jieba).

Public API:
    sync_articles(article_ids)  (re)index the visible ones, remove the others; synchronous
    search(...)                 run a reader's query (see ``service.search``; ``engine_neutral.search``
                                when the engine is not Whoosh, README “Scale-out”)
"""

from .sync import SyncResult, sync_articles

__all__ = ["SyncResult", "search", "sync_articles"]


def search(*args, **kwargs):
    """The Whoosh-native service (fast path), or haystack's SearchQuerySet for other engines (Elasticsearch)."""
    from .engine_neutral import uses_whoosh
    from .unavailable import reading_index

    if uses_whoosh():
        from .service import search as run
    else:
        from .engine_neutral import search as run
    with reading_index():
        return run(*args, **kwargs)
