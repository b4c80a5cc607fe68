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

PARSER_VERSION = "1.3"

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
WIDE_LINE_WIDTH = 30
# Narrow columns: a paragraph's last line falls short of a full line by more than this (em) …
LAST_LINE_SHORTFALL = 1.5
# … and its first line, indented, by at least this.
FIRST_LINE_SHORTFALL = 1.0
FULL_LINE_QUANTILE = 0.7
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
    # Wide pages have short lines too (headings, captions, bylines, short paragraphs); a narrow page has
    # hardly a line wider than a column but its wide captions and headings.
    wide = [ln for ln in lines if ln.width > WIDE_LINE_WIDTH]
    if len(lines) >= 10 and len(narrow) >= 0.6 * len(lines) and len(wide) < 0.15 * len(lines):
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
    if page.layout == HEADING_LAST:
        for article in page.articles:
            _check_narrow_title(article)
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
        # Narrow columns: a zone line printed without a title after it; the title went on into the body of
        # the article after it (its heading lines are printed there).
        lost_title = page.layout == HEADING_LAST and before.kicker and before.title is None
        if lost_title and not has_warning(after.warnings, "heading_glued"):
            after.warnings.append(
                warning("heading_glued", "上一篇只有引题没有标题：它的标题可能粘在本篇开头 (title of the one before)")
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


def _ends_in_a_byline(text: str) -> bool:
    """A finished sentence followed by its byline."""
    ending = split_trailing_byline(text)
    return bool(ending.byline and ending.text and ends_sentence(ending.text))


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
        if _ends_in_a_byline(text):
            return Unit("body", text, first)  # a last paragraph with its byline (…如何解决？（朱琳 曾明艳）)
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
        if (
            _is_heading_like(text)
            and not PERFECTIVE_RE.search(text)
            and (
                (display_width(text) <= 24 and ("，" not in text or under_title or two_part_phrase))
                or re.search(r"\s|——", text)
            )
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
            if unit.kind == "caption" or self._uncredited_caption(unit, current, cut):
                current = current or start_article()
                current.captions.append(unit.caption or Caption(unit.text))
                if unit.caption is None and cut:  # a guess: the sentence may go on in it instead
                    taken = f"句中一段像图片说明，已作为图片说明取出 (caption taken out): {unit.text[:20]}"
                    current.warnings.append(warning("caption_in_body", taken))
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
        if cut and not _describes_a_picture(unit.text):
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


# 了 after a verb tells a statement (建立了…), never a 小标题; 为了 and 除了 may open one.
PERFECTIVE_RE = re.compile(r"(?<![为除])了")


def _describes_a_picture(text: str) -> bool:
    """One short sentence that could describe a picture: at most one comma, and not right at its start
    (局，释放… or 宿需求，并已… is the tail of a clause cut by a column break)."""
    commas = text.count("，")
    return _one_short_sentence(text) and (commas == 0 or (commas == 1 and text.index("，") >= 5))


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


NAME_AFTER_SENTENCE_RE = re.compile(f"[。！？][{CJK_CHARS}]{{2,4}}$")
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

    def full_line_width(self, index: int) -> float:
        """The width of a full line around ``index``, for telling a paragraph's first and last lines from
        full ones: a high percentile, since those shorter lines pull the median down."""
        around = sorted(w for w in self.widths[max(0, index - 8) : index + 9] if w >= 8)
        if not around:
            return 15.0
        return around[min(len(around) - 1, int(FULL_LINE_QUANTILE * len(around)))]

    def segment(self) -> list[Draft]:
        drafts: list[Draft] = []
        captions: list[tuple[int, Caption]] = []  # (number of drafts before it, caption)
        current: Draft | None = None
        closed: Draft | None = None  # the article whose heading may follow
        kept_names: list[tuple[Draft, Line]] = []  # lines ending in a name that did not close their article
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
            elif self._name_before_a_heading(i):
                kept_names.append((current, line))
            i += 1
        for draft, line in kept_names:
            if draft.body_lines and draft.body_lines[-1] is not line:  # the article went on after the name
                name = split_trailing_byline(line.text).byline
                kept = f"句末的“{name}”像署名，但其后不像标题，已留在正文中：可能漏分了两篇文章 (name kept in body)"
                draft.warnings.append(warning("byline_guessed", kept))
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

    def _name_before_a_heading(self, index: int) -> bool:
        """A line ending in a name glued to its last sentence (…建设。梁涛杰) before a short heading-like line:
        maybe a byline whose heading was not recognised (the next sentence's first word would go on)."""
        line = self.lines[index]
        if not NAME_AFTER_SENTENCE_RE.search(line.text) or not split_trailing_byline(line.text).byline:
            return False
        following = index + 1
        return (
            following < len(self.lines)
            and self._heading_line(following)
            and "，" not in self.lines[following].text
            and self.lines[following].width <= self.column_width(following) - 1
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
        if _ends_in_a_byline(text):
            return False  # a last sentence and its byline (…范围有哪些？” ■ 姜萍, …如何解决？贺佳鹏)
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
        full = max(width, self.full_line_width(start))  # the median may fall short of a full line
        for k in range(start, end):
            text = self.lines[k].text
            if is_byline_only(text):
                continue
            if not self._heading_line(k) or parse_caption(text) or _marker(text):
                return False
            # A paragraph's first line follows a 小标题 in the same block, maybe not indented.
            if (width - 1 if k == start else width - 3) <= self.lines[k].width <= full + 0.5:
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
        if NUMBER_END_RE.search(line.text):
            return False  # a figure cut by the column (建成3 | 条生产线), narrow for its half-width digits
        if self.lines_set_apart:
            return True  # the only line not set apart from the next, however wide
        return line.width <= 0.85 * self.column_width(index)

    def _cut_mid_clause(self, fragments: list[str], line: Line) -> bool:
        """A line holding one finished sentence right after a line that stops mid-clause."""
        return bool(fragments) and not ends_clause(fragments[-1]) and line.text.endswith("。")

    def _caption_cutting_a_sentence(self, fragments: list[str], line: Line, nxt: Line) -> bool:
        """A short line holding a picture's description between two full lines of one sentence: a paragraph's
        last line would be followed by an indented first line, not a full one (no credit: only its place
        tells it)."""
        if not self._cut_mid_clause(fragments, line) or display_width(line.text) < 5:
            return False
        width = self.full_line_width(self.index_of[id(line)])
        return line.width <= width - 1.5 and nxt.width >= width - 0.5 and _describes_a_picture(line.text)

    def _looks_like_a_caption_in_a_sentence(self, fragments: list[str], line: Line, nxt: Line | None) -> bool:
        """A line that may be a picture's description printed where the column cut a sentence, though the
        body may read on through it, so it is only said: one short sentence on a line wider than the
        column; or as wide as the column, without a comma, before a full line; or a short one before
        another short line ending a sentence (…生物医 | 开发区招商推介会现场。| 药产业取得较快发展。)."""
        text = line.text
        if not self._cut_mid_clause(fragments, line) or not _describes_a_picture(text):
            return False
        index = self.index_of[id(line)]
        if line.width > self.column_width(index) + 1:
            return True
        if nxt is None or display_width(text) < 5:
            return False
        width = self.full_line_width(index)
        as_wide = line.width >= width - 0.5 and nxt.width >= width - 1 and not re.search("[，、]", text)
        short_before_short = line.width <= width - 1.5 and ends_sentence(nxt.text) and nxt.width <= width - 2.5
        return as_wide or short_before_short

    def _last_sentence_on_its_own_line(self, lines: list[Line], k: int, width: float) -> bool:
        """After a full line ending a sentence, a short line holding one whole sentence, then an indented line
        or the body's end: the paragraph's last sentence on a line of its own, not a paragraph."""
        nxt = lines[k + 1]
        after = lines[k + 2] if k + 2 < len(lines) else None
        return (
            nxt.width < width - FIRST_LINE_SHORTFALL
            and ends_sentence(nxt.text)
            and len(re.findall(r"[。！？]", nxt.text)) == 1
            and (after is None or after.width < width - FIRST_LINE_SHORTFALL)
        )

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
            nxt = lines[k + 1] if k + 1 < len(lines) and (k + 1) not in heading_at else None
            if nxt is not None and self._caption_cutting_a_sentence(fragments, line, nxt):
                draft.captions.append(Caption(line.text))
                taken = f"句中一行像图片说明，已作为图片说明取出 (caption taken out of a sentence): {line.text[:20]}"
                draft.warnings.append(warning("caption_in_body", taken))
                continue
            if self._looks_like_a_caption_in_a_sentence(fragments, line, nxt):
                seen = f"句中一行像图片说明 (caption-like line inside a sentence): {line.text[:20]}"
                draft.warnings.append(warning("caption_in_body", seen))
            fragments.append(line.text)
            if nxt is None:
                continue
            if ends_sentence(line.text) or (ends_clause(line.text) and not line.text.endswith("；")):
                # A sentence ending at a full line may go on: the paragraph ends where the next line is
                # indented (a first line is two characters short) or this line is short.
                width = self.full_line_width(self.index_of[id(line)])
                indent = 2.0 if first_of_paragraph else 0.0
                full = line.width >= width - indent - LAST_LINE_SHORTFALL and (
                    nxt.width >= width - FIRST_LINE_SHORTFALL or self._last_sentence_on_its_own_line(lines, k, width)
                )
                # A next line one character short is an indented first line, or a full one narrowed by
                # half-width figures: where the paragraph breaks is a guess.
                if nxt.width == width - FIRST_LINE_SHORTFALL and not has_warning(draft.warnings, "paragraphs_guessed"):
                    draft.warnings.append(warning("paragraphs_guessed", "段落分界是推测的 (paragraph break guessed)"))
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
    _check_article(article, finder)
    return article


# A paragraph may not start with these: it was cut from the one before.
_CONTINUATION_START = tuple("，。、；：！？）》”’")
# The opening's dateline is taken off before this is looked for: anywhere else it opens another article.
DATELINE_IN_TEXT_RE = re.compile(r"科学导报讯|本报讯")
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


def _check_article(article: ParsedArticle, finder: ZoneFinder) -> None:
    """Warnings where the text shows the parse may be wrong (each with its code)."""
    body = [p for p in article.paragraphs if p.kind != SECTION_HEADING]
    for check in (_check_ends, _check_glued, _check_body_lines):
        check(article, body)
    _check_sections(article, finder)
    doubt = _heading_doubt(article)
    if doubt:
        article.warnings.append(warning("heading_doubtful", doubt))
    flag = article.warnings.append
    printed = " ".join(filter(None, (article.kicker, article.title, article.subtitle, article.body)))
    if ARTIFACT_RE.search(printed):
        flag(warning("artifact", "文中有未修复的排版符号“姻”或“伊” (unrepaired artifact)"))
    if article.zone and not article.city:
        flag(warning("zone_without_city", f"开发区 {article.zone} 的所在城市未知 (zone without city)"))


def _check_ends(article: ParsedArticle, body: list[Paragraph]) -> None:
    """The body, or a paragraph of it, ends or starts mid-sentence; a quotation mark or bracket is unpaired."""
    flag = article.warnings.append
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
    cut = next(
        (
            p.text
            for p in body[:-1]
            if not ends_clause(p.text.rstrip("”’）)"))
            and not _left_heading(p.text)  # a heading or a caption left in the body has its own warning
            and parse_caption(p.text) is None
        ),
        None,
    )
    if cut is not None:
        flag(warning("ends_mid_sentence", f"有段落在句中结束：可能被拆开 (paragraph cut): …{cut[-12:]}"))
    if any(p.text.startswith((*_CONTINUATION_START, "的")) for p in body[1:]):
        flag(warning("starts_mid_sentence", "有段落从句中开始：段落的分合可能有误 (a paragraph starts mid-sentence)"))
    unpaired = next((p.text for p in body if _unpaired_marks(p.text)), None)
    if unpaired:
        flag(warning("unpaired_marks", f"段落中引号或括号不成对：可能被截断或粘连 (unpaired quote): {unpaired[:20]}…"))


def _check_glued(article: ParsedArticle, body: list[Paragraph]) -> None:
    """Another article's heading, opening, dateline or byline inside this one."""
    flag = article.warnings.append
    for heading, after in itertools.pairwise(article.paragraphs):
        if heading.kind == SECTION_HEADING and after.kind != SECTION_HEADING and OPENING_RE.match(after.text):
            missed = f"小标题后像是另一篇文章的开头 (an opening after a 小标题): {heading.text}"
            flag(warning("glued_articles", missed))
            break
    glued = next((p.text for p in body[1:] if HEADING_GLUED_RE.match(p.text)), None)
    if glued:
        flag(warning("glued_articles", f"段落开头像是另一篇的标题和开头 (title and opening in body): {glued[:20]}…"))
    if any(DATELINE_IN_TEXT_RE.search(p.text) for p in body):
        flag(warning("glued_articles", "正文中间出现电头“科学导报讯”：可能粘连了另一篇文章 (dateline inside the body)"))
    if _bylines_of_different_people(article.byline):
        flag(warning("glued_articles", f"一篇文章中有两处署名：可能粘连了另一篇文章 (two bylines): {article.byline}"))


def _bylines_of_different_people(byline: str | None) -> bool:
    """An opening and a closing byline (or two closing ones) naming different people: two articles' worth."""
    parts = [set(names_in(part) or []) for part in (byline or "").split("；")]
    return len(parts) >= 2 and any(not (one & other) for one, other in itertools.combinations(parts, 2))


def _left_heading(text: str) -> bool:
    """A paragraph that reads like a heading left in the body."""
    return _is_heading_like(text) and display_width(text) <= 30


def _check_body_lines(article: ParsedArticle, body: list[Paragraph]) -> None:
    """A caption or a heading left among the paragraphs."""
    flag = article.warnings.append
    for paragraph in body[:-1]:
        text = paragraph.text
        if parse_caption(text) is not None and display_width(text) <= 80:
            flag(warning("caption_in_body", f"正文中有像图片说明的文字 (caption-like text in body): {text[:20]}"))
        elif _left_heading(text):
            flag(warning("heading_in_body", f"正文中有像标题的短行 (heading-like line in body): {text}"))
    lone = next((p.text for p in body if display_width(p.text) <= 8 and p.text.endswith("：")), None)
    if lone:  # 全省： printed on a line of its own, the rest of the title on the next
        flag(warning("heading_in_body", f"正文中有以冒号结尾的短行，像是标题的一部分 (heading in body): {lone}"))
    text = "\n".join(p.text for p in body)
    if "■" in text or CREDIT_IN_TEXT_RE.search(text):
        flag(warning("caption_in_body", "正文中夹有图片说明的署名（■、摄、供图） (photo credit inside the body)"))


# A sentence's end with more text after it: a heading holds no sentence, a title may end in ？ or ！.
SENTENCE_INSIDE_RE = re.compile(r"。|[？！][”’]?\s*\S")
TITLE_BYLINE_RE = re.compile(f"[（(][{CJK_CHARS}]{{2,4}}(?:[\\s、]+[{CJK_CHARS}]{{2,4}})*[）)]$")
SUBTITLE_OPENING_RE = re.compile(rf"^{OPENING_TIME}，")


def _check_sections(article: ParsedArticle, finder: ZoneFinder) -> None:
    """A 小标题 followed by an opening about another zone than the article's: maybe the next article's title
    taken for a 小标题 (its heading named no zone, so nothing else set it apart)."""
    if not article.zone:
        return
    for heading, after in itertools.pairwise(article.paragraphs):
        if heading.kind != SECTION_HEADING or after.kind == SECTION_HEADING:
            continue
        named = [match.zone for match in finder.find(_first_sentence(after.text))]
        if named and article.zone not in named:
            other = f"小标题“{heading.text}”后的段落写的是{named[0]}，可能是另一篇文章 (a section about another zone)"
            article.warnings.append(warning("glued_articles", other))
            return


def _heading_doubt(article: ParsedArticle) -> str | None:
    """Why the title or subtitle may be body text or a byline; None when they look like headings."""
    title, subtitle = article.title or "", article.subtitle or ""
    if SENTENCE_INSIDE_RE.search(title) or "■" in title or TITLE_BYLINE_RE.search(title):
        return f"标题像是正文或署名 (title reads like body text): {title[:20]}"
    if SPEECH_VERB_RE.search(title):  # …在调研时强调: what a kicker says, the title follows it
        return f"标题像是引题 (title reads like a kicker): {title[:20]}"
    if subtitle and (
        SENTENCE_INSIDE_RE.search(subtitle)
        or "■" in subtitle
        or SUBTITLE_OPENING_RE.match(subtitle)
        or subtitle.count("，") >= 2
    ):
        return f"副题像是正文的开头 (subtitle reads like body text): {subtitle[:20]}"
    return None


def _check_narrow_title(article: ParsedArticle) -> None:
    """A title rejoined from narrow heading lines: three phrases, or a 地名：title and one more, may hold a
    kicker or a subtitle printed without dashes (only its type size told it apart)."""
    phrases = (article.title or "").split()
    if len(phrases) >= 3 or (len(phrases) >= 2 and "：" in phrases[0]):
        run_in = f"标题由多行拼成，其中可能有引题或副题 (kicker or subtitle in title): {article.title[:24]}"
        article.warnings.append(warning("heading_doubtful", run_in))


PAIRED_MARKS = (("“", "”"), ("《", "》"), ("（", "）"))


def _unpaired_marks(text: str) -> bool:
    """Whether a quotation mark or bracket opens without closing, or closes without opening."""
    for opening, closing in PAIRED_MARKS:
        depth = 0
        for char in text:
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth < 0:
                    return True
        if depth:
            return True
    return False


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
                # A plain new zone (a known county's 经济开发区) is listed with the page's new zones; only
                # a doubtful one is a warning on the article.
                doubt = finder.discovery_doubt(discovered[match.zone])
                if doubt:
                    new = f"地名表中没有的开发区 {match.zone}：{doubt} (doubtful new zone)"
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
