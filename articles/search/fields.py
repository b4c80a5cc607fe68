"""What of an article is searchable, and the haystack field kinds every engine maps to its own types
(``kfq_kind``: jieba words, character bigrams, whole values)."""

from __future__ import annotations

from haystack import indexes
from haystack.exceptions import SkipDocument


def title_text(article) -> str:
    """引题, 标题, 副题 as printed, one per line."""
    return "\n".join(part for part in (article.kicker, article.title, article.subtitle) if part)


def full_text(article) -> str:
    """Everything printed with the article: headings, dateline, byline, body, photo captions.

    Parts are separated by newlines, so a phrase never matches across two of them.
    """
    captions = [caption.text for caption in article.captions.all()]
    parts = [article.kicker, article.title, article.subtitle, article.dateline, article.byline, article.body_text]
    return "\n".join(part for part in [*parts, *captions] if part)


def prepared(backend, index, obj) -> dict | None:
    """The object's document as ``backend`` converts values (None when the index skips it)."""
    try:
        doc = index.full_prepare(obj)
    except SkipDocument:
        return None
    return {key: backend._from_python(value) for key, value in doc.items()}


class WordsField(indexes.CharField):
    """jieba search-mode words (ranking); not stored."""

    kfq_kind = "words"


class BigramField(indexes.CharField):
    """Character bigrams with positions (exact substring and phrase matching); not stored."""

    kfq_kind = "bigram"


class ExactField(indexes.CharField):
    """One whole value (facets and filters): a city, a zone, a year."""

    kfq_kind = "exact"


class ExactListField(indexes.MultiValueField):
    """Several whole values (facets and filters): authors, mentioned zones."""

    kfq_kind = "exact"
