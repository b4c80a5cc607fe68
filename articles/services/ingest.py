"""Page files into the archive: decode, parse, store. Used by ``manage.py ingest`` and the admin upload.

Every page is one transaction: a page is stored with all its articles or not at all.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from ..gazetteer_db import gazetteer_from_db
from ..models import Article, ArticleAuthor, Author, Caption, City, County, Issue, Page, Zone
from ..parsing import Gazetteer, ParsedArticle, ParsedPage, parse_page
from ..parsing import gazetteer as gazetteer_module
from ..search.sync import sync_on_commit
from .columns import check_range, fit_to_columns
from .decoding import decode_page
from .errors import IngestError

__all__ = ["IngestError", "IngestResult", "ReparseResult", "ingest_page", "reparse_page"]

CREATED = "created"
UNCHANGED = "unchanged"
# A printed page holds a few dozen articles at most; thousands mean the file is not a newspaper page.
MAX_ARTICLES_PER_PAGE = 1000


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
    deleted: int  # parsed articles replaced
    created: int
    kept: list[Article] = field(default_factory=list)  # hand-edited articles left alone
    new_zones: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
) -> IngestResult:
    """Store one page file and the articles parsed from it; raises IngestError for unusable files.

    ``issue_*`` and ``page_label`` are hints (from a manifest or the upload form): the issue printed
    in the page's masthead wins over them. ``publish=False`` stores the page hidden from readers.
    """
    decoded = decode_page(data, max_bytes=max_bytes or settings.KFQ_MAX_UPLOAD_BYTES)
    check_range(Issue, "year", issue_year)
    check_range(Issue, "number", issue_number)
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        existing = Page.objects.filter(sha256=sha256).first()
        if existing is not None:
            return IngestResult(UNCHANGED, existing, existing.articles.count())

        gazetteer = gazetteer_from_db()
        parsed = checked(parse_page(parser_input(decoded.text), gazetteer))
        year, number, issue_warnings = reconcile_issue(parsed, issue_year, issue_number)
        # What the masthead prints (date, page label) wins over hints, as the issue number does.
        printed_date = datetime.date.fromisoformat(parsed.issue_date) if parsed.issue_date else None
        issue, date_warnings = find_or_create_issue(year, number, printed_date or issue_date)
        page = Page(
            issue=issue,
            label=parsed.page_label or page_label,
            source_file=source_file,
            raw_bytes=data,
            raw_text=decoded.text,
            encoding=decoded.encoding,
            sha256=sha256,
            is_published=publish,
            **page_fields(parsed, issue_warnings + date_warnings),
        )
        fit_to_columns(page, page.warnings)
        page.save()
        new_zones = create_discovered_zones(parsed, gazetteer)
        article_warnings = create_articles(page, parsed.articles)
        # The search index takes the page's articles once this transaction commits.
        sync_on_commit(page.articles.values_list("pk", flat=True))
    return IngestResult(CREATED, page, len(parsed.articles), new_zones, page.warnings + article_warnings)


def reparse_page(page: Page) -> ReparseResult:
    """Run the current parser again on the page's stored text; hand-edited articles stay as they are.

    A hand-edited article stands in for whatever the parser now finds at its position.
    """
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to the issue.
        page = Page.objects.select_for_update(of=("self",)).select_related("issue").get(pk=page.pk)
        gazetteer = gazetteer_from_db()
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
        page.save()

        kept = list(page.articles.filter(edited_by_hand=True))
        replaced = page.articles.filter(edited_by_hand=False)
        deleted = replaced.count()
        before = list(page.articles.values_list("pk", flat=True))
        replaced.delete()
        kept_positions = {article.position for article in kept}
        new_zones = create_discovered_zones(parsed, gazetteer)
        fresh = [article for article in parsed.articles if article.position not in kept_positions]
        article_warnings = create_articles(page, fresh)
        # After the commit the search index drops the replaced articles and takes the new ones.
        sync_on_commit([*before, *page.articles.values_list("pk", flat=True)])
    return ReparseResult(page, deleted, len(fresh), kept, new_zones, page.warnings + article_warnings)


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


def create_articles(page: Page, parsed_articles: list[ParsedArticle]) -> list[str]:
    """Stores the articles; returns their warnings (those of the parser and of the mapping here)."""
    zones = {zone.name: zone for zone in Zone.objects.all()}
    cities = {city.short: city for city in City.objects.all()}
    warnings = []
    for parsed in parsed_articles:
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
                article=article,
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
        article.save()
        mentioned = [zones[name] for name in dict.fromkeys([parsed.zone, *parsed.zones]) if name in zones]
        article.zones.set(mentioned)
        for order, name in enumerate(dict.fromkeys(author.name for author in authors), start=1):
            author, _ = Author.objects.get_or_create(name=name)
            ArticleAuthor.objects.create(article=article, author=author, order=order)
        Caption.objects.bulk_create(captions)
        warnings.extend(f"#{parsed.position}: {warning}" for warning in article_warnings)
    return warnings
