"""Split one page's text into articles.

Two layouts occur in the PDF extractions:
- heading first: zone line, title and subtitle, then the body in long paragraphs;
- heading last: narrow columns broken every ~15 characters; each article's body (ending in its byline)
  comes first, its heading after it.
Everything printed ends up somewhere: in an article, a caption, the masthead or the page's leftovers.
"""

from __future__ import annotations

import datetime
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .gazetteer import Gazetteer
from .model import (
    SECTION_HEADING,
    Caption,
    DiscoveredZone,
    Paragraph,
    ParsedArticle,
    ParsedPage,
    has_warning,
    warning,
)
from .people import (
    DATELINE_RE,
    is_byline_only,
    names_in,
    parse_caption,
    split_opening,
    split_trailing_byline,
)
from .text import (
    CJK_CHARS,
    display_width,
    ends_clause,
    ends_sentence,
    join_fragments,
    normalize_inline,
)
from .zones import ZoneFinder

PARSER_VERSION = "1.2"

HEADING_FIRST = "heading_first"
HEADING_LAST = "heading_last"

MASTHEAD_RE = re.compile(r"(\d{4})\s*年\s*第\s*(\d{1,3})\s*期")
MASTHEAD_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
MASTHEAD_PAGE_RE = re.compile(r"(?<![A-Za-z])([A-Z]\d{1,2})\s*版")
MARKER_RE = re.compile(r"^[（(]\s*(上接|下转|转)\s*(?:第\s*)?([A-Za-z]?\d{1,2})\s*版\s*[)）]$")
INLINE_TO_MARKER_RE = re.compile(r"\s*[（(]\s*(下转|转)\s*(?:第\s*)?([A-Za-z]?\d{1,2})\s*版\s*[)）]$")
SPEECH_VERB_RE = re.compile(r"(强调|指出|表示|要求|提出)$")
DASH_RE = re.compile(r"^[—\-－―]{2,}")
COUPLET_RE = re.compile(f"[{CJK_CHARS}”」]\\s+[{CJK_CHARS}“「]")
ZONE_LABEL_TAIL_RE = re.compile(f"^(?:[（(][^）)]{{1,12}}[）)])?[{CJK_CHARS}]{{0,8}}$")
NUMBER_END_RE = re.compile(r"[A-Za-z0-9%.]$")
NARROW_LINE_WIDTH = 22
HEADING_MAX_WIDTH = 45
CAPTION_DATE_RE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*[,，]")
_PUNCTUATED = re.compile("[，、；：。！？,;:]")


@lru_cache(maxsize=1)
def reference_gazetteer() -> Gazetteer:
    return Gazetteer.from_csv()


@dataclass
class Line:
    text: str  # normalised
    spaced: str  # raw with runs of white space folded: keeps the space before a byline
    blank_before: int
    marked: bool  # printed as a "#" heading in the extraction

    @property
    def width(self) -> float:
        return display_width(self.text)


@dataclass
class Unit:
    """A paragraph (heading-first layout) or a line (heading-last layout) with what it was taken for."""

    kind: str  # body, heading, zone, caption, marker, byline
    text: str
    line: Line
    caption: Caption | None = None


@dataclass
class Draft:
    headings: list[tuple[str, bool, bool]] = field(default_factory=list)  # (text, marked, zone label)
    body: list[Paragraph] = field(default_factory=list)
    body_lines: list[Line] = field(default_factory=list)  # heading-last layout: lines before joining
    section_heading_lines: set[int] = field(default_factory=set)  # indices into body_lines
    captions: list[Caption] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    continued_from: str | None = None
    continued_to: str | None = None
    warnings: list[str] = field(default_factory=list)

    def has_body(self) -> bool:
        return bool(self.body or self.body_lines)


def parse_page(text: str, gazetteer: Gazetteer | None = None) -> ParsedPage:
    """Parse one page's text (already decoded) into articles."""
    finder = ZoneFinder(gazetteer or reference_gazetteer())
    lines = _read_lines(text)
    page = ParsedPage(PARSER_VERSION, HEADING_FIRST)
    lines = _take_masthead(lines, page)
    narrow = [ln for ln in lines if ln.width <= NARROW_LINE_WIDTH]
    if len(lines) >= 10 and len(narrow) >= 0.6 * len(lines):
        page.layout = HEADING_LAST
        drafts = _HeadingLast(lines, finder, page).segment()
    else:
        drafts = _HeadingFirst(lines, finder, page).segment()
    discovered: dict[str, DiscoveredZone] = {}
    for draft in drafts:
        if draft.headings or draft.has_body():
            page.articles.append(_finish(draft, len(page.articles) + 1, finder, discovered))
        else:  # a caption, marker or byline that belongs to no article on this page
            page.leftovers.extend(draft.markers + draft.bylines + [_caption_text(c) for c in draft.captions])
    page.discovered_zones = list(discovered.values())
    _check_extent(page)
    _check_neighbours(page)
    return page


NO_TITLE_NOTE = "没有标题：可能是上一篇的一部分，或标题没有识别出来 (untitled article)"


