"""Which search engine haystack uses, from environment variables (read once, by settings.py).

KFQ_SEARCH_ENGINE          whoosh (default): an index in KFQ_DATA_DIR/whoosh_index, one machine;
                           elasticsearch7: an Elasticsearch 7 server (README, “Scale-out”)
KFQ_ELASTICSEARCH_URL      default http://127.0.0.1:9200 (http or https; user:password@ allowed)
KFQ_ELASTICSEARCH_INDEX    default kfq_archive
KFQ_ELASTICSEARCH_TIMEOUT  seconds per request, default 10

Anything else is refused at start-up with ImproperlyConfigured, never discovered at the first search.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

WHOOSH = "whoosh"
ELASTICSEARCH7 = "elasticsearch7"
ENGINES = (WHOOSH, ELASTICSEARCH7)
WHOOSH_ENGINE = "articles.search.whoosh_engine.backend.ArchiveWhooshEngine"
ELASTICSEARCH7_ENGINE = "articles.search.elasticsearch.ArchiveElasticsearchEngine"
DEFAULT_ELASTICSEARCH_URL = "http://127.0.0.1:9200"
DEFAULT_ELASTICSEARCH_INDEX = "kfq_archive"
DEFAULT_ELASTICSEARCH_TIMEOUT = 10
# A safe subset of Elasticsearch's rules for index names (lowercase, no spaces or \\ / * ? " < > | , # :,
# not starting with - _ + or ., at most 255 bytes).
INDEX_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,254}")


def engine_name(environ: Mapping[str, str] = os.environ) -> str:
    raw = environ.get("KFQ_SEARCH_ENGINE", "")
    name = raw.strip().lower() or WHOOSH
    if name not in ENGINES:
        raise ImproperlyConfigured(
            f"KFQ_SEARCH_ENGINE={raw!r} is not a search engine this archive knows; use one of: {', '.join(ENGINES)}"
        )
    return name


def _elasticsearch_client_version() -> str:
    try:
        version = importlib.metadata.version("elasticsearch")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    if not version.startswith("7."):
        found = f"elasticsearch {version} is installed" if version else "the elasticsearch package is not installed"
        raise ImproperlyConfigured(
            f"KFQ_SEARCH_ENGINE=elasticsearch7 needs the Elasticsearch 7 client, but {found}: "
            "pip install 'kfq-archive[elasticsearch]'"
        )
    return version


def _elasticsearch_url(environ: Mapping[str, str]) -> str:
    url = environ.get("KFQ_ELASTICSEARCH_URL", "").strip() or DEFAULT_ELASTICSEARCH_URL
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        shown = f"{parts.scheme}://{parts.hostname}" if parts and parts.hostname else "(not a URL)"
        # The URL may carry a password: show only what is wrong with it.
        raise ImproperlyConfigured(
            f"KFQ_ELASTICSEARCH_URL must be an http:// or https:// URL with a host name, e.g. "
            f"{DEFAULT_ELASTICSEARCH_URL}; got {shown}"
        )
    return url


def _elasticsearch_index(environ: Mapping[str, str]) -> str:
    name = environ.get("KFQ_ELASTICSEARCH_INDEX", "").strip() or DEFAULT_ELASTICSEARCH_INDEX
    if not INDEX_NAME.fullmatch(name):
        raise ImproperlyConfigured(
            f"KFQ_ELASTICSEARCH_INDEX={name!r} is not an index name this archive accepts: lowercase letters, "
            "digits, . _ - (starting with a letter or digit), at most 255 characters"
        )
    return name


def _elasticsearch_timeout(environ: Mapping[str, str]) -> int:
    raw = environ.get("KFQ_ELASTICSEARCH_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_ELASTICSEARCH_TIMEOUT
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"KFQ_ELASTICSEARCH_TIMEOUT must be a whole number of seconds ≥ 1, got {raw!r}")
    return int(raw)


def haystack_connections(data_dir: Path, environ: Mapping[str, str] = os.environ) -> dict:
    """HAYSTACK_CONNECTIONS for the engine the environment names (Whoosh unless told otherwise)."""
    if engine_name(environ) == WHOOSH:
        return {"default": {"ENGINE": WHOOSH_ENGINE, "PATH": str(data_dir / "whoosh_index")}}
    _elasticsearch_client_version()
    return {
        "default": {
            "ENGINE": ELASTICSEARCH7_ENGINE,
            "URL": _elasticsearch_url(environ),
            "INDEX_NAME": _elasticsearch_index(environ),
            "TIMEOUT": _elasticsearch_timeout(environ),
            # Errors must reach the reader as "search unavailable" (503), never as an empty result list.
            "SILENTLY_FAIL": False,
        }
    }
