"""The search page (/search/), the advanced search form (/search/advanced/) and the JSON API
(/api/v1/search/, /api/v1/articles/<id>/)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django_ratelimit.decorators import ratelimit

from kfq_archive.security import search_rate

from .. import exports
from ..browse import bar_chart
from ..caching import conditional_page
from ..records import article_record, printed_on
from . import result_ids  # through the component's face, as any caller: the ids of an export
from .contract import FACETS, FIELDS, SORTS, SearchInputError
from .engine import get_search_engine
from .feeds import FEED_PARAMS, FEEDS
from .forms import DATE_PARAMS, AdvancedSearchForm, SearchForm, quoted
from .timeline import timeline
from .unavailable import answers_503

API_MAX_PER_PAGE = 100


# One budget per client address for the search page and the API (KFQ_SEARCH_RATE).
throttled = ratelimit(group="search", key="ip", rate=search_rate)


# What links on the search page carry over; anything else in the request is dropped, so that junk
# parameters are not repeated in every one of the page's links.
LINK_PARAMS = ("q", "field", "sort", *DATE_PARAMS, *FACETS)


FACET_SHOWN = 12  # values a facet lists: the most frequent and any chosen; the rest behind "全部 N 项"
EXPAND = "expand"  # ?expand=<facet> lists all of that facet's values (not carried over by other links)


class Links:
    """Links to this search with some parameters changed (None removes a key; lists replace values).
    The page has one per facet value: the kept parameters are read once, not copied per link."""

    def __init__(self, params):
        self.kept = {key: params.getlist(key) for key in params if key in LINK_PARAMS}

    def __call__(self, **changes) -> str:
        query = dict(self.kept)
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value if isinstance(value, list) else [value]
        encoded = urlencode([(key, value) for key, values in query.items() for value in values])
        return f"?{encoded}" if encoded else "?"


def timeline_chart(result, link_to):
    """The results over time as a bar chart; each bar with results narrows the search to its period."""
    line = timeline(result)
    if line is None:
        return None
    series = [
        (
            period.label,
            period.count,
            period.description,
            link_to(**period.dates.as_params()) if period.dates is not None and period.count else None,
        )
        for period in line.periods
    ]
    return bar_chart(series, line.caption)


def article_link(hit) -> str:
    """The article's page, asked to mark what matched (``?hl=``, comma-separated)."""
    url = hit.article.get_absolute_url()
    return f"{url}?{urlencode({'hl': ','.join(hit.matched)})}" if hit.matched else url


