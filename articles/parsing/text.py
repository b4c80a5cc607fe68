"""Character-level clean-up of text pulled out of newspaper PDFs."""

from __future__ import annotations

import re
import unicodedata

CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK_CHARS}]")
# Full-width punctuation that sits among Chinese text.
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～■"
_CJKISH = f"{CJK_CHARS}{CJK_PUNCT}"
_CJKISH_RE = re.compile(f"[{_CJKISH}]")

SENTENCE_END_RE = re.compile(r"[。！？!?…]+[”’」』）)]*$")
# A line that closes a clause firmly enough that a new paragraph may follow it.
CLAUSE_END_RE = re.compile(r"(?:[。！？!?…；;：:]+[”’」』）)]*)$")

# Founder-font artifacts: 姻 prints for the ■ before a credit, 伊 for × between numbers.
FOUNDER_SQUARE_RE = re.compile(f"(?:^|(?<=[\\s。！？”]))姻(?=\\s|[{CJK_CHARS}]{{2,4}}摄)", re.MULTILINE)
FOUNDER_TIMES_RE = re.compile(r"(?<=\d)\s*伊\s*(?=\d)")

_SPACE_RE = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")
_ALNUM = "A-Za-z0-9%+.·"
_SPACE_BETWEEN_CJK_AND_ASCII = re.compile(f"(?<=[{_CJKISH}])[ ]+(?=[{_ALNUM}])|(?<=[{_ALNUM}])[ ]+(?=[{_CJKISH}])")
# Quotes and dashes keep their spaces: titles use them as separators ("“延链”“补链” 做强…").
_TIGHT_PUNCT = "，。、；：？！（）《》〈〉【】「」『』…·～■"
_SPACE_NEXT_TO_CJK_PUNCT = re.compile(f"[ ]+(?=[{_TIGHT_PUNCT}])|(?<=[{_TIGHT_PUNCT}])[ ]+")
# A number whose digits the extraction printed one by one: "2 0 2 3 年", "1 6 . 8 亿元".
_SPACED_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z.])[0-9](?: [0-9.%])+(?![0-9A-Za-z])")
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_PUNCT_RE = re.compile(r"(?:(?<=(.))|^)([,;:?!])(?=(.|$))")  # a line may start with one: a column cut
_PAREN_PAIR_RE = re.compile(r"\(([^()\n]{0,40})\)")


def is_cjk(char: str) -> bool:
    return bool(CJK_RE.match(char))


def count_cjk(text: str) -> int:
    return len(CJK_RE.findall(text))


def display_width(text: str) -> float:
    """Width in em as typeset: Chinese characters and full-width punctuation 1, ASCII half, spaces none."""
    width = 0.0
    for char in text:
        if char.isspace():
            continue
        width += 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5
    return width


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END_RE.search(text.rstrip()))


def ends_clause(text: str) -> bool:
    return bool(CLAUSE_END_RE.search(text.rstrip()))


def repair_founder_artifacts(text: str) -> str:
    text = FOUNDER_SQUARE_RE.sub("■", text)
    return FOUNDER_TIMES_RE.sub("×", text)


def _fullwidth_punct(match: re.Match[str]) -> str:
    before, mark, after = match.group(1) or "", match.group(2), match.group(3)
    if before.isdigit() and after.isdigit():
        return mark  # 10:30, 12,000
    if _CJKISH_RE.match(before) or _CJKISH_RE.match(after or "") or (before == "%" and after):
        if mark == ":" and after == "/":
            return mark  # a URL scheme
        return _HALF_TO_FULL[mark]
    return mark


def _fullwidth_parens(match: re.Match[str]) -> str:
    inner = match.group(1)
    start, end = match.start(), match.end()
    text = match.string
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if CJK_RE.search(inner) or is_cjk(before or " ") or is_cjk(after or " "):
        return f"（{inner}）"
    return match.group(0)


def normalize_inline(text: str) -> str:
    """Clean one line or paragraph: artifacts, spaces around numbers, half-width punctuation.

    Spaces between two Chinese characters are kept: titles use them as separators.
    """
    text = unicodedata.normalize("NFC", text)
    text = repair_founder_artifacts(text)
    text = _SPACE_RE.sub(" ", text).strip()
    text = _SPACED_NUMBER_RE.sub(lambda match: match.group().replace(" ", ""), text)
    text = _SPACE_BETWEEN_CJK_AND_ASCII.sub("", text)
    text = _PAREN_PAIR_RE.sub(_fullwidth_parens, text)
    text = _HALF_PUNCT_RE.sub(_fullwidth_punct, text)
    text = _SPACE_NEXT_TO_CJK_PUNCT.sub("", text)
    return text


def join_fragments(fragments: list[str]) -> str:
    """Join pieces of one paragraph broken by narrow columns (no separator in Chinese)."""
    out = ""
    for fragment in fragments:
        fragment = fragment.strip()
        if not fragment:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and fragment[0].isascii() and fragment[0].isalpha():
            out += " "
        out += fragment
    # A line break between the numbers hid a 伊 (×) from the repair of each line: 7伊 | 24; and a pair of
    # half-width brackets from their conversion: 山西省( | 环渤海).
    out = FOUNDER_TIMES_RE.sub("×", out)
    return _PAREN_PAIR_RE.sub(_fullwidth_parens, out) if "(" in out else out