def _check_neighbours(page: ParsedPage) -> None:
    """An article cut off mid-sentence lost its end to the article after it (not to a page marked as
    its continuation): that one starts with a stranger's words. An untitled article after another is a
    part of it, or its title was missed (the first one on a page may go on from the page before)."""
    # Narrow columns print every heading after its body, the first article's too.
    first_may_go_on = page.layout == HEADING_FIRST
    for position, article in enumerate(page.articles):
        untitled = article.title is None and not article.continued_from and not (first_may_go_on and position == 0)
        if untitled and not has_warning(article.warnings, "no_title"):
            article.warnings.append(warning("no_title", NO_TITLE_NOTE))
    for before, after in itertools.pairwise(page.articles):
        cut = has_warning(before.warnings, "ends_mid_sentence") and not before.continued_to
        if cut and not after.continued_from and not has_warning(after.warnings, "starts_mid_sentence"):
            after.warnings.append(
                warning("starts_mid_sentence", "上一篇在句中结束，本篇开头可能是它的后半句 (previous article cut off)")
            )


# A printed page carries thousands of characters; a few hundred at most means a blank, picture-only,
# masthead-only or cut-off file, which the editor should see before publishing it.
MIN_PAGE_TEXT = 200
MIN_ARTICLE_BODY = 20


def _check_extent(page: ParsedPage) -> None:
    if not page.articles:
        page.warnings.append(
            warning("no_articles", "版面上没有解析出文章：可能是空白页、图片页或不完整的文件 (no articles)")
        )
        return
    total = 0
    for article in page.articles:
        body = sum(len("".join(paragraph.text.split())) for paragraph in article.paragraphs)
        total += body + len(article.title or "")
        if 0 < body < MIN_ARTICLE_BODY:  # an empty body has its own warning
            article.warnings.append(warning("short_body", f"正文只有 {body} 个字，可能是误拆的片段 (very short body)"))
    if total < MIN_PAGE_TEXT:
        page.warnings.append(
            warning("page_too_short", f"整版只有 {total} 个字，可能不是完整的版面（如只有刊头） (only {total} chars)")
        )


def _caption_text(caption: Caption) -> str:
    return " ".join(part for part in (caption.text, caption.credit) if part)


# --- reading lines ----------------------------------------------------------------------------


def _read_lines(text: str) -> list[Line]:
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    blanks = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        marked = stripped.startswith("#")
        if marked:
            stripped = stripped.lstrip("#").strip()
        if not stripped:
            blanks += 1
            continue
        normalised = normalize_inline(stripped)
        if normalised:
            lines.append(Line(normalised, " ".join(stripped.split()), blanks, marked))
        blanks = 0
    return lines


def _take_masthead(lines: list[Line], page: ParsedPage) -> list[Line]:
    """The masthead (刊头) is everything down to the line naming the issue (2024年第16期), near the top."""
    for index, line in enumerate(lines[:12]):
        match = MASTHEAD_RE.search(line.text)
        if match:
            page.issue_year, page.issue_number = int(match.group(1)), int(match.group(2))
            masthead = "\n".join(ln.spaced for ln in lines[: index + 1])
            page.masthead = masthead
            date = MASTHEAD_DATE_RE.search(masthead)
            if date:
                page.issue_date = _iso_date(*(int(part) for part in date.groups()[:3]))
            label = MASTHEAD_PAGE_RE.search(masthead)
            if label:
                page.page_label = label.group(1)
            return lines[index + 1 :]
    return lines


def _iso_date(year: int, month: int, day: int) -> str | None:
    """The date as ISO text, or None for one no calendar has (0000年0月0日, 2月30日): unknown, not invented."""
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


# --- classification shared by both layouts ----------------------------------------------------


def _is_zone_label(text: str, finder: ZoneFinder) -> bool:
    """A line that is a zone's name: 运城经济技术开发区, 在临汾经济开发区(洪洞·甘亭)工业园区."""
    if display_width(text) > 30 or not _is_heading_like(text):
        return False
    matches = finder.find(text)
    if not matches:
        return False
    first = matches[0]
    lead = text[: first.start]
    return (
        lead in ("", "在")
        and bool(ZONE_LABEL_TAIL_RE.match(text[first.end :]))
        and (text[first.end :] == "" or text.endswith(("园区", "工业园", "产业园", "基地", "）", ")")))
    )


def _is_heading_like(text: str) -> bool:
    return (
        not ends_sentence(text)
        and not text.endswith(("；", "：", "，", "、"))
        and "。" not in text
        and display_width(text) <= HEADING_MAX_WIDTH
        and not DATELINE_RE.match(text)
    )


def _marker(text: str) -> tuple[str, str] | None:
    match = MARKER_RE.match(text)
    return (match.group(1), match.group(2).upper()) if match else None


def _apply_marker(draft: Draft, text: str, kind: str, label: str) -> None:
    draft.markers.append(text)
    if kind == "上接":
        draft.continued_from = label
    else:
        draft.continued_to = label


# --- heading first ----------------------------------------------------------------------------


