"""Reader-facing pages: home, cities, zones, issues, pages, articles, authors; robots.txt and OpenSearch."""

from __future__ import annotations

import datetime
import logging
import re
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import browse, citations, issue_calendar, search
from .caching import conditional_page, kept_for_version
from .models import Article, ArticleAuthor, Author, City, Issue, Page, Zone
from .page_images import image_url, page_figure
from .places import city_slug
from .search import SearchUnavailable
from .services import identity

log = logging.getLogger(__name__)

PER_PAGE = 20


def paginate(request, articles, per_page: int = PER_PAGE):
    paginator = Paginator(articles, per_page)
    return paginator.get_page(request.GET.get("page"))


def authors() -> Prefetch:
    """Each article's authorships with their authors, in one query."""
    return Prefetch("authorships", ArticleAuthor.objects.select_related("author"))


# What the page an article was printed on holds besides its label and issue: the uploaded bytes and
# text (a whole page's, many times an article's), masthead, leftovers and parser warnings. Reader
# pages of articles never show them (the page's own view does).
PAGE_SOURCE = ("page__raw_bytes", "page__raw_text", "page__masthead", "page__leftovers", "page__warnings")
LIST_DEFERRED = ("paragraphs", "warnings", *PAGE_SOURCE)


def listing(articles):
    """Articles for lists: with what a list line shows, loaded in a fixed number of queries. A list line
    never shows the paragraphs or parser warnings (not decoding their JSON is a third of a list's
    cost), nor its page's source (kept related lists held every page's uploaded bytes and text)."""
    return articles.select_related("page__issue", "zone", "city").defer(*LIST_DEFERRED).prefetch_related(authors())


@require_safe
@conditional_page
def home(request):
    visible = Article.objects.visible()
    latest_issue = (
        Issue.objects.visible()
        .filter(pages__is_published=True, pages__articles__in=visible)
        .distinct()
        .newest_first()
        .first()
    )
    latest_issue_articles = listing(visible.filter(page__issue=latest_issue).in_reading_order()) if latest_issue else []
    counts = browse.zone_counts()
    names = dict(Zone.objects.filter(pk__in=counts).values_list("pk", "name"))
    top = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]]))[:10]
    top_zones = Zone.objects.in_bulk([pk for pk, _ in top])
    context = {
        "map": browse.tile_map(),
        "latest_issue": latest_issue,
        "latest_issue_articles": latest_issue_articles,
        "top_zones": [(top_zones[pk], n) for pk, n in top],
        "recent": listing(visible.newest_first())[:10],
        "article_total": visible.count(),
        "zone_total": len(counts),
    }
    return render(request, "articles/home.html", context)


@require_safe
@conditional_page
def city(request, slug):
    city = City.objects.by_slug(slug)
    if city is None:
        raise Http404("no such city")
    counts = browse.zone_counts()
    shown = Zone.objects.visible().filter(city=city).select_related("county")
    zones = [(zone, counts.get(zone.pk, 0)) for zone in shown]
    zones.sort(key=lambda pair: (-pair[1], pair[0].name))
    articles = Article.objects.visible().filter(city=city)
    context = {
        "city": city,
        "slug": city_slug(city.code),
        "zones": zones,
        "article_count": articles.count(),
        "page_obj": paginate(request, listing(articles.newest_first())),
        "map": browse.tile_map(),
    }
    return render(request, "articles/city.html", context)


@require_safe
@conditional_page
def zone_list(request):
    counts = browse.zone_counts()
    groups = defaultdict(list)
    for zone in Zone.objects.visible().select_related("city", "county"):
        groups[zone.city_id].append((zone, counts.get(zone.pk, 0)))
    cities = [(city, groups.get(city.pk, [])) for city in City.objects.all()]
    context = {
        "cities": cities,
        "no_city": groups.get(None, []),
        "zone_total": sum(len(zones) for zones in groups.values()),
    }
    return render(request, "articles/zone_list.html", context)


@require_safe
@conditional_page
def zone(request, pk):
    zone = get_object_or_404(Zone.objects.visible().select_related("city", "county"), pk=pk)
    articles = Article.objects.visible().about_zone(zone)
    context = {
        "zone": zone,
        "article_count": articles.count(),
        "primary_count": articles.filter(zone=zone).count(),
        "page_obj": paginate(request, listing(articles.newest_first())),
        "chart": browse.coverage_chart(articles),
        "related": browse.related_zones(zone),
    }
    return render(request, "articles/zone.html", context)


def issues_with_counts():
    """Visible issues, each with its visible articles and published pages counted (in the same query)."""
    visible = Article.objects.visible()
    return Issue.objects.visible().annotate(
        article_count=Count("pages__articles", filter=Q(pages__articles__in=visible), distinct=True),
        page_count=Count("pages", filter=Q(pages__is_published=True), distinct=True),
    )


