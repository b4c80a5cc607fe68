"""manage.py reparse [--page ID ...] — run the current parser again on stored pages."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Page
from articles.services.ingest import reparse_page


class Command(BaseCommand):
    help = "重新解析版面（人工修订的文章保持不变）/ Reparse pages; hand-edited articles are left alone."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, action="append", dest="page_ids", help="page id (repeatable)")

    def handle(self, *args, page_ids: list[int] | None, **options):
        pages = Page.objects.order_by("pk")
        if page_ids:
            pages = pages.filter(pk__in=page_ids)
            missing = set(page_ids) - set(pages.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"没有这些版面 / no such pages: {sorted(missing)}")
        for page in pages:
            result = reparse_page(page)
            self.stdout.write(
                f"page #{page.pk} {page.source_file}: {result.deleted} articles replaced by "
                f"{result.created}, {len(result.kept)} hand-edited kept, {len(result.new_zones)} new zones"
            )
            for article in result.kept:
                self.stdout.write(
                    f"  kept hand-edited article #{article.pk} (position {article.position}): {article}"
                )