class _HeadingFirst:
    """Paragraph layout: each article's heading stands before its body."""

    def __init__(self, lines: list[Line], finder: ZoneFinder, page: ParsedPage) -> None:
        self.finder = finder
        self.page = page
        self.units: list[Unit] = []
        for group in _groups(lines):
            self.units.append(self._classify(group, self.units[-1] if self.units else None))

    def _classify(self, group: list[Line], previous: Unit | None) -> Unit:
        text = " ".join(ln.text for ln in group) if len(group) > 1 else group[0].text
        first = group[0]
        if _marker(text):
            return Unit("marker", text, first)
        caption = parse_caption(text)
        if caption:
            return Unit("caption", text, first, caption)
        if first.marked:
            return Unit("heading", text, first)
        if _is_zone_label(text, self.finder):
            return Unit("zone", text, first)
        if is_byline_only(text):
            return Unit("byline", text, first)
        if SPEECH_VERB_RE.search(text) and _is_heading_like(text) and "，" not in text:
            return Unit("heading", text, first)  # a kicker: 省委书记在调研时强调
        # A 小标题 is short or set apart by spaces or dashes; a longer phrase, or one with a comma, is a
        # paragraph cut by a column break, unless it follows a title (a subtitle may have a comma).
        # After a finished sentence a short phrase of two parts is a 小标题 even with its comma
        # (抓服务，优化环境): a column break leaves a longer piece of a paragraph, or one of several clauses.
        under_title = previous is not None and (
            previous.kind == "zone" or previous.line.marked or (previous.kind == "heading" and _is_fact_subtitle(text))
        )
        after_sentence = previous is not None and previous.kind == "body" and ends_clause(previous.text)
        two_part_phrase = after_sentence and len(text) <= 20 and len(_PUNCTUATED.findall(text)) == 1
        if _is_heading_like(text) and (
            (display_width(text) <= 24 and ("，" not in text or under_title or two_part_phrase))
            or re.search(r"\s|——", text)
        ):
            return Unit("heading", text, first)
        # A longer 小标题 (almost a column wide) after a finished sentence: no punctuation at all, where a
        # paragraph cut by a column break would have some.
        if (
            after_sentence
            and _is_heading_like(text)
            and display_width(text) <= 32
            and not _PUNCTUATED.search(text)
            and not re.search(r"\d{2}", text)  # figures belong to a statement
        ):
            return Unit("heading", text, first)
        return Unit("body", text, first)

    def segment(self) -> list[Draft]:
        drafts: list[Draft] = []
        current: Draft | None = None

        def start_article() -> Draft:
            drafts.append(Draft())
            return drafts[-1]

        units = self.units
        i = 0
        # A picture printed inside a sentence that broke after a semicolon or colon: the sentence goes on
        # after the caption ("……三是完善配套；" | caption | "四是……" stays one paragraph only then).
        caption_in_sentence = False
        while i < len(units):
            unit = units[i]
            continuing, caption_in_sentence = caption_in_sentence, False
            cut = current is not None and bool(current.body) and (_is_cut(current.body[-1]) or continuing)
            if unit.kind == "marker":
                kind, label = _marker(unit.text)  # type: ignore[misc]
                under_heading = current is not None and current.headings and not current.has_body()
                if current is None or (kind == "上接" and not under_heading):
                    current = start_article()
                _apply_marker(current, unit.text, kind, label)
                i += 1
                continue
            if unit.kind == "caption" or self._uncredited_caption(unit, current, cut and not continuing):
                current = current or start_article()
                current.captions.append(unit.caption or Caption(unit.text))
                last = current.body[-1] if current.body else None
                caption_in_sentence = cut or (
                    last is not None and last.kind != SECTION_HEADING and last.text.endswith(("；", "："))
                )
                i += 1
                continue
            if cut and unit.kind in ("body", "heading") and not unit.line.marked:
                # A column break cut the paragraph: the sentence goes on here.
                current.body[-1].text = join_fragments([current.body[-1].text, unit.text])  # type: ignore[union-attr]
                i += 1
                continue
            if unit.kind == "body":
                current = current or start_article()
                current.body.append(Paragraph(unit.text))
                i += 1
                continue
            # A run of heading-like paragraphs (with any captions among them).
            j = i
            while j < len(units) and units[j].kind in ("heading", "zone", "byline", "caption"):
                j += 1
            run = units[i:j]
            following = units[j] if j < len(units) else None
            if self._starts_article(run, following, current):
                leading_bylines = []
                while run and run[0].kind == "byline" and current is not None:
                    leading_bylines.append(run.pop(0).text)
                if current is not None:
                    current.bylines.extend(leading_bylines)
                if run:
                    if current is None or current.headings or current.has_body():
                        current = start_article()
                    for k, part in enumerate(run):
                        if part.kind == "caption":
                            current.captions.append(part.caption)  # type: ignore[arg-type]
                        elif part.kind == "byline" and all(p.kind == "byline" for p in run[k:]):
                            current.bylines.append(part.text)
                        else:  # a name-like line above a title is part of the heading (a kicker)
                            current.headings.append((part.text, part.line.marked, part.kind == "zone"))
            else:
                for part in run:
                    if part.kind == "caption":
                        current.captions.append(part.caption)  # type: ignore[union-attr,arg-type]
                    else:
                        current.body.append(Paragraph(part.text, SECTION_HEADING))  # type: ignore[union-attr]
            i = j
        return drafts

    def _uncredited_caption(self, unit: Unit, current: Draft | None, cut: bool) -> bool:
        """An uncredited caption sits after a gap of blank lines, where a sentence was cut or under a heading."""
        if unit.kind != "body" or unit.line.blank_before < 2 or display_width(unit.text) > 80:
            return False
        if not ends_sentence(unit.text) or current is None:
            return False
        if cut and not _one_short_sentence(unit.text):
            return False  # the cut sentence going on after a gap, not a picture's description
        return cut or (bool(current.headings) and not current.has_body())

    def _starts_article(self, run: list[Unit], following: Unit | None, current: Draft | None) -> bool:
        if current is None or not current.has_body():
            return True
        if any(u.kind == "zone" or u.line.marked for u in run):
            return True
        if run[0].kind == "byline":
            return True
        if sum(1 for u in run if u.kind == "heading") >= 2:
            return True  # a title with its subtitle: a 小标题 stands alone
        if following is None:
            return True
        if following.kind == "body" and DATELINE_RE.match(following.text):
            return True
        last = next((p for p in reversed(current.body) if p.kind != SECTION_HEADING), None)
        return last is not None and split_trailing_byline(last.text).byline is not None