@throttled
@answers_503
@conditional_page
def search_page(request):
    params = request.GET
    arguments, notes = SearchForm(params).lenient()
    link_to = Links(params)
    engine = get_search_engine()
    result = engine.search(arguments)
    if result.count and arguments.page > result.pages:
        notes.append(f"没有第 {arguments.page} 页，已显示最后一页（第 {result.pages} 页）。")
        result = engine.search(replace(arguments, page=result.pages))
    notes = result.notes + notes
    if result.query.strip() and result.parsed.is_empty:
        notes.append("检索词里没有可检索的文字（只有符号），下面列出全部文章。")

    active = [
        {"label": FACETS[name][1], "value": value, "remove": link_to(**{name: [v for v in values if v != value]})}
        for name, values in result.filters.items()
        for value in values
    ]
    no_dates = dict.fromkeys(DATE_PARAMS)  # link_to(**no_dates): the same search over all dates
    dates_kept = result.dates.as_params() if result.dates else {}  # for the search box's hidden fields
    if result.dates is not None:
        active.insert(0, {"label": "日期", "value": result.dates.describe(), "remove": link_to(**no_dates)})
    here = {"page": str(result.page)} if result.page > 1 else {}  # a facet's more/less links keep the page
    facets = []
    for name, (_, label, _) in FACETS.items():
        chosen = result.filters.get(name, [])

        def toggled(value, chosen=chosen):
            return [v for v in chosen if v != value] if value in chosen else [*chosen, value]

        counted = result.facets[name]
        expanded = params.get(EXPAND) == name
        shown = [item for rank, item in enumerate(counted) if expanded or rank < FACET_SHOWN or item[0] in chosen]
        values = [
            {
                "value": value,
                "count": count,
                "active": value in chosen,
                "link": link_to(**{name: toggled(value)}),
            }
            for value, count in shown
        ]
        if values:
            facets.append(
                {
                    "name": name,
                    "label": label,
                    "values": values,
                    "total": len(counted),
                    "more": link_to(**{EXPAND: name}, **here) if len(shown) < len(counted) else None,
                    "less": link_to(**here) if expanded and len(counted) > FACET_SHOWN else None,
                }
            )
    suggestions = []
    for suggestion in result.suggestions:
        if "drop" in suggestion:
            name, value = suggestion["drop"]
            link = link_to(**{name: [v for v in result.filters.get(name, []) if v != value]})
        else:
            changes = dict(suggestion["params"])
            if changes.get("q") == "":
                changes["q"] = None
                changes.update({name: None for name in (*FACETS, *DATE_PARAMS) if name not in changes})
            link = link_to(**changes)
        suggestions.append({"text": suggestion["text"], "link": link})
    related = [  # all the articles of a city or zone a word names (counted over every date)
        {
            "label": FACETS[name][1],
            "value": value,
            "count": count,
            "link": link_to(q=None, **no_dates, **{name: [value]}),
        }
        for name, value, count in result.related
    ]
    hits = [
        {
            "article": hit.article,
            # Both are escaped by service.highlight, which only adds <mark> around matches.
            "title_html": mark_safe(hit.title_html),
            "snippet_html": mark_safe(hit.snippet_html),
            "matched": hit.matched,
            "partial": hit.partial,
            "link": article_link(hit),
        }
        for hit in result.hits
    ]
    context = {
        "result": result,
        "q": result.query,
        "hits": hits,
        "notes": notes,
        "field": result.field,
        "fields": FIELDS,
        "sort": result.sort,
        "sorts": [{"key": key, "label": label, "link": link_to(sort=key)} for key, label in SORTS.items()],
        "facets": facets,
        "facet_shown": FACET_SHOWN,
        "active": active,
        "clear_filters": link_to(**{name: None for name in FACETS}, **no_dates),
        "suggestions": suggestions,
        "related": related,
        "hidden_filters": [(name, value) for name, values in result.filters.items() for value in values]
        + [(name, value) for name, value in dates_kept.items() if value],
        "chart": timeline_chart(result, link_to),
        "advanced_link": reverse("search_advanced") + (link_to() if link_to.kept else ""),
        "previous_link": link_to(page=str(result.page - 1)) if result.page > 1 else None,
        "next_link": link_to(page=str(result.page + 1)) if result.page < result.pages else None,
        "feed_query": urlencode([(key, value) for key in FEED_PARAMS for value in params.getlist(key)]),
        "export_query": link_to().lstrip("?"),  # this search's parameters, from the first result
        "export_limit": exports.EXPORT_LIMIT,
        "export_formats": [(extension, label) for extension, (label, _, _) in exports.FORMATS.items()],
    }
    return render(request, "search/search.html", context)


@require_safe
def advanced_search(request):
    """Every parameter of a search in a form, prefilled from the search it was opened from; a submitted
    form that passes the search's checks goes on to that search on /search/."""
    form = AdvancedSearchForm(request.GET)
    if "go" in request.GET and form.is_valid():
        query = form.search_query()
        return redirect(reverse("search") + (f"?{query}" if query else ""))
    return render(request, "search/advanced.html", {"form": form})


@throttled
@answers_503
@require_safe
@conditional_page
def search_feed(request, kind):
    """The newest articles of a search as RSS or Atom (announced on the results page)."""
    return FEEDS[kind](request)


