"""Issue PDFs through PDFium (pypdfium2): checked, their characters with boxes read, their pages rendered.

pypdfium2 binds PDFium, Chrome's PDF engine (Apache/BSD licences): it reads what typesetting systems
write, gives each character's box and font size, and renders pages without any other program. No Django
here; what goes wrong is a ``PdfProblem`` with a Chinese and English message, for the ingest to refuse.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .layout import Box, Char, PageText, page_text

PDF_SIGNATURE = b"%PDF-"
# A page larger than A0 (2384 x 3370 pt) is no newspaper page; rendering it could take gigabytes.
MAX_PAGE_POINTS = 3400
# A page with fewer printed characters than this has no text layer worth the name (a scan): OCR is needed.
MIN_PAGE_CHARS = 20
IMAGE_WIDTH = 1600  # pixels, the page image readers zoom into
THUMB_WIDTH = 240
RENDER_VERSION = 1  # raised when images are rendered differently, so caches fetch the new ones


class PdfProblem(Exception):
    """Why a PDF cannot be stored; ``str()`` reads in Chinese and English."""


def is_pdf(data: bytes) -> bool:
    # The header may follow some junk bytes (the PDF reference allows 1024).
    return PDF_SIGNATURE in data[:1024]


@dataclass
class PdfPage:
    number: int  # 1-based
    width: float  # points
    height: float
    text: PageText


@contextmanager
def open_pdf(data: bytes, *, max_pages: int) -> Iterator[pdfium.PdfDocument]:
    """The document, after the checks every PDF must pass before anything is read from its pages."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        text = str(error).lower()
        if "password" in text:
            raise PdfProblem("PDF 已加密，请上传未加密的文件 / the PDF is encrypted (password protected)") from error
        raise PdfProblem(f"PDF 文件已损坏或无法读取 / the PDF is damaged or unreadable ({error})") from error
    try:
        count = len(document)
        if count == 0:
            raise PdfProblem("PDF 没有页面 / the PDF has no pages")
        if count > max_pages:
            raise PdfProblem(
                f"PDF 有 {count} 页，超过上限 {max_pages} 页（一期报纸的版数）/ {count} pages, more than {max_pages}"
            )
        for index in range(count):
            width, height = document.get_page_size(index)
            if not (0 < width <= MAX_PAGE_POINTS and 0 < height <= MAX_PAGE_POINTS):
                raise PdfProblem(
                    f"第 {index + 1} 页尺寸异常（{width:.0f}×{height:.0f} 点，上限 {MAX_PAGE_POINTS}）/ "
                    f"page {index + 1} is {width:.0f}×{height:.0f} pt, larger than a newspaper page"
                )
        yield document
    finally:
        document.close()


def read_pages(data: bytes, *, max_pages: int) -> list[PdfPage]:
    """Every page's text in reading order; refuses encrypted, damaged, empty and scanned PDFs."""
    pages = []
    with open_pdf(data, max_pages=max_pages) as document:
        for index in range(len(document)):
            page = document[index]
            try:
                text = _page_text(page)
            except pdfium.PdfiumError as error:
                raise PdfProblem(f"第 {index + 1} 页无法读取 / page {index + 1} is unreadable ({error})") from error
            finally:
                page.close()
            if text.char_count < MIN_PAGE_CHARS:
                raise PdfProblem(
                    f"第 {index + 1} 页没有文字层（可能是扫描图片），需要先做文字识别（OCR）再上传 / "
                    f"page {index + 1} has no text layer (a scan?): it needs OCR first"
                )
            pages.append(PdfPage(index + 1, text.width, text.height, text))
    return pages


def _page_text(page: pdfium.PdfPage) -> PageText:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars = []
        for index in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
                continue  # line breaks PDFium adds; the layout finds its own
            char = textpage.get_text_range(index, 1)
            if not char:
                continue
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index)
            chars.append(Char(char, Box(left, height - top, right, height - bottom), round(size, 2)))
    finally:
        textpage.close()
    pictures = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH)):
        left, bottom, right, top = obj.get_bounds()
        # Rules and frames are paths too: only a filled area of some size stands for a picture.
        if right - left >= 30 and top - bottom >= 30 and _is_picture(obj):
            pictures.append(Box(left, height - top, right, height - bottom))
    return page_text(chars, pictures, width, height)


def _is_picture(obj) -> bool:
    if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return True
    fillmode = pdfium_c.c_int()
    stroke = pdfium_c.FPDF_BOOL()
    if pdfium_c.FPDFPath_GetDrawMode(obj.raw, fillmode, stroke):
        return fillmode.value != pdfium_c.FPDF_FILLMODE_NONE
    return False


@dataclass
class PageImages:
    image: bytes  # WebP, IMAGE_WIDTH wide
    thumbnail: bytes  # WebP, THUMB_WIDTH wide
    width: int
    height: int


def render_page(data: bytes, number: int) -> PageImages:
    """The page as printed, as WebP images (the large one for reading, a thumbnail for the issue view)."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[number - 1]
        try:
            scale = IMAGE_WIDTH / page.get_width()
            bitmap = page.render(scale=scale, may_draw_forms=False)
            image = bitmap.to_pil()
        finally:
            page.close()
    finally:
        document.close()
    large = io.BytesIO()
    image.save(large, "WEBP", quality=80, method=2)
    thumb = image.copy()
    thumb.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 4))
    small = io.BytesIO()
    thumb.save(small, "WEBP", quality=75, method=2)
    return PageImages(large.getvalue(), small.getvalue(), image.width, image.height)
