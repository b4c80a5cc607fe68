"""The index backlog (``IndexBacklog``, the index's outbox): rows written with the changes they follow,
taken by a drain and deleted once the index holds their articles. Shared by every engine's writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

QUERY_CHUNK = 500  # ids per SQL ``IN (...)``


def identifier(article_id: int) -> str:
    """The index's unique id of an article (haystack's ``app.model.pk``)."""
    return f"articles.article.{article_id}"


def chunks(values: list, size: int = QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def take_rows(own: set[int] | None, limit: int | None, skip: set[int], lock=False) -> list[tuple[int, int]]:
    """Backlog rows (pk, article_id): all of ``own``'s, then the oldest others up to ``limit`` rows."""
    from .models import IndexBacklog

    rows = {}
    queue = IndexBacklog.objects.exclude(article_id__in=skip) if skip else IndexBacklog.objects.all()
    if lock:
        queue = queue.select_for_update()
    for chunk in chunks(sorted(own or ())):
        rows.update(queue.filter(article_id__in=chunk).values_list("pk", "article_id"))
    others = queue.order_by("pk").values_list("pk", "article_id")
    rows.update(others[:limit] if limit is not None else others)
    return sorted(rows.items())


def forget_rows(rows: list[tuple[int, int]], failed: Iterable[int] = ()) -> None:
    """Delete the backlog rows whose articles are in the index now (not those that ``failed``)."""
    from .models import IndexBacklog

    failed = set(failed)
    for chunk in chunks([pk for pk, article_id in rows if article_id not in failed]):
        IndexBacklog.objects.filter(pk__in=chunk).delete()


def insert(article_ids: Iterable[int], using: str) -> None:
    from .models import IndexBacklog

    IndexBacklog.objects.using(using).bulk_create(IndexBacklog(article_id=pk) for pk in article_ids)


def backlog_size() -> int:
    from .models import IndexBacklog

    return IndexBacklog.objects.count()
