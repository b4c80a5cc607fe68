"""Issue PDFs into the archive: one Page a PDF page, its articles placed on it, its image rendered once.

The PDF is stored once (``SourcePdf``, byte for byte with its SHA-256); each page keeps the text read from
it (what the parser read) and its articles keep their rectangles on the page. All pages of a PDF are stored
in one transaction: a PDF is stored whole or not at all. Page images are written after the commit (a
rolled-back upload leaves none), and rendered again on demand if one is missing.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ..gazetteer_db import gazetteer_from_db
from ..models import Page, SourcePdf
from ..parsing import ParsedArticle, parse_page
from ..pdfs.document import PdfPage, PdfProblem, is_pdf, open_pdf, read_pages, render_page
from ..pdfs.layout import PageText, article_regions
from ..search import sync_on_commit
from .errors import FileTooLargeError, IngestError
from .ingest import CREATED, UNCHANGED, IngestResult, checked, store_new_page

__all__ = ["PdfError", "check_pdf", "ingest_pdf", "is_pdf", "page_image_path", "regions_of"]

log = logging.getLogger(__name__)


class PdfError(IngestError):
    message_zh = "PDF 无法导入"
    message_en = "the PDF cannot be ingested"


def max_pdf_bytes() -> int:
    return getattr(settings, "KFQ_MAX_PDF_BYTES", 15 * 1024 * 1024)


def max_pdf_pages() -> int:
    return getattr(settings, "KFQ_MAX_PDF_PAGES", 32)


def check_pdf(data: bytes) -> None:
    """The checks a PDF must pass before an upload stores anything (size, encryption, damage, page count
    and size); raises PdfError. Pages without a text layer are found when the pages are read."""
    if len(data) > max_pdf_bytes():
        raise FileTooLargeError(f"{len(data)} > {max_pdf_bytes()} bytes")
    try:
        with open_pdf(data, max_pages=max_pdf_pages()):
            pass
    except PdfProblem as problem:
        raise PdfError(str(problem)) from problem


def page_sha256(pdf_sha256: str, number: int) -> str:
    """A PDF page's identity: the file's SHA-256 and the page number."""
    return hashlib.sha256(f"{pdf_sha256}#page={number}".encode()).hexdigest()


def ingest_pdf(
    data: bytes,
    source_file: str,
    *,
    issue_year: int | None = None,
    issue_number: int | None = None,
    issue_date: datetime.date | None = None,
    page_label: str = "",
    publish: bool = True,
    on_created: Callable[[IngestResult], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    """Stores every page of the PDF with its articles, or nothing; raises IngestError for unusable PDFs.

    Page labels: the one the masthead prints, else ``page_label`` (a single page), else D1, D2… by order.
    """
    check_pdf(data)
    sha256 = hashlib.sha256(data).hexdigest()
    known = SourcePdf.objects.filter(sha256=sha256, pages__isnull=False).distinct().first()
    if known is not None:
        return [IngestResult(UNCHANGED, page, page.articles.count()) for page in known.pages.order_by("pdf_page")]
    try:
        pages = read_pages(data, max_pages=max_pdf_pages())
    except PdfProblem as problem:
        raise PdfError(str(problem)) from problem
    gazetteer = gazetteer_from_db()
    parsed_pages = []
    for pdf_page in pages:
        parsed_pages.append(checked(parse_page(pdf_page.text.text, gazetteer)))
        if progress:
            progress(f"第 {pdf_page.number}/{len(pages)} 页已读 / page {pdf_page.number} read")
    results = []
    with transaction.atomic():
        # A PDF whose pages an editor deleted is loaded anew; one stored meanwhile by another process is not.
        SourcePdf.objects.filter(sha256=sha256, pages__isnull=True).delete()
        known = SourcePdf.objects.filter(sha256=sha256).first()
        if known is not None:
            return [IngestResult(UNCHANGED, page, page.articles.count()) for page in known.pages.order_by("pdf_page")]
        source = SourcePdf.objects.create(file_name=source_file, data=data, sha256=sha256, page_count=len(pages))
        for pdf_page, parsed in zip(pages, parsed_pages, strict=True):
            label = page_label if len(pages) == 1 and page_label else f"D{pdf_page.number}"
            page, new_zones, article_warnings = store_new_page(
                parsed,
                gazetteer,
                issue_year=issue_year,
                issue_number=issue_number,
                issue_date=issue_date,
                label=label,
                source_file=source_file if len(pages) == 1 else f"{source_file}#{pdf_page.number}",
                raw_bytes=b"",
                raw_text=pdf_page.text.text,
                encoding="pdf",
                sha256=page_sha256(sha256, pdf_page.number),
                is_published=publish,
                pdf=source,
                pdf_page=pdf_page.number,
                geometry={"width": round(pdf_page.width, 2), "height": round(pdf_page.height, 2)},
            )
            place_articles(page, pdf_page.text, parsed.articles)
            sync_on_commit(page.articles.values_list("pk", flat=True))
            result = IngestResult(CREATED, page, len(parsed.articles), new_zones, page.warnings + article_warnings)
            results.append(result)
            if on_created is not None:
                on_created(result)
        stored = [result.page for result in results]
        transaction.on_commit(lambda: render_images(data, stored, progress))
    return results


def regions_of(text: PageText, articles: list[ParsedArticle]) -> list[list[list[float]]]:
    """Each article's rectangles on the page, [left, top, width, height] as fractions of the page."""
    texts = [_printed_words(article) for article in articles]
    return [
        [
            [
                round(box.x0 / text.width, 4),
                round(box.top / text.height, 4),
                round(box.width / text.width, 4),
                round(box.height / text.height, 4),
            ]
            for box in boxes
        ]
        for boxes in article_regions(text, texts)
    ]


