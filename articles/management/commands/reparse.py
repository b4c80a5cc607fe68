"""manage.py reparse [--page ID ...] — run the current parser again on stored pages."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Page
from articles.services.ingest import reparse_page


class Command(BaseCommand):
    help = "重新解析版面：文章就地更新、编号不变，人工修订的文章不变 / Reparse in place: ids stay, hand edits are kept."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, action="append", dest="page_ids", help="page id (repeatable)")

    def handle(self, *args, page_ids: list[int] | None, **options):
        pages = Page.objects.order_by("pk")
        if page_ids:
            pages = pages.filter(pk__in=page_ids)
            missing = set(page_ids) - set(pages.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"没有这些版面 / no such pages: {sorted(missing)}")
        for page in pages.defer("raw_bytes"):
            result = reparse_page(page)
            self.stdout.write(
                f"page #{page.pk} {page.source_file}: {len(result.updated)} articles updated in place, "
                f"{len(result.created)} new, {len(result.retired)} retired, {len(result.kept)} hand-edited kept, "
                f"{len(result.new_zones)} new zones"
            )
            for old, new in result.retired.items():
                self.stdout.write(f"  article #{old} retired: " + (f"redirects to #{new}" if new else "gone (410)"))
            for article in result.kept:
                self.stdout.write(f"  kept hand-edited article #{article.pk}: {article}")