def _one_short_sentence(text: str) -> bool:
    """A picture's description: one short sentence that starts like one (not with a clause's punctuation);
    a news photo's caption may be longer when it opens with the day it was taken (4月25日，…)."""
    return (
        (display_width(text) <= 30 or bool(CAPTION_DATE_RE.match(text)))
        and not text.startswith(_CONTINUATION_START)
        and len(re.findall(r"[。！？]", text)) == 1
    )


def _is_cut(paragraph: Paragraph) -> bool:
    """A body paragraph that stops mid-sentence (and not at a byline) goes on in the next one."""
    return (
        paragraph.kind != SECTION_HEADING
        and not ends_clause(paragraph.text)
        and split_trailing_byline(paragraph.text).byline is None
    )


def _groups(lines: list[Line]) -> list[list[Line]]:
    """Lines not separated by a blank line belong together."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and line.blank_before == 0 and not line.marked:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


# --- heading last -----------------------------------------------------------------------------

TRAILING_NAMES_RE = re.compile(
    f"[。！？”](?:(?:\\s*■\\s*|\\s+)([{CJK_CHARS}]{{2,4}}(?:\\s+[{CJK_CHARS}]{{2,4}}){{0,4}})"
    f"|\\s*[（(]([{CJK_CHARS}]{{2,4}}(?:[\\s、]+[{CJK_CHARS}]{{2,4}}){{0,4}})[）)])$"
)


GLUED_NAME_END_RE = re.compile(f"[。！？”][{CJK_CHARS}]{{2,4}}$")


class _HeadingLast:
    """Narrow-column layout: an article's body and byline come first, its heading after them."""

    def __init__(self, lines: list[Line], finder: ZoneFinder, page: ParsedPage) -> None:
        self.lines = lines
        self.finder = finder
        self.page = page
        self.widths = [ln.width for ln in lines]
        # Where each line object stands (list.index would compare text: quadratic, and wrong for repeats).
        self.index_of = {id(line): index for index, line in enumerate(lines)}
        # Most extractions print a blank line between column lines and none inside a heading block.
        self.lines_set_apart = sum(1 for ln in lines if ln.blank_before) >= 0.6 * len(lines)

    def column_width(self, index: int) -> float:
        """The typical full-line width around ``index``: columns differ from article to article."""
        around = [w for w in self.widths[max(0, index - 8) : index + 9] if w >= 8]
        return statistics.median(around) if around else 15.0

    def segment(self) -> list[Draft]:
        drafts: list[Draft] = []
        captions: list[tuple[int, Caption]] = []  # (number of drafts before it, caption)
        current: Draft | None = None
        closed: Draft | None = None  # the article whose heading may follow
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            marker = _marker(line.text)
            if marker:
                if marker[0] == "上接" or current is None:
                    current = Draft()
                    drafts.append(current)
                _apply_marker(current, line.text, *marker)
                if marker[0] != "上接":
                    closed, current = current, None
                i += 1
                continue
            caption = parse_caption(line.text)
            if caption:
                captions.append((len(drafts), caption))
                if current is not None and current.body_lines and ends_sentence(current.body_lines[-1].text):
                    closed, current = current, None  # an article without a heading ends at a picture
                i += 1
                continue
            if closed is not None and current is None:
                taken = self._take_heading(i, closed)
                if taken:
                    i += taken
                    continue
                closed = None
            if current is None:
                current = Draft()
                drafts.append(current)
            at_boundary = not current.body_lines or ends_sentence(current.body_lines[-1].text)
            if at_boundary and current.body_lines and self._set_apart_heading_block(i):
                closed, current = current, None
                continue  # taken as the closed article's heading on the next turn
            if at_boundary and current.body_lines and self._heading_run_ahead(i):
                closed, current = current, None
                i += self._take_heading(i, closed)
                continue
            if at_boundary and current.body_lines and self._is_section_heading(i):
                current.section_heading_lines.add(len(current.body_lines))
                current.body_lines.append(line)
                i += 1
                continue
            current.body_lines.append(line)
            if self._closing_byline(i) or INLINE_TO_MARKER_RE.search(line.text):  # …先机。（下转D4版）
                closed, current = current, None
            i += 1
        _attach_captions(drafts, captions)
        for draft in drafts:
            self._join_paragraphs(draft)
        return drafts

    def _closing_byline(self, index: int) -> bool:
        """A line ending in the article's byline: names set apart after its last sentence, or glued to it
        (…重要意义。杨刚怡) where a heading, a zone line, a marker, a caption or the page's end follows."""
        line = self.lines[index]
        # The regular expressions first: every body line passes here, and few end in names.
        set_apart = bool(TRAILING_NAMES_RE.search(line.spaced))
        if not (set_apart or GLUED_NAME_END_RE.search(line.text)) or not split_trailing_byline(line.text).byline:
            return False
        if set_apart:
            return True
        following = index + 1
        if following >= len(self.lines):
            return True
        text = self.lines[following].text
        return (
            self._set_apart_heading_block(following)
            or _is_zone_label(text, self.finder)
            or _marker(text) is not None
            or parse_caption(text) is not None
        )

    def _group_end(self, start: int) -> int:
        """Index after the block of lines that starts at ``start`` (lines with no blank line between)."""
        end = start + 1
        while end < len(self.lines) and self.lines[end].blank_before == 0:
            end += 1
        return end

    def _heading_line(self, index: int) -> bool:
        """A line that can be part of a heading. A title printed over two lines may break after a colon
        (推动高质量发展：| 打造…): judged with the line that completes it."""
        text = self.lines[index].text
        if _is_heading_like(text):
            return True
        following = self.lines[index + 1].text if index + 1 < len(self.lines) else ""
        return text.endswith("：") and _is_heading_like(text[:-1]) and _is_heading_like(following)

    def _is_strong_heading_line(self, index: int) -> bool:
        text = self.lines[index].text
        return (
            _is_zone_label(text, self.finder)
            or bool(DASH_RE.match(text))
            or bool(SPEECH_VERB_RE.search(text))
            or bool(COUPLET_RE.search(text))
            or is_byline_only(text)
            or self.lines[index].width > 1.3 * self.column_width(index)
        )

    def _is_heading_group(self, start: int, end: int) -> bool:
        """A block of lines that, after an article's end, can only be (part of) its heading."""
        indices = range(start, end)
        if any(not self._heading_line(k) or parse_caption(self.lines[k].text) for k in indices):
            return False
        if any(self._is_strong_heading_line(k) for k in indices) or self._set_apart_heading_block(start):
            return True
        return end - start >= 2 and all(self.lines[k].width <= 8 for k in indices)  # a title set in narrow lines

    def _take_heading(self, start: int, closed: Draft) -> int:
        """Take the heading lines at ``start`` into the article just closed; returns how many lines."""
        index = start
        while index < len(self.lines):
            end = self._group_end(index)
            if not self._is_heading_group(index, end):
                break
            index = end
        # On a page that sets column lines apart the blocks said where the heading ends; elsewhere heading
        # lines may run on without a blank line.
        if index == start or not self.lines_set_apart:
            index = max(index, start + self._heading_run_ahead(start), start + self._title_before_next(start))
        for text, is_zone in _heading_texts(self.lines[start:index], self.finder):
            if is_byline_only(text):
                closed.bylines.append(text)
            else:
                closed.headings.append((text, False, is_zone))
        return index - start

    def _title_before_next(self, start: int) -> int:
        """After an article's end, one to three lines without a sentence's end that the next article's
        opening (a dateline) follows: the closed article's title, however wide. Returns how many lines."""
        for count in range(1, 4):
            end = start + count
            if end > len(self.lines) or not self._heading_line(end - 1) or parse_caption(self.lines[end - 1].text):
                return 0
            if end < len(self.lines) and DATELINE_RE.match(self.lines[end].text):
                return count
        return 0

    def _set_apart_heading_block(self, start: int) -> bool:
        """After a finished sentence, a block of heading-like lines set apart by blank lines, on a page that
        sets every column line apart: the heading of the article that just ended (it had no closing byline).
        A line as wide as the column, or a single line as wide as an indented first line (the indent is two
        or three characters), or a first line with a comma, is the next paragraph's beginning instead."""
        line = self.lines[start]
        if not self.lines_set_apart or not line.blank_before or "，" in line.text:
            return False
        end = self._group_end(start)
        if end - start > 4:
            return False
        width = self.column_width(start)
        for k in range(start, end):
            text = self.lines[k].text
            if is_byline_only(text):
                continue
            if not self._heading_line(k) or parse_caption(text) or _marker(text):
                return False
            # A paragraph's first line follows a 小标题 in the same block, maybe not indented.
            if (width - 1 if k == start else width - 3) <= self.lines[k].width <= width + 0.5:
                return False
        if end - start == 1 and width - 4 <= line.width <= width:
            return bool(self._title_before_next(start))
        return True

    def _heading_run_ahead(self, start: int) -> int:
        """Heading-like lines ending in a byline, a zone line or the page's end: the heading of the article
        before them. Returns how many lines, or 0."""
        index = start
        strong = False
        while index < len(self.lines):
            line = self.lines[index]
            if not self._heading_line(index) or parse_caption(line.text):
                break
            if is_byline_only(line.text) or _is_zone_label(line.text, self.finder) or DASH_RE.match(line.text):
                strong = True
            index += 1
            if index - start > 6:
                return 0
        if index > start and (strong or index == len(self.lines)):
            return index - start
        return 0

    def _is_section_heading(self, index: int) -> bool:
        """A 小标题 inside the body: a short phrase printed in the same block as the next paragraph."""
        line = self.lines[index]
        nxt = self.lines[index + 1] if index + 1 < len(self.lines) else None
        if not _is_heading_like(line.text) or nxt is None or nxt.blank_before:
            return False
        if self.lines_set_apart and not NUMBER_END_RE.search(line.text):
            return True  # the only line not set apart from the next, however wide (a figure may be cut, too)
        return line.width <= 0.85 * self.column_width(index)

    def _looks_like_a_caption_in_a_sentence(self, fragments: list[str], line: Line) -> bool:
        """One short sentence on a line wider than the column, right after a line cut mid-sentence: maybe a
        picture's description without a credit (a body line may be as wide, so it is only said)."""
        text = line.text
        if not fragments or ends_clause(fragments[-1]) or not text.endswith("。") or text.count("，") > 1:
            return False
        if "，" in text and text.index("，") < 5:  # the tail of a clause (局，释放…), not a description
            return False
        return _one_short_sentence(text) and line.width > self.column_width(self.index_of[id(line)]) + 1

    def _join_paragraphs(self, draft: Draft) -> None:
        """Rejoin column lines into paragraphs: a paragraph ends where a sentence ends and a new one is indented."""
        heading_at = draft.section_heading_lines
        paragraphs: list[Paragraph] = []
        fragments: list[str] = []
        lines = draft.body_lines
        for k, line in enumerate(lines):
            if k in heading_at:
                if fragments:
                    paragraphs.append(Paragraph(join_fragments(fragments)))
                    fragments = []
                paragraphs.append(Paragraph(line.text, SECTION_HEADING))
                continue
            first_of_paragraph = not fragments
            if self._looks_like_a_caption_in_a_sentence(fragments, line):
                seen = f"句中一行像图片说明 (caption-like line inside a sentence): {line.text[:20]}"
                draft.warnings.append(warning("caption_in_body", seen))
            fragments.append(line.text)
            nxt = lines[k + 1] if k + 1 < len(lines) else None
            if nxt is None or (k + 1) in heading_at:
                continue
            if ends_sentence(line.text) or (ends_clause(line.text) and not line.text.endswith("；")):
                # A sentence ending at a full line may go on: the paragraph ends where the next line is
                # indented (a first line is two characters short) or this line is short.
                width = self.column_width(self.index_of[id(line)])
                indent = 2.0 if first_of_paragraph else 0.0
                full = line.width >= width - indent - 1.5 and nxt.width >= width - 1.0
                if not full:
                    paragraphs.append(Paragraph(join_fragments(fragments)))
                    fragments = []
        if fragments:
            paragraphs.append(Paragraph(join_fragments(fragments)))
        draft.body = paragraphs
        draft.body_lines = []


