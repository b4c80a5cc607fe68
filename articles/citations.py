"""How an article is cited: GB/T 7714-2015 (online form), RIS and BibTeX records, Highwire meta tags.

One set of facts per article, taken from the record (unknown stays unknown: no invented date or page),
written out in each reference manager's format. Zotero reads the Highwire ``citation_*`` tags of the
article page and imports RIS and BibTeX files.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .browse import display_title
from .models import Article

PAPER = "科学导报·开发区建设专刊"
PUBLISHER = "科学导报社"


@dataclass(frozen=True)
class CitationFacts:
    pk: int
    title: str
    authors: list[str]
    date: datetime.date | None
    year: int | None
    issue_number: int | None
    page_label: str
    url: str  # absolute


def facts(article: Article, url: str) -> CitationFacts:
    """The facts of ``article`` (with ``url`` the absolute address of its page)."""
    issue = article.page.issue
    title = article.title or display_title(article)
    if article.subtitle:
        title = f"{title}: {article.subtitle}"
    return CitationFacts(
        pk=article.pk,
        title=title,
        authors=article.author_names(),
        date=issue.date if issue else None,
        year=(issue.date.year if issue and issue.date else issue.year if issue else None) or None,
        issue_number=issue.number if issue else None,
        page_label=article.page.label,
        url=url,
    )


def gbt7714(found: CitationFacts, accessed: datetime.date) -> str:
    """责任者. 题名[N/OL]. 报纸名, 出版日期(版次)[引用日期]. 获取和访问路径. (GB/T 7714-2015, 8.1.4 and 8.8.2)"""
    names = found.authors
    authors = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
    if found.date:
        when = found.date.isoformat()
    elif found.year and found.issue_number:
        when = f"{found.year}年第{found.issue_number}期"
    elif found.year:
        when = str(found.year)
    else:
        when = "出版日期不详"
    page = f"({found.page_label})" if found.page_label else ""
    head = f"{authors}. " if authors else ""
    return f"{head}{found.title}[N/OL]. {PAPER}, {when}{page}[{accessed.isoformat()}]. {found.url}"


def ris(found: CitationFacts) -> str:
    """An RIS record (TY NEWS), lines ending in CRLF as the format asks."""
    lines = [("TY", "NEWS"), ("TI", found.title)]
    lines += [("AU", name) for name in found.authors]
    lines.append(("T2", PAPER))
    if found.date:
        lines.append(("DA", found.date.strftime("%Y/%m/%d")))
    if found.year:
        lines.append(("PY", str(found.year)))
    if found.issue_number:
        lines.append(("IS", str(found.issue_number)))
    if found.page_label:
        lines.append(("SP", found.page_label))
    lines += [("PB", PUBLISHER), ("LA", "zh"), ("UR", found.url), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def _braced(value: str) -> str:
    """A BibTeX field value: braces kept balanced, the characters BibTeX treats specially escaped."""
    value = value.replace("\\", "").replace("{", "(").replace("}", ")")
    for char in "&%$#_":
        value = value.replace(char, "\\" + char)
    return "{" + value + "}"


def bibtex(found: CitationFacts) -> str:
    """A BibTeX entry (@article in a newspaper, as Zotero writes one), keyed kfq<id>."""
    fields = [("title", found.title)]
    if found.authors:
        fields.append(("author", " and ".join(found.authors)))
    fields.append(("journal", PAPER))
    if found.year:
        fields.append(("year", str(found.year)))
    if found.date:
        fields += [("month", str(found.date.month)), ("date", found.date.isoformat())]
    if found.issue_number:
        fields.append(("number", str(found.issue_number)))
    if found.page_label:
        fields.append(("pages", found.page_label))
    fields += [("publisher", PUBLISHER), ("language", "chinese"), ("url", found.url)]
    body = ",\n".join(f"  {name} = {_braced(value)}" for name, value in fields)
    return f"@article{{kfq{found.pk},\n{body}\n}}\n"


def highwire(found: CitationFacts) -> list[tuple[str, str]]:
    """(name, content) of the ``citation_*`` meta tags Zotero and Google Scholar read."""
    tags = [("citation_title", found.title)]
    tags += [("citation_author", name) for name in found.authors]
    if found.date:
        tags.append(("citation_date", found.date.strftime("%Y/%m/%d")))
    elif found.year:
        tags.append(("citation_date", str(found.year)))
    tags.append(("citation_journal_title", PAPER))
    if found.issue_number:
        tags.append(("citation_issue", str(found.issue_number)))
    if found.page_label:
        tags.append(("citation_firstpage", found.page_label))
    tags += [("citation_publisher", PUBLISHER), ("citation_language", "zh"), ("citation_public_url", found.url)]
    return tags
