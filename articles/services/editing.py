"""Editors' corrections: publish/unpublish, merge and split articles, merge a zone alias into its zone.

Each operation runs in one transaction that also queues every article it touched for the search index
(``sync_search_index``); the index takes them right after the commit, so readers and search agree before
the editor's request returns, and a crash in between leaves them queued, never forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.timezone import localtime

from ..models import Article, ArticleAuthor, Author, Caption, City, Issue, Page, RetiredArticle, Zone
from . import history, identity


class EditingError(Exception):
    """An operation the editor asked for that cannot be done; the message is for the editor."""


def sync_search_index(article_ids: Iterable[int]) -> None:
    """Re-index the visible ones among these articles and drop the rest, once the transaction commits.

    Called inside the transaction of every bulk change here (``QuerySet.update()`` sends no signals),
    with the ids of articles deleted too, so the queue entry commits with the change. Without a
    transaction it is synchronous: when it returns, searches see the change.
    """
    from ..search import sync_on_commit  # imported late: the search package loads haystack and jieba

    sync_on_commit(article_ids)


# A page's file as uploaded: large, and never changed by publishing.
PAGE_SOURCE = ("raw_bytes", "raw_text")


# --- publishing ---------------------------------------------------------------------------------------


def set_published(objects: QuerySet, published: bool, *, user=None, record=None) -> list[int]:
    """Publish or unpublish issues, pages or articles; returns the ids of the articles whose visibility may change.

    Publishing an issue also publishes its pages (they arrive unpublished from the upload); articles keep
    their own switch, so one an editor hid stays hidden. Unpublishing an issue hides all of it. Each object
    switched gets a new version and a revision, so a form opened before the switch cannot undo it.

    ``record(obj, message)``, when given, is called for each of ``objects`` (as they were before the switch)
    inside the same transaction: the admin writes its history entry there, so the switch and its entries
    commit together or not at all.
    """
    model = objects.model
    verb = "公开" if published else "撤下"
    with transaction.atomic():
        chosen = list(objects.defer(*PAGE_SOURCE) if model is Page else objects)
        pks = [obj.pk for obj in chosen]
        switched = model.objects.filter(pk__in=pks).exclude(is_published=published)
        if model is Page:
            switched = switched.defer(*PAGE_SOURCE)
        if model is Issue:
            affected = Article.objects.filter(page__issue__in=pks)
            pages = Page.objects.filter(issue__in=pks, is_published=False).defer(*PAGE_SOURCE) if published else []
            changed = [*switched, *pages]
        elif model is Page:
            affected = Article.objects.filter(page__in=pks)
            changed = list(switched)
        elif model is Article:
            affected = Article.objects.filter(pk__in=pks)
            changed = list(switched)
        else:  # pragma: no cover - programming error
            raise TypeError(model)
        history.ensure_baseline(changed)
        with history.recorded(verb, user):
            for obj in changed:
                obj.is_published = published
                obj.version += 1
                obj.save(update_fields=["is_published", "version"])
            history.add(*changed)
        if record is not None:
            for obj in chosen:
                record(obj, f"{verb}（is_published={published}）")
        article_ids = list(affected.values_list("pk", flat=True))
        sync_search_index(article_ids)
    return article_ids


# --- merge and split ----------------------------------------------------------------------------------


@dataclass
class MergeResult:
    article: Article  # the first article, now holding both
    removed_pk: int
    removed_title: str


def merge_articles(first: Article, second: Article, *, user=None) -> MergeResult:
    """Append ``second`` (the next article on the same page) to ``first``; ``second`` is retired.

    Its title, kicker and subtitle become a section heading in the merged body, so nothing printed is
    lost; authors, zones and captions are added to the first article's. Articles after it move up one
    position. The merged article is marked edited by hand (a re-parse keeps it); the second's URL
    redirects to it.
    """
    with transaction.atomic():
        first, second = (
            Article.objects.select_for_update().get(pk=first.pk),
            Article.objects.select_for_update().get(pk=second.pk),
        )
        if first.position > second.position:
            first, second = second, first
        if first.page_id != second.page_id or second.position != first.position + 1:
            raise EditingError("只能合并同一版面上相邻的两篇文章 / only consecutive articles on one page")
        history.ensure_baseline([first, second])
        heading = " ".join(part for part in (second.kicker, second.title, second.subtitle) if part)
        first.paragraphs = [
            *first.paragraphs,
            *([{"kind": "h", "text": heading}] if heading else []),
            *second.paragraphs,
        ]
        if second.byline and second.byline not in first.byline:
            first.byline = " ".join(part for part in (first.byline, second.byline) if part)
        first.continued_to = second.continued_to or first.continued_to
        if not first.continued_from:
            first.continued_from = second.continued_from
        first.zone = first.zone or second.zone
        first.city = first.city or second.city
        first.warnings = [*first.warnings, *second.warnings]
        first.edited_by_hand = True
        first.version += 1
        first.save()
        first.zones.add(*second.zones.all())

        order = first.authorships.count()
        known = set(first.authorships.values_list("author_id", flat=True))
        for authorship in second.authorships.order_by("order"):
            if authorship.author_id not in known:
                order += 1
                ArticleAuthor.objects.create(article=first, author_id=authorship.author_id, order=order)
        offset = first.captions.count()
        for caption in second.captions.order_by("position"):
            Caption.objects.create(
                article=first,
                position=offset + caption.position,
                text=caption.text,
                credit=caption.credit,
                photographer=caption.photographer,
            )
        removed_pk, removed_title = second.pk, str(second)
        identity.retire(second, RetiredArticle.Reason.MERGED, successor_id=first.pk)
        second.delete()
        _shift(first.page_id, after=first.position + 1, by=-1)
        with history.recorded(f"合并：并入文章 #{removed_pk}《{removed_title}》", user):
            history.add(first)
        touched = list(Article.objects.filter(page=first.page_id).values_list("pk", flat=True))
        sync_search_index([*touched, removed_pk])
    return MergeResult(first, removed_pk, removed_title)


@dataclass
class SplitResult:
    first: Article
    second: Article


def split_article(article: Article, at: int, *, title: str = "", user=None) -> SplitResult:
    """Cut ``article`` before paragraph ``at`` (0-based); the rest becomes a new article right after it.

    The new article takes ``title`` or, when its first paragraph is a section heading, that heading. It
    keeps the page's zone and city; authors stay with the first part, and so does the id. Later articles
    move down one position.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        paragraphs = list(article.paragraphs)
        if not 0 < at < len(paragraphs):
            raise EditingError("拆分位置必须在两段之间 / the cut must fall between two paragraphs")
        history.ensure_baseline([article])
        head, tail = paragraphs[:at], paragraphs[at:]
        # A heading too long for a title (PostgreSQL would refuse it) stays the first paragraph.
        fits = len(tail[0]["text"]) <= Article._meta.get_field("title").max_length
        if not title and tail[0].get("kind") == "h" and fits:
            title, tail = tail[0]["text"], tail[1:]
        _shift(article.page_id, after=article.position + 1, by=1)
        article.paragraphs = head
        article.continued_to, continued_to = "", article.continued_to
        article.edited_by_hand = True
        article.version += 1
        article.save()
        second = Article.objects.create(
            page_id=article.page_id,
            position=article.position + 1,
            title=title,
            paragraphs=tail,
            zone=article.zone,
            city=article.city,
            continued_to=continued_to,
            is_published=article.is_published,
            edited_by_hand=True,
        )
        if article.zone_id:
            second.zones.add(article.zone_id)
        with history.recorded(f"拆分：第 {at + 1} 段起拆为文章 #{second.pk}", user):
            history.add(article, second)
        touched = list(Article.objects.filter(page=article.page_id).values_list("pk", flat=True))
        sync_search_index(touched)
    return SplitResult(article, second)


