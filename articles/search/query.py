"""The reader's query language, parsed without Whoosh's parser (which chokes on ordinary input).

    亚宝药业 标准化厂房    words: every word must match (AND)
    "管运分离"            exact phrase: exactly this text, nothing else
    -太原  NOT 太原        exclusion
    临汾 OR 运城           either

Anything else (brackets, * ? ~ ^ : [ ] { }, a missing closing quote) is read as plain text or a
separator, never as syntax that can fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

QUOTES = {'"': '"', "＂": "＂"}
# Characters that are syntax in Whoosh or Lucene; in a word they only separate.
SEPARATORS = set("()[]{}:^~*?!+\\|&<>=;,（）【】〔〕｛｝")
NEGATIONS = {"-", "－"}
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Term:
    text: str  # as typed (whitespace collapsed)
    phrase: bool = False  # quoted: exact substring only, no aliases, no splitting

    @property
    def display(self) -> str:
        return f"“{self.text}”" if self.phrase else self.text


@dataclass
class ParsedQuery:
    groups: list[list[Term]] = field(default_factory=list)  # all groups must match; one term per group
    excluded: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was changed or ignored, for the reader

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def _lex(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Tokens as (kind, value): word, phrase, neg (a leading minus), plus whether a quote was left open."""
    tokens: list[tuple[str, str]] = []
    unclosed = False
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace() or char in SEPARATORS:
            i += 1
        elif char in QUOTES:
            end = text.find(QUOTES[char], i + 1)
            if end == -1:
                unclosed = True
                end = n
            tokens.append(("phrase", text[i + 1 : end]))
            i = end + 1
        elif char in NEGATIONS and i + 1 < n and not text[i + 1].isspace():
            tokens.append(("neg", char))
            i += 1
        else:
            j = i
            while j < n and not (text[j].isspace() or text[j] in SEPARATORS or text[j] in QUOTES):
                j += 1
            word = text[i:j].strip("-－")
            if word:
                tokens.append(("word", word))
            i = j
    return tokens, unclosed


def parse(raw: str | None) -> ParsedQuery:
    query = ParsedQuery()
    text = (raw or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        query.notes.append(f"检索词过长，只用了前 {MAX_QUERY_CHARS} 个字。")
    tokens, unclosed = _lex(text)
    if unclosed:
        query.notes.append("引号没有配对，最后一个引号之后的文字按精确短语检索。")

    negate = False
    join_next = False
    count = 0
    for kind, value in tokens:
        if kind == "neg":
            negate = True
            continue
        if kind == "word" and value == "AND":
            continue
        if kind == "word" and value == "NOT":
            negate = True
            continue
        if kind == "word" and value == "OR":
            join_next = bool(query.groups)
            continue
        value = WHITESPACE.sub(" ", value).strip()
        if not value:
            negate = False
            continue
        if count >= MAX_TERMS:
            query.notes.append(f"检索词太多，只用了前 {MAX_TERMS} 个。")
            break
        count += 1
        term = Term(value, phrase=kind == "phrase")
        if negate:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        negate = False
        join_next = False
    return query
