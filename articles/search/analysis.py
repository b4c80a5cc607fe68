"""Tokenizers for Chinese: jieba words (for ranking) and character bigrams (for exact matching).

The Whoosh engine's tokenizers (``whoosh_engine.analyzers``) cut text with these rules, after folding it
(``folding.fold``: traditional → simplified, full-width → half-width) as queries are folded here.

The jieba dictionary is a private ``jieba.Tokenizer`` (not jieba's global one) extended with the
gazetteer (zones, their printed aliases and place names, cities, counties) and the names seen at
ingest (authors, discovered zones), so 风陵渡经济开发区 stays one word and 风陵渡 is one of its parts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator

import jieba

from .folding import fold

jieba.setLogLevel(logging.WARNING)
log = logging.getLogger(__name__)

# A token worth indexing has at least one letter, digit or CJK character (no bare punctuation).
WORDLIKE = re.compile(r"\w")

_lock = threading.RLock()
_jieba: jieba.Tokenizer | None = None
_from_db = False  # the archive's words were read from the database (not only the CSV files)
_known_words: set[str] = set()


def dictionary_words() -> tuple[set[str], bool]:
    """Words the archive knows as whole names, and whether they came from the database.

    Without a database (e.g. before migrate) the reference CSV files stand in.
    """
    from ..parsing.gazetteer import Gazetteer, place_of

    words: set[str] = set()
    from_db = True
    try:
        from ..gazetteer_db import gazetteer_from_db
        from ..models import Author

        gazetteer = gazetteer_from_db()
        words.update(Author.objects.values_list("name", flat=True))
        if not gazetteer.zones:
            raise LookupError("the database has no zones yet")
    except Exception:
        log.debug("search dictionary: database unavailable, using the reference CSV files", exc_info=True)
        gazetteer = Gazetteer.from_csv()
        from_db = False
    for city in gazetteer.cities:
        words.update((city.name, city.short))
    for county in gazetteer.counties:
        words.add(county.name)
        if len(county.short) >= 2:
            words.add(county.short)
    for zone in gazetteer.zones:
        words.update(gazetteer.aliases_of(zone.name))
        if zone.short:
            words.add(zone.short)
        split = place_of(zone.name)
        if split:
            words.add(split[0])
    return {word.strip() for word in words if len(word.strip()) >= 2}, from_db


def segmenter() -> jieba.Tokenizer:
    """The process's jieba tokenizer with the archive's dictionary (built on first use; slow, so once)."""
    global _jieba, _from_db
    if _jieba is not None and _from_db:
        return _jieba
    with _lock:
        if _jieba is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _jieba = tokenizer
        if not _from_db:  # first use, or the database was not there last time: (re)read it
            words, _from_db = dictionary_words()
            for word in sorted(words - _known_words):
                _jieba.add_word(word)
                _known_words.add(word)
        return _jieba


def add_words(words: Iterable[str]) -> None:
    """Teach the dictionary new names (authors, zones) before articles that use them are indexed."""
    fresh = {word.strip() for word in words if word and len(word.strip()) >= 2} - _known_words
    if not fresh:
        return
    tokenizer = segmenter()
    with _lock:
        for word in sorted(fresh):
            tokenizer.add_word(word)
            _known_words.add(word)


def mark_stale() -> None:
    """The database may know new names (another process ingested): read them on next use."""
    global _from_db
    _from_db = False


def reset_dictionary() -> None:
    """Forget the dictionary (e.g. after zones are renamed); rebuilt on next use."""
    global _jieba, _from_db
    with _lock:
        _jieba = None
        _from_db = False
        _known_words.clear()


# jieba's dictionary counts words in a large general corpus (total ~60 million); a word seen fewer
# times than this is a name or a term (亚宝 3, 紫光 49), not a common word (药业 360, 厂房 309).
COMMON_WORD_FREQ = 100


def is_distinctive(word: str) -> bool:
    """A name the archive knows, or a word too rare in general Chinese to be a common word."""
    tokenizer = segmenter()
    return word in _known_words or tokenizer.FREQ.get(word, 0) < COMMON_WORD_FREQ


# jieba's time grows with the square of an unbroken run's length (a page of one 700,000-character run
# never finished indexing); text reaches it in pieces of at most this many characters.
MAX_PIECE = 400
# What jieba itself treats as one run (its re_han_default); any other character is a cut it makes anyway.
_RUN_CHARACTER = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")


def bounded_pieces(text: str, limit: int = MAX_PIECE) -> Iterator[tuple[int, str]]:
    """``text`` as (offset, piece) with pieces of at most ``limit`` characters, cut after a character
    jieba splits at anyway (punctuation, space) where the window has one, else at ``limit``: ordinary
    text is segmented exactly as whole, and no run costs more than a bounded piece."""
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = next(
            (i + 1 for i in range(end - 1, start + limit // 2 - 1, -1) if not _RUN_CHARACTER.match(text[i])), end
        )
        yield start, text[start:cut]
        start = cut
    if start < len(text) or not text:
        yield start, text[start:]


def words(text: str) -> list[str]:
    """Precise-mode words of ``text`` folded, lowercased, punctuation and spaces dropped (for queries)."""
    cut = segmenter().lcut
    return [word.lower() for _, piece in bounded_pieces(fold(text)) for word in cut(piece) if WORDLIKE.search(word)]


def search_words(text: str) -> list[str]:
    """Search-mode words: each word and its dictionary sub-words (风陵渡经济开发区 → 风陵渡, 经济, ...)."""
    cut = segmenter().lcut_for_search
    return [word.lower() for _, piece in bounded_pieces(fold(text)) for word in cut(piece) if WORDLIKE.search(word)]


def bigrams(text: str) -> list[str]:
    """The bigram field's terms for a query string (same rules as indexing)."""
    text = fold(text).lower()
    return [text[offset : offset + 2] for offset in range(len(text) - 1)] if len(text) > 1 else [text]