def _shift(page_id: int, *, after: int, by: int) -> None:
    """Move the articles at ``after`` and later by ``by`` positions, keeping (page, position) unique.

    Their text is untouched, so they stay as the parser's: a re-parse finds them by their text.
    """
    later = Article.objects.filter(page_id=page_id, position__gte=after)
    if not later.exists():
        return
    # Two steps, through positions no article uses, so no intermediate state breaks the constraint.
    top = 10000
    later.update(position=F("position") + top)
    Article.objects.filter(page_id=page_id, position__gte=after + top).update(position=F("position") - top + by)


# --- zones --------------------------------------------------------------------------------------------


@dataclass
class ZoneMergeResult:
    target: Zone
    articles: int  # articles re-pointed


def merge_zone(alias: Zone, target: Zone) -> ZoneMergeResult:
    """Fold ``alias`` (a duplicate, usually discovered in text) into ``target``; ``alias`` is deleted.

    Articles that name it as their primary zone or mention it now point at ``target``; its name and aliases
    are added to ``target``'s aliases so the parser recognises that form next time.
    """
    if alias.pk == target.pk:
        raise EditingError("不能把开发区合并到它自己 / a zone cannot be merged into itself")
    with transaction.atomic():
        alias = Zone.objects.select_for_update().get(pk=alias.pk)
        target = Zone.objects.select_for_update().get(pk=target.pk)
        primary = list(Article.objects.filter(zone=alias).values_list("pk", flat=True))
        mentioning = list(Article.objects.filter(zones=alias).values_list("pk", flat=True))
        Article.objects.filter(pk__in=primary).update(zone=target)
        through = Article.zones.through
        already = set(through.objects.filter(zone=target, article__in=mentioning).values_list("article", flat=True))
        through.objects.bulk_create(through(article_id=pk, zone_id=target.pk) for pk in mentioning if pk not in already)
        through.objects.filter(zone=alias).delete()
        names = [*target.aliases, alias.name, *alias.aliases]
        target.aliases = [name for name in dict.fromkeys(names) if name and name != target.name]
        if target.city_id is None:
            target.city_id = alias.city_id
        if target.county_id is None:
            target.county_id = alias.county_id
        target.save()
        alias.delete()
        touched = sorted({*primary, *mentioning})
        sync_search_index(touched)
    return ZoneMergeResult(target, len(touched))


