"""Hits as readers see them, whatever the engine: the articles loaded from the database in the engine's
order, each with its title and a snippet highlighted where the query's forms occur, and which forms
it contains (exact ones first; ``partial`` when only parts of a word).

Forms are found in the folded text (``folding.fold``: 開發區 finds 开发区, １６．８ finds 16.8), which has
the original's length character for character: the marks go around the original characters.
"""

from __future__ import annotations

from django.utils.html import escape

from .contract import Hit, TermPlan, normalise
from .fields import full_text, title_text
from .folding import fold

SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120


def load_hits(ids: list[int], plans: list[TermPlan], field_name: str) -> list[Hit]:
    from django.db.models import Prefetch

    from ..models import Article, ArticleAuthor

    # What a hit shows (title, zone, city, issue, authors, captions in the text): three queries.
    found = (
        Article.objects.visible()
        .filter(pk__in=ids)
        .select_related("page__issue", "zone", "city")
        .prefetch_related("captions", Prefetch("authorships", ArticleAuthor.objects.select_related("author")))
    )
    articles = {article.pk: article for article in found}
    hits = []
    for pk in ids:
        article = articles.get(pk)
        if article is None:  # hidden since it was indexed; the next sync removes it
            continue
        hits.append(make_hit(article, plans, field_name))
    return hits


def make_hit(article, plans: list[TermPlan], field_name: str) -> Hit:
    if field_name == "author":
        searched = "\n".join(article.author_names())
    elif field_name == "title":
        searched = title_text(article)
    else:
        searched = full_text(article)
    haystack = normalise(searched)  # once per hit, not once per form
    matched: list[str] = []
    partial = False
    for plan in plans:
        exact = [form for form in plan.exact if normalise(form) in haystack]
        if exact:
            matched.extend(exact)
            continue
        parts = [part for part in plan.parts if normalise(part) in haystack]
        if parts:
            partial = True
            matched.extend(parts)
    forms = list(dict.fromkeys(matched))
    body = article.body_text or full_text(article)
    return Hit(
        article=article,
        title_html=highlight(article.title or "", forms) if article.title else "",
        snippet_html=snippet(body, forms),
        matched=forms,
        partial=partial,
    )


def _comparable(text: str) -> str:
    """``text`` folded and lowercased, offset for offset (lowercasing that changes a length is skipped)."""
    folded = fold(text)
    lowered = folded.lower()
    return lowered if len(lowered) == len(folded) else folded


def _spans(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``forms`` in ``text`` (folded, case-insensitive), longest form first;
    offsets in ``text`` itself."""
    wanted = sorted({_comparable(f) for f in forms if f.strip()}, key=len, reverse=True)
    if not wanted:  # nothing to mark (browsing without words): the text need not be folded
        return []
    lowered = _comparable(text)
    taken = [False] * len(text)
    spans = []
    for form in wanted:
        start = lowered.find(form)
        while start != -1:
            end = start + len(form)
            if not any(taken[start:end]):
                spans.append((start, end))
                for index in range(start, end):
                    taken[index] = True
            start = lowered.find(form, start + 1)
    return sorted(spans)


def highlight(text: str, forms: list[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of ``forms`` in <mark>."""
    out, last = [], 0
    for start, end in _spans(text, forms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(text: str, forms: list[str]) -> str:
    """About SNIPPET_LENGTH characters around the first match (or the start), escaped and marked."""
    text = " ".join(text.split())
    spans = _spans(text, forms)
    begin = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    end = min(len(text), begin + SNIPPET_LENGTH)
    piece = text[begin:end]
    return ("…" if begin else "") + highlight(piece, forms) + ("…" if end < len(text) else "")
