"""Which search engine haystack uses, from environment variables (read once, by settings.py).

KFQ_SEARCH_ENGINE          whoosh (default): an index in KFQ_DATA_DIR/whoosh_index, one machine;
                           opensearch: an OpenSearch cluster (README, “Scale-out”)
KFQ_OPENSEARCH_URL         default http://127.0.0.1:9200 (http or https; user:password@ allowed)
KFQ_OPENSEARCH_INDEX       default kfq_archive
KFQ_OPENSEARCH_TIMEOUT     seconds per request, default 10

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
OPENSEARCH = "opensearch"
ENGINES = (WHOOSH, OPENSEARCH)
WHOOSH_ENGINE = "articles.search.whoosh_engine.backend.ArchiveWhooshEngine"
OPENSEARCH_ENGINE = "articles.search.opensearch.ArchiveOpenSearchEngine"
DEFAULT_OPENSEARCH_URL = "http://127.0.0.1:9200"
DEFAULT_OPENSEARCH_INDEX = "kfq_archive"
DEFAULT_OPENSEARCH_TIMEOUT = 10
# A safe subset of OpenSearch's rules for index names (lowercase, no spaces or \\ / * ? " < > | , # :,
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


def _opensearch_client_version() -> str:
    try:
        version = importlib.metadata.version("opensearch-py")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    if not version or int(version.split(".")[0]) < 2:
        found = f"opensearch-py {version} is installed" if version else "the opensearch-py package is not installed"
        raise ImproperlyConfigured(
            f"KFQ_SEARCH_ENGINE=opensearch needs the OpenSearch client (opensearch-py 2 or later), but {found}: "
            "pip install 'kfq-archive[opensearch]'"
        )
    return version


def _opensearch_url(environ: Mapping[str, str]) -> str:
    url = environ.get("KFQ_OPENSEARCH_URL", "").strip() or DEFAULT_OPENSEARCH_URL
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        shown = f"{parts.scheme}://{parts.hostname}" if parts and parts.hostname else "(not a URL)"
        # The URL may carry a password: show only what is wrong with it.
        raise ImproperlyConfigured(
            f"KFQ_OPENSEARCH_URL must be an http:// or https:// URL with a host name, e.g. "
            f"{DEFAULT_OPENSEARCH_URL}; got {shown}"
        )
    return url


def _opensearch_index(environ: Mapping[str, str]) -> str:
    name = environ.get("KFQ_OPENSEARCH_INDEX", "").strip() or DEFAULT_OPENSEARCH_INDEX
    if not INDEX_NAME.fullmatch(name):
        raise ImproperlyConfigured(
            f"KFQ_OPENSEARCH_INDEX={name!r} is not an index name this archive accepts: lowercase letters, "
            "digits, . _ - (starting with a letter or digit), at most 255 characters"
        )
    return name


def _opensearch_timeout(environ: Mapping[str, str]) -> int:
    raw = environ.get("KFQ_OPENSEARCH_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_OPENSEARCH_TIMEOUT
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"KFQ_OPENSEARCH_TIMEOUT must be a whole number of seconds ≥ 1, got {raw!r}")
    return int(raw)


def haystack_connections(data_dir: Path, environ: Mapping[str, str] = os.environ) -> dict:
    """HAYSTACK_CONNECTIONS for the engine the environment names (Whoosh unless told otherwise)."""
    if engine_name(environ) == WHOOSH:
        return {"default": {"ENGINE": WHOOSH_ENGINE, "PATH": str(data_dir / "whoosh_index")}}
    _opensearch_client_version()
    return {
        "default": {
            "ENGINE": OPENSEARCH_ENGINE,
            "URL": _opensearch_url(environ),
            "INDEX_NAME": _opensearch_index(environ),
            "TIMEOUT": _opensearch_timeout(environ),
            # Errors must reach the reader as "search unavailable" (503), never as an empty result list.
            "SILENTLY_FAIL": False,
        }
    }