@require_safe
@conditional_page
def issue_list(request):
    """Every year's issues on a calendar, those of unknown day by number, then pages of unknown issue."""
    visible = Article.objects.visible()
    unknown_pages = (
        Page.objects.visible()
        .filter(issue=None)
        .annotate(article_count=Count("articles", filter=Q(articles__in=visible), distinct=True))
        .order_by("-created_at", "-pk")
    )
    context = {
        "years": issue_calendar.issue_years(list(issues_with_counts().newest_first())),
        "unknown_pages": unknown_pages,
    }
    return render(request, "articles/issue_list.html", context)


@require_safe
@conditional_page
def issue_year(request, year):
    """One year's issues: its calendar and the list of all of them, with the years before and after."""
    year = int(year)
    in_year = Q(year=year)
    if year <= datetime.MAXYEAR:  # no day lies beyond (and Django cannot ask for one)
        in_year |= Q(year=None, date__year=year)
    issues = list(issues_with_counts().filter(in_year).newest_first())
    if not issues:
        raise Http404("no issues that year")
    pairs = Issue.objects.visible().order_by().values_list("year", "date").distinct()
    years = sorted({issue_calendar.calendar_year(*pair) for pair in pairs} - {None})
    context = {
        "calendar": issue_calendar.issue_year(year, issues),
        "issues": sorted(issues, key=issue_calendar.by_number),
        "previous_year": max((y for y in years if y < year), default=None),
        "next_year": min((y for y in years if y > year), default=None),
    }
    return render(request, "articles/issue_year.html", context)


def page_articles(pages):
    return pages.prefetch_related(
        Prefetch(
            "articles",
            queryset=listing(Article.objects.visible().order_by("position")),
            to_attr="visible",
        )
    )


@require_safe
@conditional_page
def issue(request, key):
    issue = Issue.objects.visible().by_key(key)
    if issue is None:
        raise Http404("no such issue")
    pages = page_articles(issue.pages.visible().in_reading_order())
    for page in pages:  # PDF pages show a thumbnail of the page as printed
        page.thumb_url = image_url(page, "thumb") if page.pdf_id else None
    mastheads = list(dict.fromkeys(page.masthead for page in pages if page.masthead))
    context = {
        "issue": issue,
        "pages": pages,
        "article_count": sum(len(page.visible) for page in pages),
        "mastheads": mastheads,
        "facts": masthead_facts(mastheads),
    }
    return render(request, "articles/issue.html", context)


FACT_PATTERNS = (
    ("邮发代号", re.compile(r"邮发代号\s*[:：]\s*(\S+)")),
    ("投稿邮箱", re.compile(r"投稿邮箱\s*[:：]\s*(\S+)")),
    ("指导单位", re.compile(r"(\S+?)\s*指导")),
    ("主办单位", re.compile(r"(\S+?)\s*主办")),
)


def masthead_facts(mastheads: list[str]) -> list[tuple[str, str]]:
    """Facts printed in the masthead (only those printed; nothing is inferred)."""
    facts = []
    text = "\n".join(mastheads)
    for label, pattern in FACT_PATTERNS:
        match = pattern.search(text)
        if match:
            facts.append((label, match.group(1)))
    return facts


@require_safe
@conditional_page
def page(request, pk):
    page = get_object_or_404(Page.objects.visible().select_related("issue"), pk=pk)
    page = page_articles(Page.objects.filter(pk=page.pk).select_related("issue")).get()
    # The original text holds every article of the page: withheld while any of them is hidden.
    withheld = page.articles.filter(is_published=False).exists()
    context = {
        "page": page,
        "articles": page.visible,
        "withheld": withheld,
        "figure": page_figure(page, page.visible),
    }
    return render(request, "articles/page.html", context)


def continuation(article: Article, direction: str) -> Article | None:
    """The other part of a continued article (上接/下转), when it is in the archive and visible."""
    label = article.continued_from if direction == "from" else article.continued_to
    issue = article.page.issue
    if not label or issue is None:
        return None
    candidates = Article.objects.visible().filter(page__issue=issue, page__label=label).exclude(pk=article.pk)
    mark = "continued_to" if direction == "from" else "continued_from"
    if article.page.label:
        candidates = candidates.filter(**{mark: article.page.label})
    else:
        candidates = candidates.exclude(**{mark: ""})
    return candidates.order_by("position").first()


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """Previous and next article in the issue's reading order (in the page when the issue is unknown)."""
    scope = Article.objects.visible().printed_with(article)
    # One query: what a link shows (title, or the body's start when untitled) for the whole issue.
    ordered = list(scope.in_reading_order().only("id", "title", "body_text"))
    index = next(position for position, other in enumerate(ordered) if other.pk == article.pk)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def related_articles(article: Article, limit: int = 5) -> list[str]:
    """The list lines (HTML) of the ``limit`` newest visible articles sharing a zone (primary or
    mentioned) or the city; those sharing a zone first. The search engine finds them (the Whoosh index
    without a sort of the city's articles in the database)."""
    zones = [zone.name for zone in article.zones.all()] + ([article.zone.name] if article.zone else [])
    # The same list for every article of these zones and city: found once per data version, with
    # one more (the article itself, left out here) and a few spare ids (an index entry whose
    # article has gone or been hidden must not empty the list). Kept as rendered lines, not
    # model instances: a few hundred kept lists of instances (with their pages, issues, zones,
    # authors) made every full garbage collection of a worker, which runs inside a request, walk them.
    names, city = tuple(dict.fromkeys(zones)), article.city.short if article.city else None
    try:
        shared = kept_for_version(
            ("related", names, city, limit), lambda: _list_lines(_related_in_index(names, city, limit + 4))
        )
    except SearchUnavailable:  # the article is in the database: it is shown, without its neighbours
        log.exception("related articles of article %s left out: the search index cannot answer", article.pk)
        return []
    return [line for pk, line in shared if pk != article.pk][:limit]


