"""manage.py check_index [--repair] — compare the search index with the database; repair the drift."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ...contract import IndexBusy
from ...engine import Unsupported, get_search_engine

SHOWN = 20  # ids listed per kind of drift


def _ids(values: list[int]) -> str:
    shown = ", ".join(map(str, values[:SHOWN]))
    return shown + (f", … (+{len(values) - SHOWN})" if len(values) > SHOWN else "")


class Command(BaseCommand):
    help = (
        "核对检索索引与数据库：缺失、多余、内容不一致的文章；--repair 修复并处理索引待办 / "
        "Compare the search index with the database (missing, stale, changed documents); --repair fixes "
        "them and drains the index backlog. Exit status 1 when drift is found and not repaired."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix the drift and drain the index backlog")
        parser.add_argument(
            "--timeout", type=float, default=None, help="seconds to wait for another index writer (default 30)"
        )

    def handle(self, *args, repair: bool, timeout: float | None, **options):
        engine = get_search_engine()
        try:
            if repair:
                return self.repair(engine, timeout)
            drift = engine.find_drift()
        except Unsupported as error:
            raise CommandError(str(error)) from error
        except engine.read_errors as error:
            self.stdout.write(f"检索索引文件损坏或缺失，无法读取 / the index cannot be read: {error!r}")
            raise CommandError(
                "检索索引已损坏；运行 manage.py check_index --repair 按数据库重建 / the index is damaged"
            ) from error
        self.report(drift)
        if drift:
            raise CommandError("检索索引与数据库不一致；运行 manage.py check_index --repair / index drift found")
        self.stdout.write("检索索引与数据库一致 / the index matches the database")

    def repair(self, engine, timeout: float | None) -> None:
        try:
            outcome = engine.repair(timeout)
        except IndexBusy as error:
            message = "检索索引正被另一进程写入，请稍后再试 / another process holds the index writer"
            raise CommandError(message) from error
        except engine.read_errors as error:
            # Nothing of a damaged index can be trusted: the whole index is written anew from the database.
            self.stdout.write(f"检索索引文件损坏，按数据库重建 / the index is damaged ({error!r}); rebuilding it")
            call_command("rebuild_index", interactive=False, stdout=self.stdout, stderr=self.stderr)
            engine.reset()
            left = engine.find_drift()
            self.report(left)
            if left:
                raise CommandError("重建后仍不一致 / drift remains after the rebuild") from error
            self.stdout.write("检索索引与数据库一致 / the index matches the database")
            return
        self.report(outcome.found)
        self.stdout.write(
            f"已修复 / repaired: {outcome.indexed} indexed, {outcome.removed} removed"
            + (f", {len(outcome.failed)} failed: {_ids(list(outcome.failed))}" if outcome.failed else "")
        )
        left = engine.find_drift()
        if left or outcome.failed:
            self.report(left)
            raise CommandError("修复后仍不一致 / drift remains after the repair")
        self.stdout.write("检索索引与数据库一致 / the index matches the database")

    def report(self, drift) -> None:
        write = self.stdout.write
        write(
            f"公开文章 {drift.visible} 篇，索引文档 {drift.indexed} 个 / {drift.visible} visible articles, "
            f"{drift.indexed} index documents"
        )
        for label, values in (
            ("缺失 / missing (visible, not indexed)", drift.missing),
            ("多余 / stale (indexed, hidden or deleted)", drift.stale),
            ("不一致 / changed (indexed differently)", drift.changed),
            ("无主文档 / stray documents (index numbers)", drift.strays),
            ("无法生成文档 / cannot be prepared", drift.unpreparable),
        ):
            if values:
                write(f"{label}: {len(values)}: {_ids(values)}")
        if drift.backlog:
            write(f"索引待办 / index backlog: {drift.backlog} rows")
