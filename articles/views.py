"""Reader-facing pages: home, cities, zones, issues, pages, articles, authors; robots.txt and OpenSearch."""

from __future__ import annotations

import datetime
import logging
import re
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import browse, search
from .caching import conditional_page, kept_for_version
from .models import Article, ArticleAuthor, Author, City, Issue, Page, Zone
from .places import SLUG_CODES, city_slug
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
# text (~30 times an article), masthead, leftovers and parser warnings. Reader pages of articles never
# show them (the page's own view does).
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
    visible = browse.visible_articles()
    latest_issue = (
        Issue.objects.filter(is_published=True, pages__is_published=True, pages__articles__in=visible)
        .distinct()
        .order_by(*Issue._meta.ordering)
        .first()
    )
    latest_issue_articles = (
        listing(browse.reading_order(visible.filter(page__issue=latest_issue))) if latest_issue else []
    )
    counts = browse.zone_counts()
    names = dict(Zone.objects.filter(pk__in=counts).values_list("pk", "name"))
    top = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]]))[:10]
    top_zones = Zone.objects.in_bulk([pk for pk, _ in top])
    context = {
        "map": browse.tile_map(),
        "latest_issue": latest_issue,
        "latest_issue_articles": latest_issue_articles,
        "top_zones": [(top_zones[pk], n) for pk, n in top],
        "recent": listing(browse.newest_first(visible))[:10],
        "article_total": visible.count(),
        "zone_total": len(counts),
    }
    return render(request, "articles/home.html", context)


def city_by_slug(slug: str) -> City:
    code = SLUG_CODES.get(slug, slug)
    return get_object_or_404(City, code=code)


@require_safe
@conditional_page
def city(request, slug):
    city = city_by_slug(slug)
    counts = browse.zone_counts()
    shown = browse.public_zones().filter(city=city).select_related("county")
    zones = [(zone, counts.get(zone.pk, 0)) for zone in shown]
    zones.sort(key=lambda pair: (-pair[1], pair[0].name))
    articles = browse.visible_articles().filter(city=city)
    context = {
        "city": city,
        "slug": city_slug(city.code),
        "zones": zones,
        "article_count": articles.count(),
        "page_obj": paginate(request, listing(browse.newest_first(articles))),
        "map": browse.tile_map(),
    }
    return render(request, "articles/city.html", context)


@require_safe
@conditional_page
def zone_list(request):
    counts = browse.zone_counts()
    groups = defaultdict(list)
    for zone in browse.public_zones().select_related("city", "county"):
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
    zone = get_object_or_404(browse.public_zones().select_related("city", "county"), pk=pk)
    articles = browse.zone_articles(zone)
    context = {
        "zone": zone,
        "article_count": articles.count(),
        "primary_count": articles.filter(zone=zone).count(),
        "page_obj": paginate(request, listing(browse.newest_first(articles))),
        "chart": browse.coverage_chart(articles),
        "related": browse.related_zones(zone),
    }
    return render(request, "articles/zone.html", context)


def published_issues():
    return Issue.objects.filter(is_published=True)


@require_safe
@conditional_page
def issue_list(request):
    visible = browse.visible_articles()
    issues = (
        published_issues()
        .annotate(
            article_count=Count("pages__articles", filter=Q(pages__articles__in=visible), distinct=True),
            page_count=Count("pages", filter=Q(pages__is_published=True), distinct=True),
        )
        .order_by(*Issue._meta.ordering)
    )
    years = defaultdict(list)
    for issue in issues:
        years[issue.year].append(issue)
    unknown_pages = (
        Page.objects.filter(issue=None, is_published=True)
        .annotate(article_count=Count("articles", filter=Q(articles__in=visible), distinct=True))
        .order_by("-created_at", "-pk")
    )
    context = {
        "years": sorted(years.items(), key=lambda item: (item[0] is None, -(item[0] or 0))),
        "unknown_pages": unknown_pages,
    }
    return render(request, "articles/issue_list.html", context)


ISSUE_KEY = re.compile(r"^(?:(?P<year>\d{4})-(?P<number>\d{1,3})|(?P<date>\d{4}-\d{2}-\d{2})|id-(?P<pk>\d+))$")


