"""A search engine that cannot answer (a server down or unreachable, or a damaged index file): readers
get a 503, not a 500.
"""

from __future__ import annotations

import functools
import logging

from django.http import JsonResponse
from django.shortcuts import render

from .contract import SearchUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_MESSAGE = "检索服务暂时不可用，请稍后再试 / search is temporarily unavailable, please try again later"


def answers_503(view=None, *, json: bool = False):
    """Decorate a search view: SearchUnavailable becomes a 503 page (or JSON error) with Retry-After."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            try:
                return func(request, *args, **kwargs)
            except SearchUnavailable as error:
                log.error("search unavailable: %s", error, exc_info=error.__cause__ or error)
                if json:
                    body = {"error": API_MESSAGE}
                    response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
                else:
                    context = {"q": request.GET.get("q", "")}
                    response = render(request, "search/unavailable.html", context, status=503)
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response

        return wrapper

    return decorate(view) if view is not None else decorate