def _heading_texts(lines: list[Line], finder: ZoneFinder) -> list[tuple[str, bool]]:
    """The texts of heading lines: a title broken over narrow lines is rejoined; a blank line, a zone line,
    a ——subtitle or a byline starts a new part."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if DASH_RE.match(line.text) or is_byline_only(line.text) or _is_zone_label(line.text, finder):
            parts.append([line.text])
            parts.append([])
        elif parts[-1] and parts[-1][-1].endswith("："):  # the title goes on after its colon
            parts[-1][-1] += line.text
        elif (line.blank_before or _is_fact_subtitle(line.text)) and parts[-1]:
            parts.append([line.text])
        else:
            parts[-1].append(line.text)
    texts = []
    for part in parts:
        if not part:
            continue
        if len(part) > 1 and all(display_width(t) <= 8 for t in part):
            text = join_fragments(part)
        else:
            text = " ".join(part)
        texts.append((text, _is_zone_label(text, finder)))
    return texts


FACT_RE = re.compile(r"\d|，")


def _is_fact_subtitle(text: str) -> bool:
    """A heading line stating facts (12个项目集中签约，总投资82亿元): figures and commas mark a subtitle
    (副题); a title's lines are slogans (主题) without them."""
    return bool(FACT_RE.search(text)) and display_width(text) > 8


