"""A search engine that cannot answer (a server down or unreachable, or a damaged index file): readers
get a 503, not a 500.
"""

from __future__ import annotations

import functools
import logging
import pickle
import struct
import zlib
from contextlib import contextmanager

import whoosh.index
from django.http import JsonResponse
from django.shortcuts import render

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_MESSAGE = "检索服务暂时不可用，请稍后再试 / search is temporarily unavailable, please try again later"


class SearchUnavailable(RuntimeError):
    """The search engine did not answer, or refused the request."""


class IndexDamaged(SearchUnavailable):
    """A file of the local index could not be read: truncated, missing or garbled (``check_index``)."""


# What reading a damaged index raises: a truncated segment EOFError, a missing file OSError, garbled
# bytes the decoders' errors, a bad table of contents Whoosh's own.
INDEX_READ_ERRORS = (EOFError, OSError, struct.error, zlib.error, pickle.UnpicklingError, whoosh.index.IndexError)


@contextmanager
def reading_index():
    """Turns a damaged index file met inside the block into ``IndexDamaged``."""
    try:
        yield
    except INDEX_READ_ERRORS as error:
        raise IndexDamaged(f"检索索引文件损坏或缺失 / the search index cannot be read: {error!r}") from error


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