# --- history ------------------------------------------------------------------------------------------


# What a restore puts back besides zones, city, captions and authors (page and position stay).
RESTORED_FIELDS = (
    "kicker",
    "title",
    "subtitle",
    "dateline",
    "byline",
    "paragraphs",
    "warnings",
    "continued_from",
    "continued_to",
    "is_published",
)


def restore_revision(article: Article, version, *, user=None) -> Article:
    """Put back what ``version`` (one of the article's revisions) says: text, tags, captions, authors.

    The article keeps its id, page and position, is marked edited by hand and gets a new version; the
    state it leaves is kept as the revision before this one.
    """
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise EditingError("这个版本不属于这篇文章 / that revision belongs to another article")
    data = version.field_dict
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        history.ensure_baseline([article])
        for name in RESTORED_FIELDS:
            setattr(article, name, data.get(name, getattr(article, name)))
        article.zone_id = data.get("zone_id") if Zone.objects.filter(pk=data.get("zone_id")).exists() else None
        article.city_id = data.get("city_id") if City.objects.filter(pk=data.get("city_id")).exists() else None
        article.edited_by_hand = True
        article.version += 1
        article.save()
        article.zones.set(Zone.objects.filter(pk__in=data.get("zones") or []))
        rows = history.related_rows(version)
        article.authorships.all().delete()
        for order, row in enumerate(sorted(rows["authorships"], key=lambda row: row["order"]), start=1):
            if Author.objects.filter(pk=row["author"]).exists():
                ArticleAuthor.objects.create(article=article, author_id=row["author"], order=order)
        article.captions.all().delete()
        Caption.objects.bulk_create(
            Caption(
                article=article,
                position=row["position"],
                text=row["text"],
                credit=row.get("credit", ""),
                photographer=row.get("photographer", ""),
            )
            for row in sorted(rows["captions"], key=lambda row: row["position"])
        )
        when = localtime(version.revision.date_created)
        with history.recorded(f"恢复到 {when:%Y-%m-%d %H:%M} 的版本（第 {data.get('version', '?')} 版）", user):
            history.add(article)
        sync_search_index([article.pk])
    return article
