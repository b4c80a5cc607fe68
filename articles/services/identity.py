"""Article ids outlive the articles: a removed article leaves a ``RetiredArticle`` behind, whose URL
redirects to its successor or explains that it is gone."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Article, Page, RetiredArticle

# Chains of merges are short; the bound only guards against a cycle written by hand.
MAX_HOPS = 20


def retire(article: Article, reason: str, successor_id: int | None = None) -> RetiredArticle:
    """Record ``article`` as retired (call before deleting it); the record written first wins."""
    page = Page.objects.filter(pk=article.page_id).values("issue_id").first()
    keep_text = reason == RetiredArticle.Reason.DELETED
    record, _ = RetiredArticle.objects.get_or_create(
        pk=article.pk,
        defaults={
            "successor_id": successor_id,
            "reason": reason,
            "title": article.title or str(article)[:300],
            "page_id": article.page_id,
            "issue_id": page["issue_id"] if page else None,
            "text": "\n".join(filter(None, (article.title, article.body_text))) if keep_text else "",
        },
    )
    return record


def retire_on_delete(sender, instance: Article, **kwargs) -> None:
    """pre_delete: an article deleted any other way (admin, a page or issue deleted) was deleted by an editor."""
    if not kwargs.get("raw"):
        retire(instance, RetiredArticle.Reason.DELETED)


@dataclass
class Whereabouts:
    record: RetiredArticle
    successor: Article | None  # the live article it now is part of (visible to readers), if any


def whereabouts(pk: int, visible) -> Whereabouts | None:
    """Where the retired article ``pk`` went; None when the id never named an article or still names one
    (hidden from readers, then: a plain 404 says nothing about it).

    ``visible`` is the queryset of articles readers may see: a successor they may not see is not named.
    """
    if Article.objects.filter(pk=pk).exists():
        return None
    record = RetiredArticle.objects.filter(pk=pk).first()
    if record is None:
        return None
    step, seen = record, {pk}
    for _ in range(MAX_HOPS):
        target = step.successor_id
        if target is None or target in seen:
            break
        seen.add(target)
        live = visible.filter(pk=target).first()
        if live is not None:
            return Whereabouts(record, live)
        if Article.objects.filter(pk=target).exists():
            break  # hidden from readers
        step = RetiredArticle.objects.filter(pk=target).first()
        if step is None:
            break
    return Whereabouts(record, None)