@throttled
@answers_503
@require_safe
def search_export(request, extension):
    """The first ``exports.EXPORT_LIMIT`` results of the search the query string describes (every
    parameter of /search/, checked by SearchForm; ``page`` aside) as CSV, RIS or BibTeX, in its order.
    A wrong parameter is a 400 saying which, as in the API."""
    try:
        arguments = SearchForm(request.GET).arguments()
    except SearchInputError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    ids = result_ids(arguments, exports.EXPORT_LIMIT)
    _, write, content_type = exports.FORMATS[extension]
    articles = exports.articles_in_order(ids)
    text = write(articles, lambda article: request.build_absolute_uri(article.get_absolute_url()))
    response = HttpResponse(text, content_type=content_type)
    words = [arguments.q.strip(), *(value for values in arguments.filters.values() for value in values)]
    name = exports.file_name([word for word in words if word], timezone.localdate().isoformat(), extension)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@throttled
@answers_503(json=True)
@conditional_page
def api_search(request):
    try:
        arguments = SearchForm(request.GET).arguments()
    except SearchInputError as error:
        return _error(str(error))
    page = arguments.page
    result = get_search_engine().search(arguments)
    if result.count and page > result.pages:
        return _error(f"没有第 {page} 页，共 {result.pages} 页 / page {page} is past the last page ({result.pages})")
    dates = result.dates
    date_range = None
    if dates is not None:
        date_range = {"from": dates.first and dates.first.isoformat(), "to": dates.last and dates.last.isoformat()}
    body = {
        "count": result.count,
        "page": result.page,
        "pages": result.pages,
        "results": [
            {
                "id": hit.article.pk,
                "url": hit.article.get_absolute_url(),
                "title": hit.article.title or None,
                "zone": hit.article.zone.name if hit.article.zone else None,
                "city": hit.article.city.short if hit.article.city else None,
                "issue": hit.article.page.issue.label if hit.article.page.issue else None,
                "date": printed_on(hit.article),
                "authors": hit.article.author_names(),
                "snippet": hit.snippet_html,
                "matched": hit.matched,
            }
            for hit in result.hits
        ],
        "facets": {name: dict(values) for name, values in result.facets.items()},
        "months": dict(result.months),
        "date_range": date_range,
        "undated": result.undated if result.dates else None,
        "exact_count": result.exact_count,
        "notes": result.notes,
        "also_searched": result.also_searched,
        "suggestions": [suggestion["text"] for suggestion in result.suggestions],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@throttled
def api_article(request, pk: int):
    from ..models import Article
    from ..services import identity

    article = Article.objects.visible().with_related().filter(pk=pk).first()
    if article is None:
        where = identity.whereabouts(pk, Article.objects.visible())
        if where is None:
            return _error(f"没有编号为 {pk} 的公开文章 / no published article {pk}", status=404)
        record = where.record
        body = {
            "id": pk,
            "title": record.title or None,
            "reason": record.reason,
            "retired": record.get_reason_display(),
        }
        if where.successor is not None:
            location = reverse("api_article", args=[where.successor.pk])
            body |= {
                "error": f"文章 {pk} 已并入文章 {where.successor.pk} / article {pk} moved to {where.successor.pk}",
                "moved_to": where.successor.pk,
                "location": location,
                "url": where.successor.get_absolute_url(),
            }
            response = JsonResponse(body, status=301, json_dumps_params={"ensure_ascii": False})
            response["Location"] = location
            return response
        body["error"] = f"文章 {pk} 已撤除：{record.get_reason_display()} / article {pk} is gone"
        return JsonResponse(body, status=410, json_dumps_params={"ensure_ascii": False})
    # The stored file's name is the editors' business (the admin shows it); readers have the page label.
    record = {key: value for key, value in article_record(article).items() if key != "source_file"}
    return JsonResponse(record, json_dumps_params={"ensure_ascii": False})


def api_not_found(request):
    return _error(f"没有这个接口或对象 / not found: {quoted(request.path, 100)}", status=404)
