"""What of Whoosh's private internals the archive depends on, in one place: postings decoded from Whoosh 3's
files (``arrays``), the codec of small writes (``codec``), merging beside the writer (``merging``) and
opening searchers (``searcher``).

They were written against one Whoosh release: another one fails loudly here, at import, rather than
reading an index wrongly. Only this folder may import ``whoosh.codec``, ``whoosh.filedb`` or
``whoosh.matching`` (pyproject.toml: ruff's banned-api).
"""

from __future__ import annotations

import sys

import whoosh

WRITTEN_FOR = (2, 7, 4)

if tuple(whoosh.__version__) != WRITTEN_FOR:
    raise ImportError(
        f"articles.search.whoosh_engine reads Whoosh {'.'.join(map(str, WRITTEN_FOR))}'s files directly, but "
        f"Whoosh {whoosh.versionstring()} is installed: pin whoosh=={'.'.join(map(str, WRITTEN_FOR))} "
        "or check articles/search/whoosh_engine/internals against the new release"
    )


def register_old_names() -> None:
    """Indexes written before the Whoosh engine had a folder of its own name their schema's classes by
    the modules they were in (the table of contents pickles the schema); they stay readable, until the
    next rebuild writes the new names."""
    from ... import analysis
    from .. import analyzers, backend

    sys.modules.setdefault("articles.search.backend", backend)
    analysis.JiebaTokenizer = analyzers.JiebaTokenizer
    analysis.BigramTokenizer = analyzers.BigramTokenizer
