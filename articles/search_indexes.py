"""The search index of articles (haystack); only articles readers may see are indexed."""

from __future__ import annotations

import datetime

from haystack import indexes

from .models import Article
from .search import BigramField, ExactField, ExactListField, WordsField, full_text, title_text


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Ranking: jieba words; the title counts four times the body, kicker and subtitle twice.
    text = WordsField(document=True)
    title = WordsField(boost=4.0)
    headings = WordsField(boost=2.0, null=True)
    # Matching: character bigrams, so "exact phrase" means exactly that substring.
    fulltext_grams = BigramField()
    title_grams = BigramField(null=True)
    author_grams = BigramField(null=True)
    # Facets and filters: whole values.
    authors = ExactListField(null=True)
    zone = ExactField(null=True)
    zones = ExactListField(null=True)
    city = ExactField(null=True)
    kind = ExactField(null=True)
    year = ExactField(null=True)
    issue = ExactField(null=True)
    date = indexes.DateField(null=True)
    # Date order: issue date (or year), then page and position.
    sort_date = indexes.IntegerField()
    sort_seq = indexes.IntegerField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.visible().with_related()

    def read_queryset(self, using=None):
        return Article.objects.visible().with_related()

    def prepare_text(self, article):
        return full_text(article)

    def prepare_title(self, article):
        return article.title or ""

    def prepare_headings(self, article):
        return "\n".join(part for part in (article.kicker, article.subtitle) if part) or None

    def prepare_fulltext_grams(self, article):
        return full_text(article)

    def prepare_title_grams(self, article):
        return title_text(article) or None

    def prepare_author_grams(self, article):
        return "\n".join(article.author_names()) or None

    def prepare_authors(self, article):
        return article.author_names() or None

    def prepare_zone(self, article):
        return article.zone.name if article.zone else None

    def prepare_zones(self, article):
        return [zone.name for zone in article.zones.all()] or None

    def prepare_city(self, article):
        return article.city.short if article.city else None

    def prepare_kind(self, article):
        return article.zone.kind if article.zone else None

    def prepare_year(self, article):
        issue = article.page.issue
        return str(issue.year) if issue and issue.year else None

    def prepare_issue(self, article):
        issue = article.page.issue
        return issue.label if issue else None

    def prepare_date(self, article):
        issue = article.page.issue
        return issue.date if issue else None

    def prepare_sort_date(self, article):
        issue = article.page.issue
        if issue and issue.date:
            return issue.date.toordinal()
        if issue and issue.year:
            return datetime.date(issue.year, 1, 1).toordinal() + (issue.number or 0)
        return 0

    def prepare_sort_seq(self, article):
        return article.page_id * 1000 + article.position
