"""manage.py rebuild_index [--noinput] [--procs N] — the whole search index written anew.

For the archive's Whoosh index this replaces haystack's command (which clears the index, then writes
it in batches of 1000 with a commit and a merge each, replacing every document one by one): one writer
adds every visible article, ``--procs`` processes analysing and writing a segment each, and one commit
swaps the new segments in for the old ones. Searches see the old index until then. OpenSearch's engine
deletes and recreates its index, then fills it in bulk requests; an engine that does neither gets
haystack's command unchanged. The index backlog is drained afterwards (saves made
meanwhile waited for the writer or left their articles there).
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.management.base import CommandError
from haystack.management.commands.rebuild_index import Command as HaystackRebuild

from ...contract import IndexBusy
from ...engine import get_search_engine

MAX_DEFAULT_PROCS = 2


def default_procs() -> int:
    """settings.KFQ_INDEX_PROCS, else the number of CPUs (at most MAX_DEFAULT_PROCS)."""
    return settings.KFQ_INDEX_PROCS or max(1, min(MAX_DEFAULT_PROCS, os.cpu_count() or 1))


class Command(HaystackRebuild):
    help = (
        "重建检索索引（一个写入器、一次提交；检索在完成前使用旧索引）/ Rebuild the search index: one writer, "
        "one commit; searches use the old index until it is done."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--procs",
            type=int,
            default=None,
            help="writer processes, each writing one segment (default: KFQ_INDEX_PROCS or the CPUs, at most 2)",
        )

    def handle(self, **options):
        usings = options.get("using") or ["default"]
        engines = {using: get_search_engine(using) for using in usings}
        if not all(engine.rebuilds_in_one_commit for engine in engines.values()):
            return super().handle(**options)
        procs = options.get("procs") or default_procs()
        if procs < 1:
            raise CommandError("--procs 必须是正整数 / --procs must be ≥ 1")
        if options.get("interactive", True):
            answer = input("这会重写整个检索索引 / This rewrites the whole search index. Continue? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write("已取消 / Cancelled.")
                return
        verbosity = options.get("verbosity", 1)
        for engine in engines.values():
            started = time.perf_counter()

            def progress(written, started=started):
                if verbosity >= 2:
                    self.stdout.write(f"  {written} 篇 / articles ({time.perf_counter() - started:.0f} s)")

            try:
                written = engine.rebuild(procs=procs, progress=progress)
            except IndexBusy as error:
                message = f"检索索引正被另一个进程写入 / another process keeps the index busy: {error}"
                raise CommandError(message) from error
            if verbosity >= 1:
                self.stdout.write(
                    f"索引已重建：{written} 篇文章，{time.perf_counter() - started:.1f} 秒（{procs} 个进程）/ "
                    f"index rebuilt: {written} articles in {time.perf_counter() - started:.1f} s ({procs} processes)"
                )
        from ...sync import drain_all

        try:
            drain_all()
        except IndexBusy:
            self.stderr.write("索引待办稍后处理 / the index backlog waits for the next write (check_index --repair)")
