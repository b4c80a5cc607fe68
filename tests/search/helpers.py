from collections import Counter

from articles.models import Article
from articles.search import search
from articles.search.fields import full_text


def ids(q, **kwargs) -> list[int]:
    result = search(q, per_page=1000, **kwargs)
    assert result.count == len(result.hits)
    return [hit.article.pk for hit in result.hits]


def visible() -> list[Article]:
    return list(Article.objects.visible().with_related())


def containing(phrase: str) -> set[int]:
    """The database's answer: visible articles whose printed text contains ``phrase``."""
    return {article.pk for article in visible() if phrase.lower() in full_text(article).lower()}


def facet_values(article: Article) -> dict[str, list[str]]:
    issue = article.page.issue
    return {
        "city": [article.city.short] if article.city else [],
        "zone": [article.zone.name] if article.zone else [],
        "kind": [article.zone.kind] if article.zone else [],
        "year": [str(issue.year)] if issue and issue.year else [],
        "issue": [issue.label] if issue else [],
        "author": article.author_names(),
    }


def db_facets(article_ids: set[int]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {}
    for article in visible():
        if article.pk in article_ids:
            for name, values in facet_values(article).items():
                counts.setdefault(name, Counter()).update(values)
    return {name: dict(counter) for name, counter in counts.items()}