def _bigrams(text: str) -> set[str]:
    chars = re.sub(f"[^{CJK_CHARS}]", "", text)
    return {chars[k : k + 2] for k in range(len(chars) - 1)}


def _attach_captions(drafts: list[Draft], captions: list[tuple[int, Caption]]) -> None:
    """A caption between two articles goes with the one whose text it shares most with."""
    for before, caption in captions:
        candidates = drafts[max(0, before - 1) : before + 1]
        if not candidates:
            drafts.append(Draft(captions=[caption]))  # no article on the page: kept as a leftover
            continue
        words = _bigrams(caption.text)
        best = max(candidates, key=lambda draft: len(words & _bigrams(_draft_text(draft))))
        best.captions.append(caption)


def _draft_text(draft: Draft) -> str:
    return " ".join(t for t, _, _ in draft.headings) + " ".join(ln.text for ln in draft.body_lines)


# --- finishing an article ---------------------------------------------------------------------


def _assign_heading(draft: Draft, article: ParsedArticle) -> None:
    parts = list(draft.headings)
    if not parts:
        return
    marked = [k for k, (_, is_marked, _) in enumerate(parts) if is_marked]
    if marked:
        t = marked[0]
        kicker = [p[0] for p in parts[:t]]
        title = parts[t][0]
        subtitle = [p[0] for p in parts[t + 1 :]]
    else:
        kicker = []
        while parts and (parts[0][2] or SPEECH_VERB_RE.search(parts[0][0])) and len(parts) > 1:
            kicker.append(parts.pop(0)[0])
        if len(parts) == 1 and parts[0][2] and not kicker:
            kicker.append(parts.pop(0)[0])
        title = parts[0][0] if parts else None
        subtitle = [p[0] for p in parts[1:]]
    article.kicker = " ".join(kicker) or None
    article.title = title
    cleaned = [DASH_RE.sub("", s).strip() for s in subtitle]
    article.subtitle = " ".join(s for s in cleaned if s) or None
    if title is None:
        article.warnings.append(warning("no_title", "标题缺失 (heading has no title)"))


