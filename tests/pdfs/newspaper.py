"""Issue PDFs set like the printed supplement, with reportlab, from articles whose gold is known.

    pdf = issue_pdf([page_spec, ...])         # bytes of a PDF, one page a spec
    spec = PageSpec(articles=gold_articles, columns=4, masthead=(2024, 16, "D1"))

Layouts, as newspapers set them (and the seed pages were extracted from):
- ``paragraphs``: a masthead with the issue number, articles one under another (or two side by side), each
  with its kicker, a headline across its columns, a ——— subtitle, the body in 3–5 columns (paragraphs
  indented, flowing from column to column), a photo box with its caption and ■ credit, a closing byline set
  right, continuation markers (上接/下转);
- ``heading_last``: narrow columns in which each article's body and byline come first and its heading after.

Chinese is set in reportlab's built-in CID font STSong-Light (no font file needed).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A3
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from tests.parser.generator import GoldArticle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = 10.0
LEADING = 15.0
CAPTION = 8.0
CAPTION_LEADING = 11.0
GUTTER = 14.0
MARGIN = 36.0
NO_LINE_START = "，。、；：？！”’）》」』%…"


@dataclass
class Printing:
    """How one article is printed (chosen from its gold by ``printing_for``)."""

    dateline: str = "科学导报讯 "
    byline_start: str = ""  # 记者王波 通讯员张伦  (after the dateline)
    byline_end: str = ""  # ■ 王波 / （王波） / 王波, set right on a line of its own
    photo_at: int = 0  # the photo goes before this body paragraph (0: under the heading)


@dataclass
class PageSpec:
    articles: list[GoldArticle]
    columns: int = 4
    masthead: tuple[int, int, str] | None = None  # year, number, page label
    layout: str = "paragraphs"  # or "heading_last"
    side_by_side: bool = False  # the last two articles share the page's width
    printings: list[Printing] = field(default_factory=list)
    page_size: tuple[float, float] = A3


def printing_for(article: GoldArticle, rng: random.Random) -> Printing:
    printing = Printing()
    names = article.authors
    if article.continued_from and not article.title:
        printing.dateline = ""
    where = rng.choice(("start", "end", "end")) if names else "none"
    if article.continued_from:
        where = "end" if names else "none"
    if where == "start":
        roles = ["记者", "通讯员"] + [""] * 5
        printing.byline_start = " ".join(f"{role}{name}" for role, name in zip(roles, names, strict=False)) + " "
    elif where == "end":
        style = rng.choice(("square", "paren", "plain"))
        joined = " ".join(names)
        printing.byline_end = {"square": f"■ {joined}", "paren": f"（{joined}）", "plain": joined}[style]
    body_paragraphs = [k for k, kind in enumerate(article.kinds) if kind == "p"]
    printing.photo_at = rng.choice([0, *body_paragraphs[1:2]])
    return printing


def caption_line(caption) -> str:
    if caption.credit and caption.photographer:
        return f"{caption.text} ■ {caption.credit}"
    if caption.credit:
        return f"{caption.text} {caption.credit}"
    return caption.text


# --- setting text in lines -----------------------------------------------------------------------------


def width_of(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def break_lines(text: str, width: float, size: float, indent: int = 2) -> list[tuple[str, float]]:
    """(line, x offset) pairs: the first line indented ``indent`` characters; Latin runs stay whole."""
    units: list[str] = []
    for char in text:
        if units and (
            (char.isascii() and char.isalnum() and units[-1][-1:].isascii() and units[-1][-1:].isalnum())
            or char in NO_LINE_START
            or char in ".%"
        ):
            units[-1] += char
        elif units and units[-1] and units[-1][-1] in "“‘（《":
            units[-1] += char
        else:
            units.append(char)
    lines: list[tuple[str, float]] = []
    current, offset = "", indent * size
    for unit in units:
        if current and width_of(current + unit, size) + offset > width + 0.1:
            lines.append((current, offset))
            current, offset = "", 0.0
        current += unit
    if current:
        lines.append((current, offset))
    return lines


# --- one page --------------------------------------------------------------------------------------


@dataclass
class _Item:
    """Something set in a column: a body line, a section heading, a photo with its caption, a byline."""

    kind: str  # line, photo, right
    text: str = ""
    justified: bool = False  # spaced out to the column's width (every line of a paragraph but its last)
    offset: float = 0.0
    height: float = LEADING
    caption_lines: list[str] = field(default_factory=list)
    size: float = BODY


class _Page:
    def __init__(self, c: canvas.Canvas, spec: PageSpec) -> None:
        self.c = c
        self.spec = spec
        self.width, self.height = spec.page_size
        self.y = self.height - MARGIN  # the top of what is still free

    def masthead(self) -> None:
        year, number, label = self.spec.masthead  # type: ignore[misc]
        c = self.c
        c.setFont(FONT, 40)
        c.drawString(MARGIN, self.y - 40, "开发区建设")
        c.setFont(FONT, 16)
        c.drawString(MARGIN + 230, self.y - 36, "专刊")
        c.setFont(FONT, 10)
        c.drawString(self.width - MARGIN - 200, self.y - 20, "山西省商务厅 指导")
        self.y -= 64
        c.drawString(MARGIN, self.y, f"{year}年第{number}期 {year}年4月26日 星期五 {label}版 邮发代号:21-465")
        self.y -= 10
        c.line(MARGIN, self.y, self.width - MARGIN, self.y)
        self.y -= 18

    def article(self, gold: GoldArticle, printing: Printing, x0: float, x1: float, columns: int) -> float:
        """Sets the article in [x0, x1] from the current top; returns its bottom."""
        c = self.c
        y = self.y
        span = x1 - x0
        if gold.kicker:
            c.setFont(FONT, 13)
            y -= 13
            c.drawString(x0, y, gold.kicker)
            y -= 8
        if gold.title:
            size = 22.0
            for line in self._title_lines(gold.title, span, size):
                y -= size
                c.setFont(FONT, size)
                c.drawString(x0 + (span - width_of(line, size)) / 2, y, line)
                y -= 5
            y -= 3
        if gold.subtitle:
            c.setFont(FONT, 13)
            y -= 13
            line = "———" + gold.subtitle
            c.drawString(x0 + (span - width_of(line, 13)) / 2, y, line)
            y -= 6
        y -= 12
        column_width = (span - GUTTER * (columns - 1)) / columns
        items = self._items(gold, printing, column_width)
        bottom = self._flow(items, x0, y, column_width, columns)
        return bottom

    def _title_lines(self, title: str, span: float, size: float) -> list[str]:
        if width_of(title, size) <= span or " " not in title:
            return [title]
        cut = title.index(" ")
        return [title[:cut], title[cut + 1 :]]

    def _items(self, gold: GoldArticle, printing: Printing, width: float) -> list[_Item]:
        items: list[_Item] = []
        if gold.continued_from:
            items.append(_Item("line", f"（上接{gold.continued_from}版）"))
        photo = [caption_line(caption) for caption in gold.captions]
        for k, (text, kind) in enumerate(zip(gold.paragraphs, gold.kinds, strict=True)):
            if photo and k == printing.photo_at:
                items.extend(self._photo(caption, width) for caption in photo)
                photo = []
            if kind == "h":
                for line, _ in break_lines(text, width, BODY, indent=0):  # centred, a line of the column each
                    items.append(_Item("line", line, offset=(width - width_of(line, BODY)) / 2))
                continue
            if k == 0:
                text = printing.dateline + printing.byline_start + text
            lines = break_lines(text, width, BODY)
            items.extend(
                _Item("line", line, offset=offset, justified=n < len(lines) - 1)
                for n, (line, offset) in enumerate(lines)
            )
        items.extend(self._photo(caption, width) for caption in photo)
        if printing.byline_end:
            items.append(_Item("right", printing.byline_end))
        if gold.continued_to:
            items.append(_Item("right", f"（下转{gold.continued_to}版）"))
        return items

    def _photo(self, caption: str, width: float) -> _Item:
        lines = [line for line, _ in break_lines(caption, width, CAPTION, indent=0)]
        height = 90 + 4 + CAPTION_LEADING * len(lines) + 8
        return _Item("photo", caption, height=height, caption_lines=lines)

    def _flow(self, items: list[_Item], x0: float, top: float, width: float, columns: int) -> float:
        """Items down the columns, balanced: each column about as tall as the others."""
        total = sum(item.height for item in items)
        target = total / columns
        column, used = 0, 0.0
        lowest = top
        for item in items:
            if used > 0 and used + item.height > target + LEADING * 0.5 and column < columns - 1:
                column, used = column + 1, 0.0
            x = x0 + column * (width + GUTTER)
            y = top - used
            self._draw(item, x, y, width)
            used += item.height
            lowest = min(lowest, top - used)
        return lowest

    def _draw(self, item: _Item, x: float, y: float, width: float) -> None:
        c = self.c
        if item.kind == "photo":
            c.setFillGray(0.75)
            c.rect(x, y - 90, width, 90, stroke=0, fill=1)
            c.setFillGray(0)
            c.setFont(FONT, CAPTION)
            line_y = y - 90 - 4
            for line in item.caption_lines:
                line_y -= CAPTION_LEADING - 2
                c.drawString(x, line_y, line)
                line_y -= 2
            return
        c.setFont(FONT, BODY)
        baseline = y - BODY - 1
        if item.kind == "right":
            c.drawString(x + width - width_of(item.text, BODY), baseline, item.text)
        elif item.justified and len(item.text) > 1:
            spare = width - item.offset - width_of(item.text, BODY)
            c.drawString(x + item.offset, baseline, item.text, charSpace=spare / (len(item.text) - 1))
        else:
            c.drawString(x + item.offset, baseline, item.text)

    # --- narrow columns, heading after the body ------------------------------------------------------

    def heading_last(self, articles: list[GoldArticle], printings: list[Printing], columns: int) -> None:
        x0, x1 = MARGIN, self.width - MARGIN
        width = (x1 - x0 - GUTTER * (columns - 1)) / columns
        items: list[_Item] = []
        for gold, printing in zip(articles, printings, strict=True):
            printing.photo_at = len(gold.paragraphs) + 1  # captions after the body
            items.extend(self._items(gold, printing, width))
            heading = [*([gold.kicker] if gold.kicker else []), *(gold.title.split(" ") if gold.title else [])]
            for line in heading:
                items.append(_Item("line", line, height=22, size=14))
            if gold.subtitle:
                items.append(_Item("line", "——" + gold.subtitle, height=16, size=BODY + 1.5))
        for item in items:
            if item.kind == "line" and item.size == 14:
                continue
        self._flow_sized(items, x0, self.y, width, columns)

    def _flow_sized(self, items: list[_Item], x0: float, top: float, width: float, columns: int) -> None:
        total = sum(item.height for item in items)
        target = total / columns
        column, used = 0, 0.0
        for item in items:
            if used > 0 and used + item.height > target + LEADING and column < columns - 1:
                column, used = column + 1, 0.0
            x = x0 + column * (width + GUTTER)
            y = top - used
            if item.size != BODY:
                self.c.setFont(FONT, item.size)
                self.c.drawString(x, y - item.size - 2, item.text)
            else:
                self._draw(item, x, y, width)
            used += item.height


class PageOverflow(ValueError):
    """The articles given for a page need more than the page."""


def issue_pdf(specs: list[PageSpec], seed: int = 0) -> bytes:
    """A PDF with one page per spec."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=specs[0].page_size if specs else A3, invariant=1)
    for spec in specs:
        c.setPageSize(spec.page_size)
        page = _Page(c, spec)
        printings = spec.printings or [printing_for(article, rng) for article in spec.articles]
        if spec.masthead:
            page.masthead()
        if spec.layout == "heading_last":
            page.heading_last(spec.articles, printings, spec.columns)
        else:
            pairs = list(zip(spec.articles, printings, strict=True))
            side_by_side = spec.side_by_side and len(pairs) >= 3 and spec.columns >= 4
            stacked = pairs[:-2] if side_by_side else pairs
            for gold, printing in stacked:
                bottom = page.article(gold, printing, MARGIN, page.width - MARGIN, spec.columns)
                page.y = bottom - 14
                c.line(MARGIN, page.y + 6, page.width - MARGIN, page.y + 6)
                page.y -= 10
            if stacked is not pairs:
                middle = MARGIN + (page.width - 2 * MARGIN) * 0.5
                left_cols = max(2, spec.columns // 2)
                right_cols = max(1, spec.columns - left_cols)
                top = page.y
                low = page.article(*pairs[-2], MARGIN, middle - GUTTER, left_cols)
                page.y, low_left = top, low
                low = page.article(*pairs[-1], middle + GUTTER, page.width - MARGIN, right_cols)
                page.y = min(low, low_left)
        if page.y < MARGIN / 2:
            raise PageOverflow(f"the articles do not fit the page ({page.y:.0f} pt below its top margin)")
        c.showPage()
    c.save()
    return buffer.getvalue()
