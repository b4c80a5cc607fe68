"""Characters with their boxes to page text in reading order, for the text parser (pure Python).

A PDF draws characters where they stand, in whatever order the typesetter wrote them. The text parser
reads page text as the extractions of the seed pages print it, so this module rebuilds that text from
geometry alone:

1. characters on one baseline, of one size and without a column gap between them, make a *line*;
2. lines stacked closely in one column, of one size, make a *block* (a column of body text, a headline,
   a caption under a picture);
3. blocks (and pictures) are put in reading order by cutting the page recursively at white space: at a
   band across the whole region first (a headline above its columns, one article above the next), else at
   a gap down the whole region (columns left to right);
4. each block becomes text: a headline larger than the body is marked with ``#`` (the parser's sign of a
   heading), body lines are joined into paragraphs (a paragraph starts indented and ends short, and goes on
   in the next column), a caption (small type, or under a picture) stands on its own after blank lines.

Pages whose columns put each heading *after* its body (as the seed pages' narrow columns print them) are
given line by line, as those extractions are, so the parser's heading-last reading applies.

Every emitted text line keeps the boxes of the printed lines it came from (``TextLine.boxes``), so the
articles the parser finds can be placed back on the page (``article_regions``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# Coordinates are PDF points with the origin at the page's top left (y grows downwards).

HEADING_RATIO = 1.15  # type this much larger than the body's is a heading
CAPTION_RATIO = 0.92  # type this much smaller is a caption (or small print)
COLUMN_GAP_EMS = 1.2  # a horizontal gap this wide (in the line's em) separates two columns' lines
BLOCK_GAP_EMS = 0.9  # lines further apart than this (in em) belong to different blocks
INDENT_EMS = 1.5  # a paragraph's first line is indented about two characters
SHORT_LINE_EMS = 1.5  # a line ending this far before the column's edge ends its paragraph
ISSUE_LINE_RE = re.compile(r"\d{4}\s*年\s*第\s*\d{1,3}\s*期")
MARKER_RE = re.compile(r"^[（(]\s*(上接|下转|转)")
# A byline as set right under a story: 王波 李四 / ■ 王波 / （王波 李四）.
BYLINE_RE = re.compile(r"^(?:■\s*)?[（(]?[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4}){0,5}[）)]?$")


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1), max(self.bottom, other.bottom)
        )

    def x_overlap(self, other: Box) -> float:
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))


@dataclass(frozen=True)
class Char:
    text: str
    box: Box
    size: float  # font size in points


@dataclass
class Line:
    chars: list[Char]
    box: Box
    size: float

    @property
    def text(self) -> str:
        """The characters left to right, a space where the printed line leaves a gap."""
        out = ""
        previous: Char | None = None
        for char in self.chars:
            if char.text.isspace():
                if out and not out.endswith(" "):
                    out += " "
                previous = char
                continue
            if previous is not None and char.box.x0 - previous.box.x1 > 0.4 * self.size and not out.endswith(" "):
                out += " "
            out += char.text
            previous = char
        return out.strip()


@dataclass
class Block:
    lines: list[Line]
    kind: str = "body"  # body, heading, caption, picture

    @property
    def box(self) -> Box:
        box = self.lines[0].box
        for line in self.lines[1:]:
            box = box.union(line.box)
        return box

    @property
    def size(self) -> float:
        return Counter(round(line.size, 1) for line in self.lines).most_common(1)[0][0]


@dataclass
class Picture:
    box: Box


@dataclass
class TextLine:
    """One line of the text handed to the parser, with the printed lines it came from."""

    text: str
    boxes: list[Box] = field(default_factory=list)


@dataclass
class PageText:
    width: float
    height: float
    lines: list[TextLine]  # the text, one entry per text line (blank lines included, without boxes)
    layout: str  # "paragraphs" or "lines" (heading after body: one printed line a text line)
    body_size: float = 0.0
    char_count: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines) + "\n"


# --- 1. lines ------------------------------------------------------------------------------------


def make_lines(chars: list[Char]) -> list[Line]:
    """Characters on one baseline and of one size, cut where a column gap separates them."""
    rows: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c.box.bottom, c.box.x0)):
        for row in reversed(rows[-8:]):  # a few rows share a baseline at most (columns of other sizes)
            first = row[0]
            if abs(first.box.bottom - char.box.bottom) <= 0.25 * first.size and _same_size(first.size, char.size):
                row.append(char)
                break
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.box.x0)
        size = row[0].size
        current: list[Char] = []
        last_ink: Char | None = None
        for char in row:
            if last_ink is not None and char.box.x0 - last_ink.box.x1 > COLUMN_GAP_EMS * size:
                lines.append(_line(current))
                current = []
                last_ink = None
            if char.text.isspace() and not current:
                continue
            current.append(char)
            if not char.text.isspace():
                last_ink = char
        if current:
            lines.append(_line(current))
    return [line for line in lines if line.text]


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= 0.1 * max(a, b)


def _line(chars: list[Char]) -> Line:
    while chars and chars[-1].text.isspace():
        chars = chars[:-1]
    box = chars[0].box
    for char in chars[1:]:
        box = box.union(char.box)
    sizes = Counter(round(c.size, 1) for c in chars if not c.text.isspace())
    return Line(chars, box, sizes.most_common(1)[0][0] if sizes else chars[0].size)


# --- 2. blocks -----------------------------------------------------------------------------------


def make_blocks(lines: list[Line]) -> list[Block]:
    """Lines stacked closely in one column, of one size."""
    blocks: list[Block] = []
    open_blocks: list[Block] = []
    for line in sorted(lines, key=lambda ln: (ln.box.top, ln.box.x0)):
        home = None
        for block in open_blocks:
            last = block.lines[-1]
            gap = line.box.top - last.box.bottom
            if (
                _same_size(last.size, line.size)
                and -0.3 * line.size <= gap <= BLOCK_GAP_EMS * line.size
                and block.box.x_overlap(line.box) >= 0.5 * min(line.box.width, block.box.width)
            ):
                home = block
                break
        if home is None:
            home = Block([line])
            blocks.append(home)
            open_blocks.append(home)
        else:
            home.lines.append(line)
        # A block far above the current line can take no more lines.
        open_blocks = [b for b in open_blocks if line.box.top - b.lines[-1].box.bottom <= 3 * b.lines[-1].size]
    return blocks


# --- 3. reading order ------------------------------------------------------------------------------


def reading_order(items: list, box_of, heading_size=lambda item: 0.0) -> list:
    """Items (blocks, pictures) in reading order by recursive cuts at white space: across first (a
    headline above its columns, one article above the next), then down (columns left to right).

    Stories side by side come before that: a gap down the whole region with a headline at the top on
    each side of it parts two stories, whose headlines may stand at one height (``heading_size`` gives
    an item's type size when it is a heading, else 0)."""
    if len(items) <= 1:
        return list(items)
    stories = _stories(_split(items, box_of, "x"), box_of, heading_size)
    if len(stories) > 1:
        return [item for group in stories for item in reading_order(group, box_of, heading_size)]
    for axis in ("y", "x"):
        groups = _split(items, box_of, axis)
        if axis == "y":
            groups = _side_by_side_bands(groups, box_of, heading_size)
        if len(groups) > 1:
            return [item for group in groups for item in reading_order(group, box_of, heading_size)]
    return sorted(items, key=lambda item: (box_of(item).top, box_of(item).x0))


def _side_by_side_bands(rows: list[list], box_of, heading_size) -> list[list]:
    """Rows (cut across) joined again where stories stand side by side: from a row whose headlines open
    two stories, down as long as the gap between them runs on."""
    bands: list[list] = []
    open_band = False
    for row in rows:
        if open_band:
            joined = bands[-1] + row
            if len(_stories(_split(joined, box_of, "x"), box_of, heading_size)) > 1:
                bands[-1] = joined
                continue
        bands.append(list(row))
        open_band = len(_stories(_split(row, box_of, "x"), box_of, heading_size)) > 1
    return bands


def _stories(columns: list[list], box_of, heading_size) -> list[list]:
    """Columns grouped into stories, each opening with a headline (about as large as the largest of the
    region) at its top; a column without one belongs to the story on its left."""
    if len(columns) < 2:
        return [item for item in [columns] if item]
    largest = max(heading_size(item) for group in columns for item in group)
    if not largest:
        return [[item for group in columns for item in group]]

    def opens_story(group: list) -> bool:
        top = min(group, key=lambda item: (box_of(item).top, box_of(item).x0))
        return heading_size(top) > 0 and max(heading_size(item) for item in group) >= 0.8 * largest

    if not opens_story(columns[0]):
        return [[item for group in columns for item in group]]
    stories: list[list] = []
    for group in columns:
        if stories and not opens_story(group):
            stories[-1].extend(group)
        else:
            stories.append(list(group))
    return stories


def _split(items: list, box_of, axis: str) -> list[list]:
    """Items in groups separated by gaps along ``axis`` that run across the whole region."""

    def span(item) -> tuple[float, float]:
        box = box_of(item)
        # Shrunk a little: touching boxes (a headline's descenders, a caption under its picture) still part.
        return (box.top + 0.5, box.bottom - 0.5) if axis == "y" else (box.x0 + 0.5, box.x1 - 0.5)

    ordered = sorted(items, key=lambda item: span(item)[0])
    groups: list[list] = [[ordered[0]]]
    reach = span(ordered[0])[1]
    for item in ordered[1:]:
        start, end = span(item)
        if start > reach:
            groups.append([item])
        else:
            groups[-1].append(item)
        reach = max(reach, end)
    return groups


# --- 4. text ---------------------------------------------------------------------------------------


def page_text(chars: list[Char], pictures: list[Box], width: float, height: float) -> PageText:
    """The page's text in reading order, as the parser reads page text."""
    chars = [c for c in chars if c.text and (c.text.isspace() or c.text.isprintable()) and c.size > 0]
    lines = make_lines(chars)
    blocks = make_blocks(lines)
    body_size = _body_size(chars)
    for block in blocks:
        block.kind = _kind(block, body_size, pictures)
    items: list = [*blocks, *(Picture(box) for box in pictures)]
    ordered = reading_order(
        items, lambda item: item.box, lambda item: item.size if getattr(item, "kind", "") == "heading" else 0.0
    )
    ordered = [item for item in ordered if isinstance(item, Block)]
    printable = sum(1 for c in chars if not c.text.isspace())
    if _headings_after_bodies(ordered):
        return PageText(width, height, _as_lines(ordered), "lines", body_size, printable)
    return PageText(width, height, _as_paragraphs(ordered, body_size), "paragraphs", body_size, printable)


def _heading_size(item) -> float:
    return item.size if isinstance(item, Block) and item.kind == "heading" else 0.0


def _body_size(chars: list[Char]) -> float:
    sizes = Counter(round(c.size, 1) for c in chars if not c.text.isspace())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _kind(block: Block, body_size: float, pictures: list[Box]) -> str:
    size = block.size
    if size >= HEADING_RATIO * body_size:
        return "heading"
    box = block.box
    under_picture = any(
        0 <= box.top - picture.bottom <= 1.5 * size and box.x_overlap(picture) >= 0.5 * box.width
        for picture in pictures
    )
    if size <= CAPTION_RATIO * body_size or under_picture:
        return "caption"
    return "body"


def _headings_after_bodies(blocks: list[Block]) -> bool:
    """Narrow columns printing each heading under its body: the text starts with body and ends with a heading."""
    content = [b for b in blocks if b.kind in ("body", "heading") and not _is_masthead_block(b)]
    # The masthead comes first: what follows the issue line is the page's content.
    for index, block in enumerate(blocks):
        if any(ISSUE_LINE_RE.search(line.text) for line in block.lines):
            content = [b for b in blocks[index + 1 :] if b.kind in ("body", "heading")]
            break
    content = [b for b in content if not all(MARKER_RE.match(line.text) for line in b.lines)]
    return len(content) >= 2 and content[0].kind == "body" and content[-1].kind == "heading"


def _is_masthead_block(block: Block) -> bool:
    return any(ISSUE_LINE_RE.search(line.text) for line in block.lines)


def _as_lines(blocks: list[Block]) -> list[TextLine]:
    """One printed line a text line, a blank line between them (as the seed pages' extractions print)."""
    out: list[TextLine] = []
    previous_kind = ""
    for block in blocks:
        left, right = _column_edges(block, blocks) if block.kind == "body" else (block.box.x0, block.box.x1)
        after_body, previous_kind = previous_kind == "body", block.kind
        for k, line in enumerate(block.lines):
            if (k or after_body) and _set_right(line, left, right) and not MARKER_RE.match(line.text):
                out[-1].text += _byline_joint(line.text) + line.text  # ends the body's last line, as extracted
                out[-1].boxes.append(line.box)
                continue
            if out:
                out.append(TextLine(""))
            out.append(TextLine(line.text, [line.box]))
    return out


def _byline_joint(byline: str) -> str:
    """What stands between a story's last sentence and its byline in extracted text: （王波） follows the
    full stop directly, names stand apart."""
    return "" if byline.startswith(("（", "(")) else "  "


def _set_right(line: Line, left: float, right: float) -> bool:
    """A line set flush right: a byline under the story (in a narrow column it may fill most of the line)."""
    if right - line.box.x1 >= SHORT_LINE_EMS * line.size:
        return False
    indent = line.box.x0 - left
    return indent >= 3.5 * line.size or (indent >= 1.0 * line.size and bool(BYLINE_RE.match(line.text)))


def _as_paragraphs(blocks: list[Block], body_size: float) -> list[TextLine]:
    out: list[TextLine] = []
    paragraph: TextLine | None = None  # a body paragraph that may go on (in the next column too)
    ended = True

    def emit(line: TextLine, blanks: int = 1) -> None:
        if out:
            out.extend(TextLine("") for _ in range(blanks))
        out.append(line)

    content = [b for b in blocks if not _is_masthead_region(b, blocks)]
    title_size = max((b.size for b in content if b.kind == "heading"), default=0)
    for block in blocks:
        if block.kind == "heading":
            paragraph = None
            # The headline (the largest type) is marked as extractions mark headings: "# ".
            mark = "# " if block.size >= title_size and block in content else ""
            emit(TextLine(mark + block.lines[0].text, [block.lines[0].box]))
            for line in block.lines[1:]:
                out.append(TextLine(line.text, [line.box]))  # no blank line: the same heading goes on
            continue
        if block.kind == "caption":
            # A caption on its own after a gap, the parser's sign of a picture; a paragraph it cut goes on
            # in a text line of its own after it (the parser joins the halves of a cut sentence).
            emit(TextLine(_joined(line.text for line in block.lines), [line.box for line in block.lines]), 3)
            paragraph = None
            continue
        left, right = _column_edges(block, blocks)
        if block not in content:  # the masthead: line by line, as printed
            for line in block.lines:
                emit(TextLine(line.text, [line.box]))
            continue
        for line in block.lines:
            size = line.size
            indented = line.box.x0 - left >= INDENT_EMS * size
            set_right = _set_right(line, left, right)
            if set_right and paragraph is not None and not MARKER_RE.match(line.text):
                # A byline set right under the last sentence closes that paragraph, as extractions print it.
                paragraph.text += _byline_joint(line.text) + line.text
                paragraph.boxes.append(line.box)
                ended = True
                continue
            standalone = set_right or bool(MARKER_RE.match(line.text))
            if paragraph is None or indented or standalone or ended:
                paragraph = TextLine(line.text, [line.box])
                emit(paragraph)
            else:
                paragraph.text = _joined([paragraph.text, line.text])
                paragraph.boxes.append(line.box)
            ended = standalone or right - line.box.x1 >= SHORT_LINE_EMS * size
    return out


def _column_edges(block: Block, blocks: list[Block]) -> tuple[float, float]:
    """Left and right edges of the block's column: its own, when it has lines enough to show them; else
    those of the nearest body block above or below it in the same column (one indented line does not show
    where its column starts)."""
    if len(block.lines) >= 3:
        return block.box.x0, block.box.x1
    box = block.box
    same = [
        other.box
        for other in blocks
        if other.kind == "body" and len(other.lines) >= 3 and other.box.x_overlap(box) >= 0.8 * box.width
    ]
    if not same:
        return box.x0, box.x1
    nearest = min(same, key=lambda other: max(other.top - box.bottom, box.top - other.bottom))
    return nearest.x0, nearest.x1


def _is_masthead_region(block: Block, blocks: list[Block]) -> bool:
    """A block at or above the issue line (开发区建设 … 2024年第16期) belongs to the masthead."""
    for other in blocks:
        if _is_masthead_block(other):
            return block.box.top <= other.box.bottom
    return False


def _joined(fragments) -> str:
    """Pieces of one paragraph: no separator in Chinese, a space between two Latin words."""
    out = ""
    for fragment in fragments:
        fragment = fragment.strip()
        if not fragment:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and fragment[0].isascii() and fragment[0].isalnum():
            out += " "
        out += fragment
    return out


# --- articles back on the page -----------------------------------------------------------------------

_NOT_TEXT = re.compile(r"[\W_]+")


def _grams(text: str) -> set[str]:
    letters = _NOT_TEXT.sub("", text)
    return {letters[k : k + 2] for k in range(len(letters) - 1)} or ({letters} if letters else set())


def article_regions(page: PageText, article_texts: list[str], max_rectangles: int = 6) -> list[list[Box]]:
    """For each article (its printed words), the rectangles of the page it is printed in.

    Every text line goes to the article sharing most of its words, preferring the current article and the
    next one in reading order (the parser keeps the page's order); its boxes are merged per column."""
    grams = [_grams(text) for text in article_texts]
    boxes: list[list[Box]] = [[] for _ in article_texts]
    current = 0
    lines = page.lines
    # The masthead (down to the issue line, near the top) belongs to no article.
    issue_line = next((k for k, line in enumerate(lines[:40]) if ISSUE_LINE_RE.search(line.text)), None)
    if issue_line is not None:
        lines = lines[issue_line + 1 :]
    for line in lines:
        if not line.boxes or not grams:
            continue
        mine = _grams(line.text)
        if not mine:
            continue
        shares = [len(mine & g) / len(mine) for g in grams]
        best = max(range(len(grams)), key=lambda k: (shares[k], -abs(k - current)))
        if shares[best] < 0.5:
            continue  # masthead, leftovers
        if shares[current] >= shares[best] - 0.05:
            best = current
        current = best
        boxes[best].extend(line.boxes)
    return [merge_boxes(found, max_rectangles) for found in boxes]


def merge_boxes(boxes: list[Box], limit: int = 6) -> list[Box]:
    """Boxes merged into a few rectangles: those touching in one column first, then the nearest pairs."""
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: (round(b.x0), b.top)):
        for k, other in enumerate(merged):
            near = box.top - other.bottom <= max(box.height, 4) * 3 and other.top - box.bottom <= max(box.height, 4) * 3
            if near and box.x_overlap(other) >= 0.5 * min(box.width, other.width):
                merged[k] = other.union(box)
                break
        else:
            merged.append(box)
    changed = True
    while changed:  # rectangles that grew into each other become one
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                a, b = merged[i], merged[j]
                if a.x_overlap(b) > 0 and min(a.bottom, b.bottom) - max(a.top, b.top) > 0:
                    merged[i] = a.union(b)
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    while len(merged) > limit:
        i, j = min(
            ((i, j) for i in range(len(merged)) for j in range(i + 1, len(merged))),
            key=lambda pair: (
                _area(merged[pair[0]].union(merged[pair[1]])) - _area(merged[pair[0]]) - _area(merged[pair[1]])
            ),
        )
        merged[i] = merged[i].union(merged[j])
        del merged[j]
    return merged


def _growth(a: Box, b: Box) -> float:
    """How much area merging two rectangles adds."""
    return _area(a.union(b)) - _area(a) - _area(b)


def _area(box: Box) -> float:
    return box.width * box.height
