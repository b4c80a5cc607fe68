"""The one normalisation of searched text: the query, the indexed text and highlighting all go through
``fold``, so 開發區 finds 开发区 and １６．８亿元 finds 16.8亿元.

* Traditional → simplified characters with OpenCC's ``t2s`` conversion (the official ``opencc`` package:
  a C++ converter, ~100 times faster than the pure-Python reimplementation on an article).
* Full-width → half-width letters, digits and ASCII punctuation (ＡＢ１６．８ → AB16.8), the ideographic
  space → a space, and any other character whose NFKC form is one character (⼯ Kangxi radical → 工,
  compatibility ideographs, ² → 2). A character NFKC would turn into several (…, ㎡, ½) stays as it is.

The result always has the length of the text, character for character, so that an offset in the folded
text is the same offset in the original (highlighting marks the original characters). OpenCC converts a
few phrases as a whole; should a conversion ever change the length, the text is converted one
character at a time instead.

Every document an engine indexes carries ``ANALYSIS``: an index holding documents without it was written
before this folding (or with another version of it) and must be rebuilt (``rebuild_index``), which the
system check, ``check_index`` and every search say until it is done.
"""

from __future__ import annotations

import functools
import threading
import unicodedata

import numpy as np
import opencc

# The field marking how a document's text was analysed, and this version's value: change the value
# whenever the folding (or anything else that changes indexed terms) changes.
ANALYSIS_FIELD = "kfq_analysis"
ANALYSIS = "fold1"

_converter: opencc.OpenCC | None = None
_converter_lock = threading.Lock()
# OpenCC maps a few characters to forms it converts again (薴 → 苧 → 苎); folding is repeated until
# nothing changes, so folded text folds to itself. Two rounds suffice for OpenCC 1.4.2's tables.
MAX_ROUNDS = 4


def _t2s() -> opencc.OpenCC:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


class _WidthTable(dict):
    """str.translate's table: a character's one-character NFKC form (itself when there is none),
    worked out the first time the character is met (for characters beyond the BMP)."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        value: int | str = folded if len(folded) == 1 else code
        self[code] = value
        return value


_width = _WidthTable()
_bmp_table: np.ndarray | None = None


def _bmp() -> np.ndarray:
    """Every BMP code point's one-character NFKC form as an array (built once, ~20 ms): looking up a
    whole text at once costs a tenth of str.translate's call per character."""
    global _bmp_table
    if _bmp_table is None:
        table = np.arange(0x10000, dtype="<u4")
        for code in range(0x10000):
            if not 0xD800 <= code < 0xE000:
                folded = unicodedata.normalize("NFKC", chr(code))
                if len(folded) == 1:
                    table[code] = ord(folded)
        _bmp_table = table
    return _bmp_table


def _plain_width(text: str) -> str:
    """Compatibility forms (full-width letters, digits, punctuation, ...) made plain, one for one."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if int(codes.max()) >= 0x10000:  # beyond the BMP (rare in this archive): character by character
        return text.translate(_width)
    return _bmp()[codes].tobytes().decode("utf-32-le", "surrogatepass")


def convert_keeping_length(converter: opencc.OpenCC, text: str) -> str:
    """``converter``'s conversion of ``text``; if a phrase conversion changed the length, ``text``
    converted one character at a time instead (a character whose conversion is not one character, or a
    lone surrogate, which has no UTF-8 form for OpenCC, stays as it is)."""
    try:
        converted = converter.convert(text)
    except UnicodeEncodeError:
        converted = ""
    if len(converted) == len(text):
        return converted
    return "".join(_convert_one(converter, char) for char in text)


def _convert_one(converter: opencc.OpenCC, char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return char
    single = converter.convert(char)
    return single if len(single) == 1 else char


def prepare() -> None:
    """The converter and the width table made now (gunicorn's master, before the workers fork)."""
    _t2s()
    _bmp()


@functools.lru_cache(maxsize=32)  # an article's text is folded for each of its fields in turn
def fold(text: str) -> str:
    """``text`` with traditional characters simplified and compatibility forms (full-width letters,
    digits, punctuation) made plain; the same length, character for character."""
    if not text:
        return text
    if not unicodedata.is_normalized("NFKC", text):
        text = _plain_width(text)
    for _ in range(MAX_ROUNDS):
        converted = convert_keeping_length(_t2s(), text)
        if converted == text:
            break
        text = converted
    return text
