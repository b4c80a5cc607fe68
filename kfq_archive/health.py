"""``/healthz``: can this process answer readers? For load balancers and the container's HEALTHCHECK.

200 ``{"status": "ok", "database": "ok", "index": "ok"}`` when the database answers a query on the
articles table (so migrations have run) and the search index opens and answers a count; otherwise 503
with the failing part marked ``"error"``. What went wrong goes to the log, never into the answer (paths,
host names and passwords stay private). Never cached.
"""

import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def database_answers() -> None:
    from articles.models import Article

    Article.objects.only("pk").exists()


def index_answers() -> None:
    # Through haystack, so whichever search engine is configured is the one asked.
    from haystack.query import SearchQuerySet

    from articles.models import Article

    SearchQuerySet().models(Article).count()


CHECKS = {"database": database_answers, "index": index_answers}


@never_cache
@require_safe
def healthz(request):
    report = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            log.exception("health check %s failed", name)
            report[name] = "error"
        else:
            report[name] = "ok"
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)
