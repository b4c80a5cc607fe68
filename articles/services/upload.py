"""Page files from the admin upload form into the archive, through the same ``ingest_page`` as the command.

The form hands over what the browser sent: one or several page files, or ``.zip`` archives of them.
Everything is checked before anything is written: a bad archive, an empty file, an image, a file over the
size limit refuses the whole upload, so the editor fixes it and sends again (nothing half-loaded).
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction

from .decoding import decode_page
from .errors import FileTooLargeError, IngestError
from .ingest import CREATED, IngestResult, ingest_page
from .pdf_ingest import check_pdf, ingest_pdf, is_pdf_file, max_pdf_bytes

log = logging.getLogger(__name__)

ZIP_SUFFIX = ".zip"
# What zipfile raises on a damaged archive (truncated, corrupted, made up): a negative seek, a short read,
# bad compressed data, an unknown format version. All of them mean "unreadable", never a server error.
DAMAGED_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error)
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
# Names printed on files: "D1.txt", "2024-16-D2.txt", "2024年第16期D3.txt", "2024_16_d4.txt".
ISSUE_IN_NAME = re.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:[-_ 年.]\s*第?\s*)(?P<number>\d{1,3})(?!\d)")
LABEL_IN_NAME = re.compile(r"(?<![A-Za-z0-9])(?P<label>[A-Da-d]\d{1,2})(?![0-9])")


class UploadError(IngestError):
    message_zh = "上传被拒绝"
    message_en = "upload refused"


class UnsafeArchiveError(UploadError):
    message_zh = "压缩包不安全或无法读取"
    message_en = "the zip archive is unsafe or unreadable"


class TooManyFilesError(UploadError):
    message_zh = "文件数量超过上限"
    message_en = "too many files"


@dataclass
class PageFile:
    name: str  # as shown to the editor: "upload.zip/D1.txt" for an archive member
    data: bytes
    year: int | None = None  # from the file name
    number: int | None = None
    label: str = ""


@dataclass
class FileProblem:
    name: str
    message: str


class FileRefusedError(UploadError):
    """A file that decoded but could not be stored (e.g. too many articles); nothing of the upload was."""

    message_zh = "有文件无法导入，本次上传未导入任何文件"
    message_en = "a file could not be stored; nothing of this upload was"

    def __init__(self, problem: FileProblem) -> None:
        self.problem = problem
        super().__init__(f"{problem.name}: {problem.message}")


@dataclass
class UploadOutcome:
    name: str
    status: str  # CREATED or UNCHANGED
    result: IngestResult


@dataclass
class UploadReport:
    outcomes: list[UploadOutcome] = field(default_factory=list)

    @property
    def created(self) -> list[UploadOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == CREATED]

    @property
    def unchanged(self) -> list[UploadOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status != CREATED]


def upload_limits() -> dict[str, int]:
    """Per-upload limits (settings KFQ_MAX_UPLOAD_FILES, KFQ_MAX_UPLOAD_TOTAL_BYTES, KFQ_MAX_UPLOAD_BYTES)."""
    return {
        "files": getattr(settings, "KFQ_MAX_UPLOAD_FILES", 40),
        "total": getattr(settings, "KFQ_MAX_UPLOAD_TOTAL_BYTES", 20 * 1024 * 1024),
        "per_file": settings.KFQ_MAX_UPLOAD_BYTES,
    }


def max_files() -> int:
    return upload_limits()["files"]


def max_total_bytes() -> int:
    return upload_limits()["total"]


def hints_from_name(name: str) -> tuple[int | None, int | None, str]:
    """Issue year, number and page label printed in a file name, when they are there."""
    stem = PurePosixPath(name).stem
    year = number = None
    issue = ISSUE_IN_NAME.search(stem)
    if issue:
        year, number = int(issue["year"]), int(issue["number"])
        stem = stem[: issue.start()] + " " + stem[issue.end() :]
    label = LABEL_IN_NAME.search(stem)
    return year, number, label["label"].upper() if label else ""


def prepare_upload(uploaded) -> tuple[list[PageFile], list[FileProblem]]:
    """Uploaded files (Django ``UploadedFile``s) to page files, opening zip archives.

    Raises UploadError when the upload as a whole is refused (unsafe archive, too many files, too much);
    returns the problems of single files (empty, not text, too large) alongside the usable ones. Sizes are
    checked before anything is read into memory.
    """
    files: list[PageFile] = []
    problems: list[FileProblem] = []
    for upload in uploaded:
        name = PurePosixPath(upload.name.replace("\\", "/")).name or "upload"
        if name.lower().endswith(ZIP_SUFFIX):
            if upload.size > max_total_bytes():
                raise UnsafeArchiveError(f"{name}: {upload.size} > {max_total_bytes()} bytes")
            files.extend(_zip_members(name, _read(upload)))
        elif upload.size > _limit_for(name):
            problems.append(FileProblem(name, str(FileTooLargeError(f"{upload.size} > {_limit_for(name)} bytes"))))
        else:
            data = _read(upload)
            if data.startswith(b"PK\x03\x04"):  # a zip under another name
                files.extend(_zip_members(name, data))
            else:
                files.append(_page_file(name, data))
        if len(files) + len(problems) > max_files():
            raise TooManyFilesError(f"一次最多 {max_files()} 个 / at most {max_files()} files per upload")
    if not files and not problems:
        raise UploadError("没有版面文件 / no page files")
    total = sum(len(file.data) for file in files)
    if total > max_total_bytes():
        raise UploadError(f"合计 {total} 字节，上限 {max_total_bytes()} / {total} > {max_total_bytes()} bytes in total")
    problems.extend(check_files(files))
    return files, problems


def _limit_for(name: str) -> int:
    """Bytes a file may have: a whole issue's PDF is larger than a page's text."""
    return max_pdf_bytes() if name.lower().endswith(".pdf") else settings.KFQ_MAX_UPLOAD_BYTES


def _read(upload) -> bytes:
    upload.seek(0)
    return b"".join(upload.chunks())


def _page_file(name: str, data: bytes) -> PageFile:
    year, number, label = hints_from_name(name)
    return PageFile(name=name, data=data, year=year, number=number, label=label)


def _zip_members(zip_name: str, data: bytes) -> list[PageFile]:
    """The page files in an archive; any unsafe entry refuses the whole archive before a byte is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except DAMAGED_ZIP_ERRORS as error:
        raise UnsafeArchiveError(f"{zip_name}: {error}") from error
    if len(entries) > 10 * max_files():
        raise TooManyFilesError(f"{zip_name}: {len(entries)} 个条目 / entries")
    members = []
    for entry in entries:
        name = entry.filename = _member_name(entry)
        if not name:  # zipfile cuts a name at its first NUL
            raise UnsafeArchiveError(f"{zip_name}: 没有名字的条目 / an entry without a name")
        if entry.is_dir() or _ignorable(name):
            continue
        path = PurePosixPath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
            raise UnsafeArchiveError(f"{zip_name}: 不安全的路径 / unsafe path {name!r}")
        if name.lower().endswith(ARCHIVE_SUFFIXES):
            raise UnsafeArchiveError(f"{zip_name}: 压缩包内不能再有压缩包 / nested archive {name!r}")
        if entry.flag_bits & 0x1:
            raise UnsafeArchiveError(f"{zip_name}: 加密文件 / encrypted entry {name!r}")
        if stat.S_ISLNK(entry.external_attr >> 16):  # its "text" would be the path it points to
            raise UnsafeArchiveError(f"{zip_name}: 符号链接不能作为版面 / a symbolic link, not a page: {name!r}")
        if entry.file_size > _limit_for(name):
            raise UnsafeArchiveError(
                f"{zip_name}: {name} 解压后 {entry.file_size} 字节，超过单页上限 {_limit_for(name)} / "
                f"{name} unpacks to {entry.file_size} bytes, over the per-page limit"
            )
        members.append(entry)
    if len(members) > max_files():
        raise TooManyFilesError(f"{zip_name}: {len(members)} > {max_files()}")
    declared = sum(entry.file_size for entry in members)
    if declared > max_total_bytes():
        raise UnsafeArchiveError(f"{zip_name}: 解压后合计 {declared} 字节 / unpacks to {declared} bytes in total")
    files = []
    for entry in members:
        try:
            with archive.open(entry) as handle:
                # Never trust the declared size: read one byte past the limit at most.
                content = handle.read(_limit_for(entry.filename) + 1)
        except DAMAGED_ZIP_ERRORS as error:
            raise UnsafeArchiveError(f"{zip_name}: {entry.filename}: {error}") from error
        if len(content) > _limit_for(entry.filename):
            raise UnsafeArchiveError(f"{zip_name}: {entry.filename} 超过单页上限 / over the per-page limit")
        if content.startswith(b"PK\x03\x04"):
            raise UnsafeArchiveError(f"{zip_name}: 压缩包内不能再有压缩包 / nested archive {entry.filename!r}")
        files.append(_page_file(f"{zip_name}/{entry.filename}", content))
    return files