def _list_lines(articles: list[Article]) -> tuple[tuple[int, str], ...]:
    """Each article's line in an article list, rendered: (pk, HTML)."""
    return tuple((other.pk, render_to_string("articles/_article_item.html", {"article": other})) for other in articles)


def _related_in_index(zone_names: tuple[str, ...], city: str | None, count: int) -> list[Article]:
    ids = search.related_ids(list(zone_names), city, count)
    found = listing(Article.objects.visible().filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def retired_article(request, pk: int):
    """A removed article's URL: 301 to the article that now holds it, else 410 saying what happened;
    None when the id never named an article or names one readers may not see (a plain 404)."""
    where = identity.whereabouts(pk, Article.objects.visible())
    if where is None:
        return None
    if where.successor is not None:
        target = where.successor.get_absolute_url()
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    issue = Issue.objects.visible().filter(pk=where.record.issue_id).first()
    context = {"record": where.record, "issue": issue}
    return render(request, "articles/gone.html", context, status=410)


@require_safe
@conditional_page(daily=True)
def article(request, pk):
    shown = Article.objects.visible().select_related("page__issue", "zone", "city").defer(*PAGE_SOURCE)
    shown = shown.prefetch_related("zones", "captions", authors())
    article = shown.filter(pk=pk).first()
    if article is None:
        response = retired_article(request, pk)
        if response is None:
            raise Http404("no such article")
        return response
    terms = browse.highlight_terms(request.GET.get("hl"))
    paragraphs = [
        {"kind": paragraph.get("kind", "p"), "html": browse.highlight(paragraph.get("text", ""), terms)}
        for paragraph in article.paragraphs
    ]
    previous, following = neighbours(article)
    zones = sorted(article.zones.all(), key=lambda zone: (zone.pk != article.zone_id, zone.name))
    cited = citations.facts(article, request.build_absolute_uri(article.get_absolute_url()))
    context = {
        "article": article,
        "display_title": browse.display_title(article),
        "terms": terms,
        "title_html": browse.highlight(article.title, terms) if article.title else None,
        "kicker_html": browse.highlight(article.kicker, terms),
        "subtitle_html": browse.highlight(article.subtitle, terms),
        "paragraphs": paragraphs,
        "captions": [
            {"html": browse.highlight(caption.text, terms), "credit": caption.credit}
            for caption in article.captions.all()
        ],
        "authors": [authorship.author for authorship in article.authorships.all()],
        "zones": zones,
        "continued_from": continuation(article, "from"),
        "continued_to": continuation(article, "to"),
        "previous": previous,
        "next": following,
        "related": related_articles(article),
        "citation": citations.gbt7714(cited, timezone.localdate()),
        "citation_tags": citations.highwire(cited),
        "figure": page_figure(article.page, [article]) if article.regions else None,
        "summary": (article.body_text or "")[:120],
    }
    return render(request, "articles/article.html", context)


CITATION_FORMATS = {
    "ris": (citations.ris, "application/x-research-info-systems; charset=utf-8"),
    "bib": (citations.bibtex, "application/x-bibtex; charset=utf-8"),
}


@require_safe
def article_citation(request, pk, form):
    """One article as a reference manager's file (RIS or BibTeX), to save or import."""
    article = get_object_or_404(
        Article.objects.visible().select_related("page__issue").prefetch_related(authors()), pk=pk
    )
    write, content_type = CITATION_FORMATS[form]
    text = write(citations.facts(article, request.build_absolute_uri(article.get_absolute_url())))
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kfq-article-{article.pk}.{form}"'
    return response


@require_safe
@conditional_page
def author_list(request):
    groups = browse.author_index()
    context = {"groups": groups, "author_total": sum(len(authors) for _, authors in groups)}
    return render(request, "articles/author_list.html", context)


@require_safe
@conditional_page
def author(request, pk):
    author = get_object_or_404(Author, pk=pk)
    articles = Article.objects.visible().by_author(author)
    if not articles.exists():  # known only from pages not yet (or no longer) public
        raise Http404("no such author")
    context = {
        "author": author,
        "article_count": articles.count(),
        "page_obj": paginate(request, listing(articles.newest_first())),
    }
    return render(request, "articles/author.html", context)


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def opensearch(request):
    context = {"base": request.build_absolute_uri("/").rstrip("/")}
    return render(
        request, "opensearch.xml", context, content_type="application/opensearchdescription+xml; charset=utf-8"
    )