def _first_sentence(text: str) -> str:
    match = re.search(r"[。！？]+[”’」』]*", text)
    return text[: match.end()] if match else text


def _finish(draft: Draft, position: int, finder: ZoneFinder, discovered: dict[str, DiscoveredZone]) -> ParsedArticle:
    article = ParsedArticle(position=position, captions=draft.captions, warnings=list(draft.warnings))
    article.continued_from, article.continued_to = draft.continued_from, draft.continued_to
    article.continuation_markers = draft.markers
    _assign_heading(draft, article)
    paragraphs = [p for p in draft.body if p.text]
    bylines: list[str] = []
    authors: list[str] = []
    first_text = next((p for p in paragraphs if p.kind != SECTION_HEADING), None)
    if first_text is not None:
        opening = split_opening(first_text.text)
        article.dateline = opening.dateline
        first_text.text = opening.text
        if opening.byline:
            bylines.append(opening.byline)
            authors.extend(opening.authors)
            if opening.uncertain:
                guessed = f"署名与正文的分界是推测的 (byline end guessed): {opening.byline}"
                article.warnings.append(warning("byline_guessed", guessed))
    last_text = next((p for p in reversed(paragraphs) if p.kind != SECTION_HEADING), None)
    if last_text is not None and last_text.text:
        inline_to = INLINE_TO_MARKER_RE.search(last_text.text)
        if inline_to:
            article.continuation_markers.append(inline_to.group(0).strip())
            article.continued_to = inline_to.group(2).upper()
            last_text.text = last_text.text[: inline_to.start()]
        ending = split_trailing_byline(last_text.text)
        if ending.byline:
            bylines.append(ending.byline)
            authors.extend(ending.authors)
            last_text.text = ending.text or ""
    for byline in draft.bylines:
        bylines.append(byline)
        authors.extend(names_in(byline.replace("■", " ")) or [])
    article.paragraphs = [p for p in paragraphs if p.text]
    article.byline = "；".join(bylines) or None
    article.authors = list(dict.fromkeys(authors))
    if not article.paragraphs:
        article.warnings.append(warning("no_body", "标题下没有正文 (heading with no body)"))
    _tag_places(article, finder, discovered)
    if article.title and _is_zone_label(article.title, finder):
        lost = f"标题只是开发区名，真正的标题可能缺失 (title is a zone's name): {article.title}"
        article.warnings.append(warning("title_is_zone", lost))
    _check_article(article)
    return article


# A paragraph may not start with these: it was cut from the one before.
_CONTINUATION_START = tuple("，。、；：！？）》”’")
DATELINE_IN_TEXT_RE = re.compile(r"(?<=.)(?:科学导报讯|本报讯)")
CREDIT_IN_TEXT_RE = re.compile(f"[。！？]\\s*[{CJK_CHARS}]{{2,12}}(?:供图|摄)(?=[{CJK_CHARS}])")
# The tail of a sentence cut off from the article before: a few characters, then its end (础。, 集约、).
SENTENCE_TAIL_START_RE = re.compile(r"^[^，。、；：！？“”]{1,6}[。、；：]")
# A title run into the opening: words, with no punctuation right before it, in front of the opening's
# time phrase or the paper's name (…新型工业化步伐日前，  …总投资8.8亿元科学导报记者).
OPENING_TIME = r"(?:日前|近日|今年以来|一季度以来|\d{4}\s*年以来|\d{1,2}\s*月\s*\d{1,2}\s*日)"
# How a news article opens; a section of one goes on with 2023年以来，… often enough.
OPENING_RE = re.compile(r"^(?:科学导报讯?|本报讯|日前，|近日，)")
HEADING_GLUED_RE = re.compile(
    rf"^.{{6,40}}?(?<![，。、；：！？\d\s])(?:科学导报(?=\s*(?:记者|通讯员|\d|日前|近日))|{OPENING_TIME}，)"
)
ARTIFACT_RE = re.compile(r"(?<![\u4e00-\u9fff])姻|\d\s*伊|伊\s*\d")


