"""manage.py export_articles — articles as JSON Lines, one article per line."""

import json

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.records import article_record


class Command(BaseCommand):
    help = "导出文章（JSON Lines）/ Export articles as JSON Lines (visible ones unless --all)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--all", action="store_true", help="include unpublished articles")

    def handle(self, *args, output: str | None, all: bool, **options):
        articles = Article.objects.all() if all else Article.objects.visible()
        articles = articles.with_related()
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                count = self._write(articles, handle)
            self.stderr.write(f"{count} articles → {output}")
        else:
            self._write(articles, self.stdout)

    def _write(self, articles, handle) -> int:
        count = 0
        for article in articles.iterator(chunk_size=200):
            # The parser's doubts too (an empty list when it had none): for checking an archive offline.
            record = article_record(article) | {"warnings": list(article.warnings)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
