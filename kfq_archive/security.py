"""Request size cap, login lockout page, client address behind a proxy; the one-line log filter."""

import logging

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than KFQ_MAX_REQUEST_BYTES with a 413 page.

    Django only limits form fields in memory (DATA_UPLOAD_MAX_MEMORY_SIZE); uploaded files stream to
    temporary files whatever their size, and CSRF checking already reads the whole body. Checking
    Content-Length first means an oversized upload is never read, stored or parsed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.KFQ_MAX_REQUEST_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django's own parsing treats a malformed length as an empty body
        if limit and declared > limit:
            return self.too_large(request, declared, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request, declared: int, limit: int) -> HttpResponse:
        context = {"declared": declared, "limit": limit}
        return HttpResponse(render_to_string("413.html", context, request=request), status=413)


def forwarded_client_ip(request) -> str | None:
    """The client address for login throttling behind one reverse proxy (DJANGO_BEHIND_PROXY=1).

    The proxy appends the address it saw to X-Forwarded-For, so only the last entry is trustworthy:
    anything before it came from the client and may be made up.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response, credentials) -> HttpResponse:
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): a page in Chinese, status 429."""
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return TemplateResponse(request, "admin/locked_out.html", context, status=429).render()


class WithoutTraceback(logging.Filter):
    """Logs the record's message alone (its traceback dropped): for errors that are the client's."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def search_rate(group, request) -> str:
    """django-ratelimit's rate, read at request time (tests and operators change the setting)."""
    return settings.KFQ_SEARCH_RATE


def rate_limited(request, exception=None) -> HttpResponse:
    """429 for a client over KFQ_SEARCH_RATE: JSON for the API, a Chinese page for the search page."""
    period = {"s": 1, "m": 60, "h": 3600, "d": 86400}[settings.KFQ_SEARCH_RATE[-1]]
    count, _, multiple = settings.KFQ_SEARCH_RATE[:-1].partition("/")
    seconds = period * int(multiple or 1)
    message = f"检索请求过于频繁（每个地址 {seconds} 秒内最多 {count} 次），请 {seconds} 秒后再试"
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": f"{message} / too many requests, retry after {seconds} s", "retry_after": seconds},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        context = {"message": message, "seconds": seconds}
        response = HttpResponse(render_to_string("429.html", context, request=request), status=429)
    response["Retry-After"] = str(seconds)
    return response