def _check_article(article: ParsedArticle) -> None:
    """Warnings where the text shows the parse may be wrong (each with its code)."""
    flag = article.warnings.append
    body = [p for p in article.paragraphs if p.kind != SECTION_HEADING]
    if body and not article.continued_to:
        last = body[-1].text
        if not ends_clause(last.rstrip("”’）)")):
            flag(warning("ends_mid_sentence", f"正文在句中结束 (body ends mid-sentence): …{last[-12:]}"))
    if body and not article.continued_from:
        first = body[0].text
        if first.startswith(_CONTINUATION_START) or SENTENCE_TAIL_START_RE.match(first):
            flag(warning("starts_mid_sentence", f"正文从句中开始 (body starts mid-sentence): {first[:12]}…"))
        elif HEADING_GLUED_RE.match(first):
            flag(warning("heading_glued", f"正文开头像是粘上了标题 (heading glued to the opening): {first[:20]}…"))
    paragraphs = article.paragraphs
    for heading, after in itertools.pairwise(paragraphs):
        if heading.kind == SECTION_HEADING and after.kind != SECTION_HEADING and OPENING_RE.match(after.text):
            missed = f"小标题后像是另一篇文章的开头 (an opening after a 小标题): {heading.text}"
            flag(warning("glued_articles", missed))
            break
    if any(p.text.startswith((*_CONTINUATION_START, "的")) for p in body[1:]):
        flag(warning("starts_mid_sentence", "有段落从句中开始：段落的分合可能有误 (a paragraph starts mid-sentence)"))
    for paragraph in body[:-1]:
        text = paragraph.text
        if parse_caption(text) is not None and display_width(text) <= 80:
            flag(warning("caption_in_body", f"正文中有像图片说明的文字 (caption-like text in body): {text[:20]}"))
        elif _is_heading_like(text) and display_width(text) <= 30:
            flag(warning("heading_in_body", f"正文中有像标题的短行 (heading-like line in body): {text}"))
    text = "\n".join(p.text for p in body)
    if any(DATELINE_IN_TEXT_RE.search(p.text) for p in body):
        flag(warning("glued_articles", "正文中间出现电头“科学导报讯”：可能粘连了另一篇文章 (dateline inside the body)"))
    if "■" in text or CREDIT_IN_TEXT_RE.search(text):
        flag(warning("caption_in_body", "正文中夹有图片说明的署名（■、摄、供图） (photo credit inside the body)"))
    printed = " ".join(filter(None, (article.kicker, article.title, article.subtitle, article.body)))
    if ARTIFACT_RE.search(printed):
        flag(warning("artifact", "文中有未修复的排版符号“姻”或“伊” (unrepaired artifact)"))
    if article.zone and not article.city:
        flag(warning("zone_without_city", f"开发区 {article.zone} 的所在城市未知 (zone without city)"))


def _zone_named_most(article: ParsedArticle, finder: ZoneFinder) -> str | None:
    """The zone an article is about when its heading and first sentence name none: the zone its second
    sentence names, else the zone its body names at least twice and more often than any other."""
    texts = [p.text for p in article.paragraphs if p.kind != SECTION_HEADING]
    if not texts:
        return None
    first = _first_sentence(texts[0])
    second = finder.find(_first_sentence(texts[0][len(first) :]))
    if second:
        return second[0].zone
    counts = Counter(match.zone for text in texts for match in finder.find(text))
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def _tag_places(article: ParsedArticle, finder: ZoneFinder, discovered: dict[str, DiscoveredZone]) -> None:
    heading = " ".join(t for t in (article.kicker, article.title, article.subtitle) if t)
    body = article.body
    opening = _first_sentence(next((p.text for p in article.paragraphs if p.kind != SECTION_HEADING), ""))
    captions = " ".join(c.text for c in article.captions)
    zones: list[str] = []
    primary = None
    for part in (heading, body, captions):
        for match in finder.find(part):
            if match.discovered and match.zone not in discovered:
                discovered[match.zone] = finder.discovered_zone(match)
                new = f"地名表中没有的开发区 (zone not in gazetteer): {match.zone}"
                article.warnings.append(warning("new_zone", new))
            if match.zone not in zones:
                zones.append(match.zone)
    heading_zones = finder.find(heading)
    if heading_zones:
        primary = heading_zones[0].zone
    else:
        opening_zones = finder.find(opening)
        primary = (
            (opening_zones[0].zone if opening_zones else None)
            or finder.short_form_of(heading, zones)
            or finder.zone_of_county(heading)
        )
        # A titled article whose heading names no place (召开招商推介会), or only its city (太原：…), is about
        # the zone its opening goes on to name (in that city); one whose heading names a county or several
        # places is about those.
        if primary is None and article.title and not finder.names_county_or_zone(heading):
            named = _zone_named_most(article, finder)
            heading_city = finder.single_city(heading)  # None for a heading naming no place or several
            if named and (not finder.names_place(heading) or heading_city == finder.city_of(named, discovered)):
                primary = named
        if primary and primary not in zones:
            zones.append(primary)
    if primary:
        zones.remove(primary)
        zones.insert(0, primary)
    article.zone = primary
    article.zones = zones
    city = finder.city_of(primary, discovered) if primary else None
    article.city = city or finder.single_city(heading) or finder.single_city(opening)