def _member_name(entry: zipfile.ZipInfo) -> str:
    """The member's name; archivers on Chinese Windows write GBK names without saying so (no UTF-8 flag)."""
    if entry.flag_bits & 0x800:
        return entry.filename
    try:
        return entry.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return entry.filename


def _ignorable(name: str) -> bool:
    """Clutter archivers add: macOS resource forks and Finder files, Windows thumbnails."""
    base = PurePosixPath(name).name
    return name.startswith("__MACOSX/") or base in {".DS_Store", "Thumbs.db", "desktop.ini"}


def check_files(files: list[PageFile]) -> list[FileProblem]:
    """Every file must decode as a page; returns what is wrong with each file that does not."""
    problems = []
    for file in files:
        try:
            if is_pdf_file(file.name, file.data):
                check_pdf(file.data)
            else:
                decode_page(file.data, max_bytes=settings.KFQ_MAX_UPLOAD_BYTES)
        except IngestError as error:
            problems.append(FileProblem(file.name, str(error)))
    return problems


def ingest_files(
    files: list[PageFile],
    *,
    issue_year: int | None = None,
    issue_number: int | None = None,
    issue_date: datetime.date | None = None,
    page_label: str = "",
    on_created: Callable[[str, IngestResult], None] | None = None,
) -> UploadReport:
    """Stores the files unpublished, all or none; the form's values win over file names.

    The masthead printed on a page wins over both (``ingest_page`` reconciles and warns). ``on_created``
    (file name, result) runs inside the upload's transaction. A file that cannot be stored raises
    ``FileRefusedError`` naming it, and nothing of the upload is kept.
    """
    # Imported late: the search package loads haystack and jieba.
    from ..search import IndexBusy, deferred_indexing

    report = UploadReport()
    # Each page queues its articles for the index with its commit; the index takes them in one write.
    try:
        with deferred_indexing(), transaction.atomic():
            for file in files:
                ingest = ingest_pdf if is_pdf_file(file.name, file.data) else _ingest_text
                try:
                    results = ingest(
                        file.data,
                        PurePosixPath(file.name).name,
                        issue_year=issue_year or file.year,
                        issue_number=issue_number or file.number,
                        issue_date=issue_date,
                        page_label=page_label or file.label,
                        publish=False,
                        on_created=partial(on_created, file.name) if on_created else None,
                    )
                except IngestError as error:
                    raise FileRefusedError(FileProblem(file.name, str(error))) from error
                for result in results:
                    name = file.name if len(results) == 1 else f"{file.name} {result.page.label}"
                    report.outcomes.append(UploadOutcome(name, result.status, result))
    except IndexBusy:  # the pages are stored (unpublished, so nothing is missing from search yet)
        log.warning("search index busy after an upload; its articles wait in the index backlog")
    return report


def _ingest_text(data: bytes, name: str, **hints) -> list[IngestResult]:
    return [ingest_page(data, name, **hints)]
