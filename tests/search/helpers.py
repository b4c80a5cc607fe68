from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from haystack import connections
from whoosh import index as whoosh_index

from articles.models import Article
from articles.search import search
from articles.search.fields import full_text
from articles.search.whoosh_engine.internals import searcher


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


def check_index(*args) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("check_index", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def whoosh_writer():
    """A writer straight on the index files, bypassing the archive's code (what damage looks like)."""
    return whoosh_index.open_dir(str(searcher.index_path()), indexname=searcher.INDEX_NAME).writer()


def prepared(article: Article, **changes) -> dict:
    """The index document of ``article``, as it would be with ``changes`` made."""
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Article)
    article = Article.objects.visible().with_related().get(pk=article.pk)
    for name, value in changes.items():
        setattr(article, name, value)
    return backend.document(index, article)


def indexed_ids() -> list[int]:
    return sorted(ids(""))


def visible_ids() -> list[int]:
    return sorted(article.pk for article in visible())
