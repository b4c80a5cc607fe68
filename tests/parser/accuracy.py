"""Score what the parser read from a generated page against the page's gold.

    scores = score(page, parse_page(page.text))
    table = summarize([scores, ...])

Each gold article is matched with at most one parsed article: first by equal titles, then by body overlap
(the share of the gold body's character bigrams found in the parsed body, at least MIN_OVERLAP). An article
not matched is not found, and every field of it counts as wrong.

Texts are compared after whitespace normalisation (all white space removed: a title printed on two lines
may be joined with or without a space); punctuation is compared as is, so a half-width comma left in a
body is an error. Authors are compared as a multiset (order aside).

CORE_FIELDS make an article right or wrong; EXTRA_FIELDS are reported beside them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .generator import GeneratedPage, GoldArticle

CORE_FIELDS = ("found", "title", "zone", "city", "authors", "body")
EXTRA_FIELDS = ("kicker", "subtitle", "paragraph_kinds", "body_text", "captions", "continuation")
FIELDS = CORE_FIELDS + EXTRA_FIELDS
MIN_OVERLAP = 0.5

_WHITE = re.compile(r"\s+")
_NOT_TEXT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")


def canon(text: str | None) -> str:
    """Whitespace-normalised text; None and empty are the same."""
    return _WHITE.sub("", text or "")


def _bigrams(text: str) -> Counter:
    chars = _NOT_TEXT.sub("", text)
    return Counter(chars[k : k + 2] for k in range(len(chars) - 1))


def overlap(gold_body: str, parsed_body: str) -> float:
    """Share of the gold body's bigrams that the parsed body holds."""
    wanted = _bigrams(gold_body)
    if not wanted:
        return 0.0
    return sum((wanted & _bigrams(parsed_body)).values()) / sum(wanted.values())


def _parsed_body(article: Any) -> str:
    return "\n".join(p.text for p in article.paragraphs)


def match(gold: list[GoldArticle], parsed: list[Any]) -> dict[int, int]:
    """Gold index -> parsed index, one to one: equal titles first, then the largest body overlaps."""
    pairs = []
    for g, gold_article in enumerate(gold):
        for p, parsed_article in enumerate(parsed):
            same_title = bool(gold_article.title) and canon(gold_article.title) == canon(parsed_article.title)
            share = overlap(gold_article.body, _parsed_body(parsed_article))
            if same_title or share >= MIN_OVERLAP:
                pairs.append((not same_title, -share, g, p))
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, g, p in sorted(pairs):
        if g not in matched and p not in taken:
            matched[g] = p
            taken.add(p)
    return matched


def fields(gold: GoldArticle, parsed: Any) -> dict[str, bool]:
    """Which fields the parser got right for one matched article."""
    got_paragraphs = [canon(p.text) for p in parsed.paragraphs]
    want_paragraphs = [canon(p) for p in gold.paragraphs]
    return {
        "found": True,
        "title": canon(parsed.title) == canon(gold.title),
        "zone": parsed.zone == gold.zone,
        "city": parsed.city == gold.city,
        "authors": sorted(parsed.authors) == sorted(gold.authors),
        "body": got_paragraphs == want_paragraphs,
        "kicker": canon(parsed.kicker) == canon(gold.kicker),
        "subtitle": canon(parsed.subtitle) == canon(gold.subtitle),
        "paragraph_kinds": got_paragraphs == want_paragraphs
        and [p.kind for p in parsed.paragraphs] == list(gold.kinds),
        "body_text": "".join(got_paragraphs) == "".join(want_paragraphs),
        "captions": sorted(canon(c.text) for c in parsed.captions) == sorted(canon(c.text) for c in gold.captions),
        "continuation": (parsed.continued_from, parsed.continued_to) == (gold.continued_from, gold.continued_to),
    }


def score(page: GeneratedPage, parsed: Any) -> dict[str, Any]:
    """Per-article field correctness for one page. ``parsed`` is a ParsedPage, or None if the parser raised.

    Returns {"articles": [{"features", "found", "fields", "right", "warned", "parsed"}...],
             "spurious": [{"warned"}...] (parsed articles matched with no gold one), "crashed": bool}.
    An article is right when every CORE field is; it is warned when the parsed article (for one not found:
    the parsed article holding most of its body) carries a warning, or the page does.
    """
    if parsed is None:
        articles = [
            {
                "features": sorted(g.features),
                "found": False,
                "fields": dict.fromkeys(FIELDS, False),
                "right": False,
                "warned": False,
                "parsed": None,
            }
            for g in page.gold
        ]
        return {"articles": articles, "spurious": [], "crashed": True}
    matched = match(page.gold, parsed.articles)
    page_warned = bool(parsed.warnings)
    out = []
    for g, gold in enumerate(page.gold):
        if g in matched:
            article = parsed.articles[matched[g]]
            result = fields(gold, article)
            position = matched[g]
        else:
            result = dict.fromkeys(FIELDS, False)
            shares = [overlap(gold.body, _parsed_body(a)) for a in parsed.articles]
            position = max(range(len(shares)), key=shares.__getitem__) if shares and max(shares) > 0 else None
            article = parsed.articles[position] if position is not None else None
        warned = page_warned or bool(article is not None and article.warnings)
        out.append(
            {
                "features": sorted(gold.features),
                "found": g in matched,
                "fields": result,
                "right": all(result[f] for f in CORE_FIELDS),
                "warned": warned,
                "parsed": position,
            }
        )
    taken = set(matched.values())
    spurious = [{"warned": page_warned or bool(a.warnings)} for p, a in enumerate(parsed.articles) if p not in taken]
    return {"articles": out, "spurious": spurious, "crashed": False}


def _rates(rows: list[dict[str, Any]]) -> dict[str, float]:
    n = len(rows)
    rates = {f: sum(r["fields"][f] for r in rows) / n for f in FIELDS}
    rates["right"] = sum(r["right"] for r in rows) / n
    return rates


def summarize(scores: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Overall and per-feature field accuracy, and how often wrong and right articles carry a warning."""
    scores = list(scores)
    rows = [row for s in scores for row in s["articles"]]
    spurious = [row for s in scores for row in s["spurious"]]
    wrong = [r for r in rows if not r["right"]]
    right = [r for r in rows if r["right"]]
    per_feature: dict[str, dict[str, float]] = {}
    counts: Counter = Counter(f for r in rows for f in r["features"])
    for feature in sorted(counts):
        having = [r for r in rows if feature in r["features"]]
        per_feature[feature] = {"n": len(having), **_rates(having)}
    return {
        "pages": len(scores),
        "articles": len(rows),
        "crashed_pages": sum(s["crashed"] for s in scores),
        "spurious_articles": len(spurious),
        "overall": _rates(rows) if rows else {},
        "per_feature": per_feature,
        "wrong_articles": len(wrong),
        "wrong_warned": sum(r["warned"] for r in wrong) / len(wrong) if wrong else 0.0,
        "right_articles": len(right),
        "right_warned": sum(r["warned"] for r in right) / len(right) if right else 0.0,
        "spurious_warned": sum(r["warned"] for r in spurious) / len(spurious) if spurious else 0.0,
    }
