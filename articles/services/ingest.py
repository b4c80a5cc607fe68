"""Page files into the archive: decode, parse, store. Used by ``manage.py ingest`` and the admin upload.

Every page is one transaction: a page is stored with all its articles or not at all.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F

from ..gazetteer_db import gazetteer_from_db
from ..models import Article, ArticleAuthor, Author, Caption, City, County, Issue, Page, RetiredArticle, Zone
from ..parsing import Gazetteer, ParsedArticle, ParsedPage, parse_page
from ..parsing import gazetteer as gazetteer_module
from ..search import sync_on_commit
from . import history, identity
from .columns import check_range, fit_to_columns
from .decoding import decode_page
from .errors import IngestError
from .matching import Parsed, Slot, Stored, plan_reparse

__all__ = ["IngestError", "IngestResult", "ReparseResult", "ingest_page", "reparse_page"]

CREATED = "created"
UNCHANGED = "unchanged"
# A printed page holds a few dozen articles at most; thousands mean the file is not a newspaper page.
MAX_ARTICLES_PER_PAGE = 1000
# Articles of a page being re-parsed wait above this position while the new order is written.
PARKED = 10000


class TooManyArticlesError(IngestError):
    message_zh = "文章数量超过上限"
    message_en = "too many articles on one page"


@dataclass
class IngestResult:
    status: str  # CREATED or UNCHANGED (same bytes were ingested before)
    page: Page
    articles: int  # articles on the page
    new_zones: list[str] = field(default_factory=list)  # zones first discovered on this page
    warnings: list[str] = field(default_factory=list)  # the page's warnings and its articles'


@dataclass
class ReparseResult:
    page: Page
    updated: list[int]  # ids of articles whose text or tags changed (same ids)
    created: list[int]  # ids of articles the parser found anew
    retired: dict[int, int | None]  # id of an article no longer found -> the id its URL redirects to
    kept: list[Article] = field(default_factory=list)  # hand-edited articles left as they are
    repeats_deleted: int = 0  # parsed articles an editor had deleted, left deleted
    new_zones: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"重新解析 {self.page}：{len(self.updated)} 篇更新，{len(self.created)} 篇新增，"
            f"{len(self.retired)} 篇撤除（原链接转向并入的文章或说明已撤除），"
            f"{len(self.kept)} 篇人工修订的文章保持不变，新发现开发区 {len(self.new_zones)} 个，"
            f"警告 {len(self.warnings)} 条"
        )
        if self.repeats_deleted:
            text += f"，编辑删除过的 {self.repeats_deleted} 篇未恢复"
        return text


def ingest_page(
    data: bytes,
    source_file: str,
    *,
    issue_year: int | None = None,
    issue_number: int | None = None,
    issue_date: datetime.date | None = None,
    page_label: str = "",
    publish: bool = True,
    max_bytes: int | None = None,
    on_created: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """Store one page file and the articles parsed from it; raises IngestError for unusable files.

    ``issue_*`` and ``page_label`` are hints (from a manifest or the upload form): the issue printed
    in the page's masthead wins over them. ``publish=False`` stores the page hidden from readers.
    ``on_created`` runs inside the page's transaction (the admin records the upload in its history there).
    """
    decoded = decode_page(data, max_bytes=max_bytes or settings.KFQ_MAX_UPLOAD_BYTES)
    check_range(Issue, "year", issue_year)
    check_range(Issue, "number", issue_number)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Page.objects.filter(sha256=sha256).first()
    if existing is not None:
        return IngestResult(UNCHANGED, existing, existing.articles.count())
    # Parsed before the transaction: SQLite lets one writer in at a time, and an editor saving while an
    # ingest runs should wait for a page's writes only, not for its parse.
    gazetteer = gazetteer_from_db()
    parsed = checked(parse_page(parser_input(decoded.text), gazetteer))
    with transaction.atomic():
        existing = Page.objects.filter(sha256=sha256).first()  # stored meanwhile by another process
        if existing is not None:
            return IngestResult(UNCHANGED, existing, existing.articles.count())
        page, new_zones, article_warnings = store_new_page(
            parsed,
            gazetteer,
            issue_year=issue_year,
            issue_number=issue_number,
            issue_date=issue_date,
            label=page_label,
            source_file=source_file,
            raw_bytes=data,
            raw_text=decoded.text,
            encoding=decoded.encoding,
            sha256=sha256,
            is_published=publish,
        )
        # The search index takes the page's articles once this transaction commits.
        sync_on_commit(page.articles.values_list("pk", flat=True))
        result = IngestResult(CREATED, page, len(parsed.articles), new_zones, page.warnings + article_warnings)
        if on_created is not None:
            on_created(result)
    return result


def store_new_page(
    parsed: ParsedPage,
    gazetteer: Gazetteer,
    *,
    issue_year: int | None,
    issue_number: int | None,
    issue_date: datetime.date | None,
    label: str,
    **page_values,
) -> tuple[Page, list[str], list[str]]:
    """Stores a parsed page and its articles (inside the caller's transaction); returns the page, the zones
    first found on it and its articles' warnings. ``page_values`` are the Page's own fields (file, text)."""
    year, number, issue_warnings = reconcile_issue(parsed, issue_year, issue_number)
    # What the masthead prints (date, page label) wins over hints, as the issue number does.
    printed_date = datetime.date.fromisoformat(parsed.issue_date) if parsed.issue_date else None
    issue, date_warnings = find_or_create_issue(year, number, printed_date or issue_date)
    page = Page(
        issue=issue,
        label=parsed.page_label or label,
        **page_values,
        **page_fields(parsed, issue_warnings + date_warnings),
    )
    fit_to_columns(page, page.warnings)
    page.save()
    new_zones = create_discovered_zones(parsed, gazetteer)
    take_places_from_starts(page, parsed.articles)
    article_warnings = create_articles(page, parsed.articles)
    return page, new_zones, article_warnings


def reparse_page(page: Page, *, user=None) -> ReparseResult:
    """Run the current parser again on the page's stored text, updating its articles in place.

    An article the parser finds again keeps its id (``matching.plan_reparse``); hand-edited articles stay
    exactly as the editor left them and stand for what the parser finds of them; an article no longer
    found is retired, its URL redirecting to the article that now holds its text. Changed articles get a
    revision (``user``'s, when an editor asked), in the same transaction.
    """
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to the issue.
        page = Page.objects.select_for_update(of=("self",)).select_related("issue").get(pk=page.pk)
        gazetteer = gazetteer_from_db()
        pdf_text = None
        if page.pdf_id is not None:  # read again from the PDF: a newer layout reader may read it better
            from .pdf_ingest import reread

            pdf_text = reread(page).text
            page.raw_text = pdf_text.text
        parsed = checked(parse_page(parser_input(page.raw_text), gazetteer))
        current = page.issue
        year, number, issue_warnings = reconcile_issue(
            parsed, current.year if current else None, current.number if current else None
        )
        if current is None or (year, number) != (current.year, current.number):
            page.issue, date_warnings = find_or_create_issue(year, number, current.date if current else None)
            issue_warnings += date_warnings
        for name, value in page_fields(parsed, issue_warnings).items():
            setattr(page, name, value)
        fit_to_columns(page, page.warnings)
        page.version += 1
        page.save()

        take_places_from_starts(page, parsed.articles)
        stored = list(page.articles.prefetch_related("zones", "captions", "authorships__author"))
        by_id = {article.pk: article for article in stored}
        deleted = RetiredArticle.objects.filter(page_id=page.pk, reason=RetiredArticle.Reason.DELETED)
        plan = plan_reparse(
            [Stored(a.pk, a.position, a.title, _stored_text(a), a.edited_by_hand) for a in stored],
            [Parsed(article.title or "", _parsed_text(article)) for article in parsed.articles],
            list(deleted.values_list("text", flat=True)),
        )
        new_zones = create_discovered_zones(parsed, gazetteer)
        lookups = _Lookups.load()
        found = [index for kind, index in plan.order if kind == "parsed"]
        drafts = {index: _draft(page, parsed.articles[index], lookups) for index in found}
        changed = [
            by_id[article_id]
            for index, article_id in plan.updates.items()
            if _signature_of_stored(by_id[article_id]) != drafts[index].signature()
        ]
        history.ensure_baseline(changed)

        page.articles.update(position=F("position") + PARKED)  # keeps (page, position) unique meanwhile
        ids: dict[Slot, int] = {}
        for position, slot in enumerate(plan.order, start=1):
            kind, key = slot
            if kind == "stored":
                Article.objects.filter(pk=key).update(position=position)
                ids[slot] = key
            elif key in plan.updates:
                article = by_id[plan.updates[key]]
                if article in changed:
                    _apply(article, drafts[key], position)
                else:
                    Article.objects.filter(pk=article.pk).update(position=position)
                ids[slot] = article.pk
            else:
                ids[slot] = _store(drafts[key], position).pk
        for article_id, successor in plan.retired.items():
            successor_id = ids[successor] if successor is not None else None
            reason = RetiredArticle.Reason.REPARSED if successor_id else RetiredArticle.Reason.DROPPED
            identity.retire(by_id[article_id], reason, successor_id)
        Article.objects.filter(pk__in=list(plan.retired)).delete()
        if pdf_text is not None:
            from .pdf_ingest import regions_of

            for index, regions in enumerate(regions_of(pdf_text, parsed.articles)):
                if ("parsed", index) in ids:
                    Article.objects.filter(pk=ids[("parsed", index)]).update(regions=regions)
        if changed:
            with history.recorded(f"重新解析（解析器 {page.parser_version}）", user):
                history.add(*changed)
        # After the commit the search index drops the retired articles and takes the changed ones.
        sync_on_commit([*by_id, *ids.values()])
    warnings = page.warnings + [warning for draft in drafts.values() for warning in draft.numbered_warnings()]
    return ReparseResult(
        page,
        updated=[article.pk for article in changed],
        created=[ids[("parsed", index)] for index in plan.created],
        retired={article_id: (ids[slot] if slot else None) for article_id, slot in plan.retired.items()},
        kept=[article for article in stored if article.edited_by_hand],
        repeats_deleted=len(plan.repeats_deleted),
        new_zones=new_zones,
        warnings=warnings,
    )


def checked(parsed: ParsedPage) -> ParsedPage:
    if len(parsed.articles) > MAX_ARTICLES_PER_PAGE:
        raise TooManyArticlesError(f"{len(parsed.articles)} > {MAX_ARTICLES_PER_PAGE}")
    return parsed


def parser_input(raw_text: str) -> str:
    """The stored text keeps CR/CRLF as uploaded; the parser sees plain newlines."""
    return raw_text.replace("\r\n", "\n").replace("\r", "\n")


def page_fields(parsed: ParsedPage, extra_warnings: list[str]) -> dict:
    return {
        "parser_version": parsed.parser_version,
        "layout": parsed.layout,
        "masthead": parsed.masthead or "",
        "leftovers": list(parsed.leftovers),
        "warnings": list(parsed.warnings) + extra_warnings,
    }


def reconcile_issue(
    parsed: ParsedPage, hint_year: int | None, hint_number: int | None
) -> tuple[int | None, int | None, list[str]]:
    """The masthead's issue wins; hints fill what it lacks; a disagreement is reported."""
    warnings = []
    printed = (parsed.issue_year, parsed.issue_number)
    hinted = (hint_year, hint_number)
    if any(printed) and any(hinted) and any(p and h and p != h for p, h in zip(printed, hinted, strict=True)):
        warnings.append(
            f"刊期不一致：刊头为 {_issue_text(*printed)}，清单为 {_issue_text(*hinted)}，以刊头为准 / "
            f"issue conflict: masthead says {_issue_text(*printed)}, the hint says {_issue_text(*hinted)}; "
            "the masthead wins"
        )
    return parsed.issue_year or hint_year, parsed.issue_number or hint_number, warnings


def _issue_text(year: int | None, number: int | None) -> str:
    return f"{year or '?'}年第{number or '?'}期"


def find_or_create_issue(
    year: int | None, number: int | None, date: datetime.date | None
) -> tuple[Issue | None, list[str]]:
    """The issue a page belongs to, when enough is known to name it (year and number, or a date)."""
    if year and number:
        issue, created = Issue.objects.get_or_create(year=year, number=number, defaults={"date": date})
    elif date:
        issue, created = Issue.objects.get_or_create(year=date.year, number=None, date=date)
    else:
        return None, []
    if created or date is None or issue.date == date:
        return issue, []
    if issue.date is None:
        issue.date = date
        issue.save(update_fields=["date"])
        return issue, []
    return issue, [
        f"出版日期不一致：{issue.label} 已记为 {issue.date}，本版提示 {date} / "
        f"date conflict: {issue.label} is recorded as {issue.date}, this page says {date}"
    ]


def create_discovered_zones(parsed: ParsedPage, gazetteer: Gazetteer) -> list[str]:
    """Zones the parser found by pattern that the database does not know yet; returns their names."""
    created = []
    for discovered in parsed.discovered_zones:
        if Zone.objects.filter(name=discovered.name).exists():
            continue
        city = City.objects.filter(name=discovered.city).first() if discovered.city else None
        county = None
        if discovered.county:
            counties = County.objects.filter(name=discovered.county)
            county = (counties.filter(city=city) if city else counties).first()
        known = gazetteer.with_zones([gazetteer_module.Zone(discovered.name, kind=discovered.kind)])
        Zone.objects.create(
            name=discovered.name,
            short=discovered.place,
            aliases=known.aliases_of(discovered.name)[1:],
            kind=discovered.kind,
            city=city or (county.city if county else None),
            county=county,
            source=Zone.Source.DISCOVERED,
        )
        created.append(discovered.name)
    return created


def take_places_from_starts(page: Page, parsed_articles: list[ParsedArticle]) -> None:
    """A continuation (上接D1版) whose text names no zone is about its start's zone and city: the article
    of the same issue, on the page it names, that goes on here (下转 this page)."""
    if page.issue_id is None or not page.label:
        return
    for parsed in parsed_articles:
        if parsed.zone or not parsed.continued_from:
            continue
        start = (
            Article.objects.filter(
                page__issue=page.issue_id, page__label=parsed.continued_from, continued_to=page.label
            )
            .exclude(page=page)
            .select_related("zone", "city")
            .first()
        )
        if start is not None and start.zone is not None:
            parsed.zone = start.zone.name
            parsed.zones = [start.zone.name, *(name for name in parsed.zones if name != start.zone.name)]
            parsed.city = parsed.city or (start.city.short if start.city else None)


def create_articles(page: Page, parsed_articles: list[ParsedArticle]) -> list[str]:
    """Stores the articles; returns their warnings (those of the parser and of the mapping here)."""
    lookups = _Lookups.load()
    warnings = []
    for parsed in parsed_articles:
        draft = _draft(page, parsed, lookups)
        _store(draft, parsed.position)
        warnings.extend(draft.numbered_warnings())
    return warnings


@dataclass
class _Lookups:
    zones: dict[str, Zone]
    cities: dict[str, City]

    @classmethod
    def load(cls) -> _Lookups:
        return cls({zone.name: zone for zone in Zone.objects.all()}, {city.short: city for city in City.objects.all()})


# What a re-parse may change in an article; its position and switches are the archive's, not the parser's.
PARSED_FIELDS = (
    "kicker",
    "title",
    "subtitle",
    "dateline",
    "byline",
    "paragraphs",
    "zone",
    "city",
    "continued_from",
    "continued_to",
    "warnings",
)


@dataclass
class _Draft:
    """One parsed article as it would be stored (fields fitted to their columns)."""

    article: Article
    position: int  # as parsed
    captions: list[Caption]
    authors: list[str]
    mentioned: list[Zone]

    def signature(self) -> tuple:
        return _signature(
            self.article,
            sorted(zone.pk for zone in self.mentioned),
            self.authors,
            [(caption.text, caption.credit, caption.photographer) for caption in self.captions],
        )

    def numbered_warnings(self) -> list[str]:
        return [f"#{self.position}: {warning}" for warning in self.article.warnings]


def _draft(page: Page, parsed: ParsedArticle, lookups: _Lookups) -> _Draft:
    zones, cities = lookups.zones, lookups.cities
    article_warnings = list(parsed.warnings)
    unknown_zones = [name for name in parsed.zones if name not in zones]
    if parsed.zone and parsed.zone not in zones:
        unknown_zones.append(parsed.zone)
    for name in dict.fromkeys(unknown_zones):
        article_warnings.append(f"未知开发区：{name} / unknown zone: {name}")
    if parsed.city and parsed.city not in cities:
        article_warnings.append(f"未知城市：{parsed.city} / unknown city: {parsed.city}")

    article = Article(
        page=page,
        position=parsed.position,
        kicker=parsed.kicker or "",
        title=parsed.title or "",
        subtitle=parsed.subtitle or "",
        dateline=parsed.dateline or "",
        byline=parsed.byline or "",
        paragraphs=[{"kind": paragraph.kind, "text": paragraph.text} for paragraph in parsed.paragraphs],
        zone=zones.get(parsed.zone) if parsed.zone else None,
        city=cities.get(parsed.city) if parsed.city else None,
        continued_from=parsed.continued_from or "",
        continued_to=parsed.continued_to or "",
        warnings=article_warnings,
    )
    captions = [
        Caption(
            position=position,
            text=caption.text,
            credit=caption.credit or "",
            photographer=caption.photographer or "",
        )
        for position, caption in enumerate(parsed.captions, start=1)
    ]
    authors = [Author(name=name) for name in dict.fromkeys(parsed.authors)]
    for instance in (article, *captions, *authors):
        fit_to_columns(instance, article_warnings)
    mentioned = [zones[name] for name in dict.fromkeys([parsed.zone, *parsed.zones]) if name in zones]
    return _Draft(article, parsed.position, captions, list(dict.fromkeys(a.name for a in authors)), mentioned)


def _store(draft: _Draft, position: int) -> Article:
    article = draft.article
    article.position = position
    article.save()
    _store_related(article, draft)
    return article


def _apply(article: Article, draft: _Draft, position: int) -> None:
    """The draft's text and tags onto a stored article, which keeps its id, switches and history."""
    for name in PARSED_FIELDS:
        setattr(article, name, getattr(draft.article, name))
    article.position = position
    article.version += 1
    article.save()
    article.authorships.all().delete()
    article.captions.all().delete()
    _store_related(article, draft)


def _store_related(article: Article, draft: _Draft) -> None:
    article.zones.set(draft.mentioned)
    for order, name in enumerate(draft.authors, start=1):
        author, _ = Author.objects.get_or_create(name=name)
        ArticleAuthor.objects.create(article=article, author=author, order=order)
    for caption in draft.captions:
        caption.article = article
    Caption.objects.bulk_create(draft.captions)


def _signature(article: Article, zone_ids: list[int], authors: list[str], captions: list[tuple]) -> tuple:
    return (*(getattr(article, name) for name in PARSED_FIELDS), zone_ids, authors, captions)


def _signature_of_stored(article: Article) -> tuple:
    return _signature(
        article,
        sorted(zone.pk for zone in article.zones.all()),
        article.author_names(),
        [(caption.text, caption.credit, caption.photographer) for caption in article.captions.all()],
    )


def _stored_text(article: Article) -> str:
    captions = " ".join(caption.text for caption in article.captions.all())
    return " ".join((article.kicker, article.title, article.subtitle, article.body_text, captions))


def _parsed_text(parsed: ParsedArticle) -> str:
    parts = [parsed.kicker or "", parsed.title or "", parsed.subtitle or ""]
    parts += [paragraph.text for paragraph in parsed.paragraphs] + [caption.text for caption in parsed.captions]
    return " ".join(parts)
