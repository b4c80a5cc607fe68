"""The Whoosh tokenizers of the archive's fields: jieba words (for ranking) and character bigrams (for
exact matching), cut by ``analysis``'s rules from the folded text (``folding.fold``: the same length as
the value, so character ranges are the value's own).

jieba's own ``ChineseAnalyzer`` gives every token its character offset as its position, so Whoosh
phrase queries never match; the tokenizers here number positions 0, 1, 2 ... as Whoosh expects.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import LowercaseFilter, Token, Tokenizer

from ..analysis import WORDLIKE, bounded_pieces, segmenter
from ..folding import fold


class _PieceTokenizer(Tokenizer):
    """Whoosh's tokenizer protocol around ``pieces(value)``: (text, start, end, position) tuples, the
    position counted from 0. Untokenized, the whole value is one token."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def pieces(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        raise NotImplementedError

    def query_pieces(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        """The pieces of a query string (Whoosh's query parser, e.g. haystack's); as indexed unless overridden."""
        return self.pieces(value)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            pieces = [(value, 0, len(value), 0)]
        else:
            pieces = self.query_pieces(value) if mode == "query" else self.pieces(value)
        for text, start, end, position in pieces:
            token.original = token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class JiebaTokenizer(_PieceTokenizer):
    """jieba search-mode words with sequential positions (0, 1, 2 ...) and real character ranges."""

    def pieces(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        tokenize = segmenter().tokenize
        words = (
            (word, offset + start, offset + end)
            for offset, piece in bounded_pieces(fold(value))
            for word, start, end in tokenize(piece, mode="search")
            if WORDLIKE.search(word)
        )
        for position, (word, start, end) in enumerate(words):
            yield word, start, end, position


class BigramTokenizer(_PieceTokenizer):
    """Every character position's two-character window (the last character alone), position = offset.

    A phrase is then a run of consecutive bigrams: a Whoosh phrase query on this field matches exactly
    the texts that contain the phrase as a substring, whatever jieba would make of it.
    """

    def pieces(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        value = fold(value)
        for offset in range(len(value)):
            gram = value[offset : offset + 2]
            if not gram.isspace():
                yield gram, offset, offset + len(gram), offset

    def query_pieces(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        # A phrase is its bigrams only: the last character alone is indexed only at the end of a value, so a
        # phrase query ending with it would match nowhere else (as ``analysis.bigrams``, for the service's queries).
        pieces = list(self.pieces(value))
        if len(pieces) > 1 and len(pieces[-1][0]) == 1:
            pieces.pop()
        return iter(pieces)


def JiebaAnalyzer():
    return JiebaTokenizer() | LowercaseFilter()


def BigramAnalyzer():
    return BigramTokenizer() | LowercaseFilter()