def _printed_words(article: ParsedArticle) -> str:
    parts = [article.kicker, article.title, article.subtitle, article.dateline, article.byline]
    parts += [paragraph.text for paragraph in article.paragraphs]
    parts += [f"{caption.text} {caption.credit or ''}" for caption in article.captions]
    parts += article.continuation_markers
    return " ".join(part for part in parts if part)


def place_articles(page: Page, text: PageText, articles: list[ParsedArticle]) -> None:
    """Stores each article's rectangles (the page's articles are in the parser's order, by position)."""
    stored = list(page.articles.order_by("position"))
    for article, regions in zip(stored, regions_of(text, articles), strict=False):
        type(article).objects.filter(pk=article.pk).update(regions=regions)


def reread(page: Page) -> PdfPage:
    """The page read again from its stored PDF (for a re-parse with a newer layout reader)."""
    data = bytes(page.pdf.data)
    try:
        pages = read_pages(data, max_pages=max(max_pdf_pages(), page.pdf.page_count))
    except PdfProblem as problem:
        raise PdfError(str(problem)) from problem
    return pages[page.pdf_page - 1]


# --- page images -----------------------------------------------------------------------------------


def image_dir() -> Path:
    return Path(settings.KFQ_DATA_DIR) / "pages"


def page_image_path(page: Page, thumbnail: bool = False) -> Path:
    """Where the page's image lives: named by the page's SHA-256, so a file is never stale."""
    return image_dir() / f"{page.sha256}{'.thumb' if thumbnail else ''}.webp"


def render_images(data: bytes, pages: list[Page], progress: Callable[[str], None] | None = None) -> None:
    """Renders and writes the pages' images (after the commit: a failure here loses no page)."""
    for page in pages:
        try:
            write_images(page, data)
        except Exception:  # the image view renders it again when asked
            log.exception("rendering page %s failed", page.pk)
        if progress:
            progress(f"第 {page.pdf_page} 页图像已生成 / page {page.pdf_page} rendered")


def write_images(page: Page, data: bytes | None = None) -> None:
    data = data if data is not None else bytes(page.pdf.data)
    images = render_page(data, page.pdf_page)
    image_dir().mkdir(parents=True, exist_ok=True)
    for path, content in ((page_image_path(page), images.image), (page_image_path(page, True), images.thumbnail)):
        # Written aside and renamed: a reader never gets half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    geometry = {**page.geometry, "image_width": images.width, "image_height": images.height}
    Page.objects.filter(pk=page.pk).update(geometry=geometry)
    page.geometry = geometry


def is_pdf_file(name: str, data: bytes) -> bool:
    return name.lower().endswith(".pdf") or is_pdf(data)