def issue_by_key(key: str) -> Issue:
    match = ISSUE_KEY.match(key)
    if not match:
        raise Http404("no such issue")
    issues = published_issues()
    if match["year"]:
        return get_object_or_404(issues, year=int(match["year"]), number=int(match["number"]))
    if match["date"]:
        try:
            date = datetime.date.fromisoformat(match["date"])
        except ValueError as error:
            raise Http404("no such issue") from error
        # The issue known only by its date (its own URL is this one) before a numbered one of the same day.
        found = issues.filter(date=date).order_by(F("number").asc(nulls_first=True)).first()
        if found is None:
            raise Http404("no such issue")
        return found
    return get_object_or_404(issues, pk=int(match["pk"]))


def page_articles(pages):
    return pages.prefetch_related(
        Prefetch(
            "articles",
            queryset=listing(browse.visible_articles().order_by("position")),
            to_attr="visible",
        )
    )


@require_safe
@conditional_page
def issue(request, key):
    issue = issue_by_key(key)
    pages = page_articles(issue.pages.filter(is_published=True).order_by("label", "source_file", "pk"))
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
    page = get_object_or_404(
        Page.objects.select_related("issue")
        .filter(is_published=True)
        .filter(Q(issue=None) | Q(issue__is_published=True)),
        pk=pk,
    )
    page = page_articles(Page.objects.filter(pk=page.pk).select_related("issue")).get()
    # The original text holds every article of the page: withheld while any of them is hidden.
    withheld = page.articles.filter(is_published=False).exists()
    return render(request, "articles/page.html", {"page": page, "articles": page.visible, "withheld": withheld})


def continuation(article: Article, direction: str) -> Article | None:
    """The other part of a continued article (上接/下转), when it is in the archive and visible."""
    label = article.continued_from if direction == "from" else article.continued_to
    issue = article.page.issue
    if not label or issue is None:
        return None
    candidates = browse.visible_articles().filter(page__issue=issue, page__label=label).exclude(pk=article.pk)
    mark = "continued_to" if direction == "from" else "continued_from"
    if article.page.label:
        candidates = candidates.filter(**{mark: article.page.label})
    else:
        candidates = candidates.exclude(**{mark: ""})
    return candidates.order_by("position").first()


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """Previous and next article in the issue's reading order (in the page when the issue is unknown)."""
    visible = browse.visible_articles()
    scope = visible.filter(page__issue=article.page.issue) if article.page.issue else visible.filter(page=article.page)
    # One query: what a link shows (title, or the body's start when untitled) for the whole issue.
    ordered = list(browse.reading_order(scope).only("id", "title", "body_text"))
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
    # authors) made every full garbage collection of a worker take ~100 ms.
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
    found = listing(browse.visible_articles().filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def retired_article(request, pk: int):
    """A removed article's URL: 301 to the article that now holds it, else 410 saying what happened;
    None when the id never named an article or names one readers may not see (a plain 404)."""
    where = identity.whereabouts(pk, browse.visible_articles())
    if where is None:
        return None
    if where.successor is not None:
        target = where.successor.get_absolute_url()
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    issue = Issue.objects.filter(pk=where.record.issue_id, is_published=True).first()
    context = {"record": where.record, "issue": issue}
    return render(request, "articles/gone.html", context, status=410)


@require_safe
@conditional_page
def article(request, pk):
    shown = browse.visible_articles().select_related("page__issue", "zone", "city").defer(*PAGE_SOURCE)
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
        "citation": browse.citation(article),
        "summary": (article.body_text or "")[:120],
    }
    return render(request, "articles/article.html", context)


@require_safe
@conditional_page
def author(request, pk):
    author = get_object_or_404(Author, pk=pk)
    articles = browse.visible_articles().filter(authorships__author=author).distinct()
    if not articles.exists():  # known only from pages not yet (or no longer) public
        raise Http404("no such author")
    context = {
        "author": author,
        "article_count": articles.count(),
        "page_obj": paginate(request, listing(browse.newest_first(articles))),
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
