"""Chinese full-text and faceted search over the archive (haystack + Whoosh + jieba).

Public API:
    sync_articles(article_ids)  (re)index the visible ones, remove the others; synchronous
    search(...)                 run a reader's query (see ``service.search``)
"""

from .sync import SyncResult, sync_articles

__all__ = ["SyncResult", "search", "sync_articles"]


def search(*args, **kwargs):
    from .service import search as run

    return run(*args, **kwargs)
