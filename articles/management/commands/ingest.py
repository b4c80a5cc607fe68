"""manage.py ingest PATH... — load page files (or folders of them) into the archive."""

from __future__ import annotations

import csv
import datetime
from dataclasses import asdict, dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.search import IndexBusy, deferred_indexing
from articles.services.ingest import CREATED, ingest_page
from articles.services.pdf_ingest import ingest_pdf, is_pdf_file

MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class ManifestRow:
    issue_year: int | None = None
    issue_number: int | None = None
    issue_date: datetime.date | None = None
    page_label: str = ""

    def ingest_kwargs(self) -> dict:
        """The keyword arguments ``ingest_page`` takes from a manifest row."""
        return asdict(self)


def read_manifest(path: Path) -> dict[str, ManifestRow]:
    """``file,issue_year,issue_number,date,page_label,note``; empty cells mean unknown."""
    rows = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                rows[row["file"].strip()] = ManifestRow(
                    issue_year=_optional_int(row.get("issue_year")),
                    issue_number=_optional_int(row.get("issue_number")),
                    issue_date=datetime.date.fromisoformat(row["date"].strip()) if row.get("date") else None,
                    page_label=(row.get("page_label") or "").strip(),
                )
            except (KeyError, ValueError) as error:
                message = f"{path}:{line_number}: 清单格式错误 / bad manifest row: {error}"
                raise CommandError(message) from error
    return rows


def manifest_of(folder: Path) -> dict[str, ManifestRow]:
    manifest = folder / MANIFEST_NAME
    return read_manifest(manifest) if manifest.is_file() else {}


def page_files(paths: list[Path]) -> list[Path]:
    """Files as given; folders contribute their *.txt and *.pdf files in name order."""
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(file for file in path.iterdir() if file.suffix.lower() in (".txt", ".pdf")))
        else:
            files.append(path)  # a missing file is reported when it is read
    return files


def _optional_int(cell: str | None) -> int | None:
    return int(cell) if cell and cell.strip() else None


class Command(BaseCommand):
    help = (
        "导入版面文本文件或 PDF / Ingest page text files and issue PDFs "
        "(or folders of *.txt and *.pdf with an optional manifest.csv)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="page files or folders")
        parser.add_argument("--unpublished", action="store_true", help="store the pages hidden from readers")
        parser.add_argument("--max-bytes", type=int, default=None, help="size limit per file")

    def handle(self, *args, paths: list[Path], unpublished: bool, max_bytes: int | None, **options):
        files = page_files(paths)
        # Read every manifest first, so a broken one stops the run before anything is stored.
        manifests = {folder: manifest_of(folder) for folder in {file.parent for file in files}}
        counts = {"created": 0, "unchanged": 0, "failed": 0}
        # Each page commits on its own and queues its articles in the index backlog with it; the index
        # takes them in large batches (a Whoosh commit per page would be most of the run's time).
        try:
            with deferred_indexing() as indexing:
                for file in files:
                    self.ingest_file(
                        file, manifests[file.parent].get(file.name, ManifestRow()), counts, unpublished, max_bytes
                    )
        except IndexBusy as error:
            message = (
                "检索索引正忙，未索引的文章留在索引待办中；稍后运行 manage.py check_index --repair / "
                "the search index stayed busy: the pages are stored, their articles wait in the index backlog"
            )
            raise CommandError(message) from error
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        summary += f"; search index: {indexing.indexed} indexed, {indexing.removed} removed"
        if counts["failed"] or indexing.failed:
            raise CommandError(f"导入失败 / some files failed: {summary}")
        self.stdout.write(summary)

    def ingest_file(self, file: Path, hints: ManifestRow, counts: dict, unpublished: bool, max_bytes: int | None):
        try:
            data = file.read_bytes()
            if is_pdf_file(file.name, data):
                results = ingest_pdf(
                    data,
                    file.name,
                    **hints.ingest_kwargs(),
                    publish=not unpublished,
                    progress=lambda line: self.stdout.write(f"           {file.name}: {line}"),
                )
            else:
                results = [
                    ingest_page(data, file.name, **hints.ingest_kwargs(), publish=not unpublished, max_bytes=max_bytes)
                ]
        # A parser bug on one page must not stop the others from loading.
        except Exception as error:
            counts["failed"] += 1
            self.stderr.write(f"error      {file}: {error}")
            return
        for result in results:
            counts[result.status] += 1
            line = f"{result.status:<10} {file}: page #{result.page.pk} {result.page.label}, {result.articles} articles"
            if result.status == CREATED:
                line += f", {len(result.new_zones)} new zones, {len(result.warnings)} warnings"
            self.stdout.write(line)
