"""A result set as a file: CSV for spreadsheets, RIS and BibTeX for reference managers.

The RIS and BibTeX records are the ones an article's own citation files hold (``citations``); the CSV
has one row per article with what a list of results shows. Unknown stays unknown: an empty cell, a
field left out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

from django.db.models import Prefetch

from . import citations
from .models import Article, ArticleAuthor
from .records import printed_on

EXPORT_LIMIT = 1000  # results an export holds at most: the first, in the search's order
CSV_COLUMNS = ("id", "title", "subtitle", "authors", "date", "issue", "page", "zone", "city", "url")
AUTHOR_SEPARATOR = "、"  # as the site lists names; a name never holds it


def articles_in_order(ids: list[int]) -> list[Article]:
    """The visible articles of ``ids`` in that order, with what a record reads, in two queries (an
    article hidden since it was indexed is left out)."""
    found = (
        Article.objects.visible()
        .filter(pk__in=ids)
        .select_related("page__issue", "zone", "city")
        .defer("paragraphs", "warnings", "page__raw_bytes", "page__raw_text", "page__masthead", "page__leftovers")
        .prefetch_related(Prefetch("authorships", ArticleAuthor.objects.select_related("author")))
    )
    by_id = {article.pk: article for article in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def csv_text(articles: Iterable[Article], url_of: Callable[[Article], str]) -> str:
    """A header row and one row per article; with a BOM, so that Excel reads the UTF-8 as such."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)  # rows end in CRLF, as RFC 4180 has it
    writer.writerow(CSV_COLUMNS)
    for article in articles:
        issue = article.page.issue
        writer.writerow(
            (
                article.pk,
                article.title,
                article.subtitle,
                AUTHOR_SEPARATOR.join(article.author_names()),
                printed_on(article) or "",
                issue.label if issue else "",
                article.page.label,
                article.zone.name if article.zone else "",
                article.city.short if article.city else "",
                url_of(article),
            )
        )
    return out.getvalue()


def ris_text(articles: Iterable[Article], url_of: Callable[[Article], str]) -> str:
    """Every article's RIS record, one after the other (nothing at all for none)."""
    return "".join(citations.ris(citations.facts(article, url_of(article))) for article in articles)


def bibtex_text(articles: Iterable[Article], url_of: Callable[[Article], str]) -> str:
    """Every article's BibTeX entry, a blank line between them."""
    return "\n".join(citations.bibtex(citations.facts(article, url_of(article))) for article in articles)


# extension → (name shown, writer, Content-Type)
FORMATS = {
    "csv": ("CSV", csv_text, "text/csv; charset=utf-8"),
    "ris": ("RIS", ris_text, "application/x-research-info-systems; charset=utf-8"),
    "bib": ("BibTeX", bibtex_text, "application/x-bibtex; charset=utf-8"),
}


def file_name(words: list[str], today: str, extension: str) -> str:
    """kfq-search-<what was searched>-<day>.<extension>: letters and digits of the words (Chinese
    included), at most 40 characters of them, anything else as a hyphen."""
    what = re.sub(r"\W+", "-", " ".join(words)).strip("-_")[:40].strip("-_")
    return "-".join(part for part in ("kfq-search", what, today) if part) + f".{extension}"
