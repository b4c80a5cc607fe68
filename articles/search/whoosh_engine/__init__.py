"""The Whoosh engine: an index in a folder of this machine, searched as arrays (``matching``), written by
one process at a time (``writing``, ``backend``). Whoosh's own internals are used only in ``internals``.
"""

from __future__ import annotations

import whoosh.index

from .. import planning
from ..contract import FACETS
from ..engine import READ_ERRORS, SearchEngine
from . import matching, writing
from .internals import register_old_names, searcher

register_old_names()


class WhooshSearchEngine(SearchEngine):
    name = "Whoosh"
    rebuilds_in_one_commit = True
    # Besides the common ones, a bad table of contents raises Whoosh's own.
    read_errors = (*READ_ERRORS, whoosh.index.IndexError)

    def __init__(self, using: str = "default"):
        super().__init__(using)
        self._names_stamp = None  # the generation whose names planning has

    def refresh(self) -> None:
        stamp = searcher.stamp_of(searcher.get_searcher())
        if stamp != self._names_stamp:
            planning.names_may_have_changed()
            self._names_stamp = stamp

    def matches(self, plan, *, by_date, start, size):
        return matching.find(plan, by_date=by_date, start=start, size=size)

    def count(self, plan, *, strict=False):
        return matching.count_matches(plan, strict=strict)

    def value_counts(self, facet, values):
        current = searcher.get_searcher()
        return {value: current.doc_frequency(FACETS[facet][0], value) for value in values}

    def related(self, zone_names, city, limit):
        with self.reading():
            return matching.related_ids(zone_names, city, limit)

    def apply(self, own, limit, skip, timeout):
        from ..sync import in_request

        return writing.drain_once(self.backend, self.index, own, limit, skip, timeout, tidy=not in_request())

    def rebuild(self, *, procs, progress=None):
        return self.backend.rebuild(self.index, procs=procs, progress=progress)

    def tidy(self) -> bool:
        return self.backend.tidy()

    def generation(self):
        return searcher.generation_stamp()

    def after_request(self) -> None:
        searcher.release_if_stale()

    def warm(self) -> None:
        """Read what every search needs from each segment of the index (facet codes, date order, field
        lengths) and close the index's files: in gunicorn's master before the workers fork
        (``--preload``), so they share these arrays instead of each building them at its first search.
        A missing index is not created here: the first search does it."""
        from ..forms import SearchForm

        if not searcher.generation_stamp():
            return
        try:
            self.search(SearchForm.of("").arguments())  # the whole archive: every facet, date order
            self.search(SearchForm.of("开发区 建设").arguments())  # words: ranking lengths of the text fields
        finally:
            searcher.close()

    def problems(self) -> list[str]:
        from .consistency import quick_check

        return quick_check()

    def find_drift(self):
        from .consistency import find_drift

        return find_drift()

    def repair(self, timeout=None):
        from .consistency import repair

        return repair(timeout)

    def reset(self) -> None:
        searcher.reset()
        planning.reset_names()
        self._names_stamp = None
