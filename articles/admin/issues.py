"""Issues and their pages: lists, change forms, re-parsing (upload, preview and publishing: ``views``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from ..forms import IssueForm, PageForm
from ..models import Issue, Page
from ..services.editing import set_published
from ..services.ingest import reparse_page
from .common import NulFreeSearchMixin, RevisionedChangeMixin, WarningsFilter, warnings_html
from .views import PageViews, PublishActionsMixin


class PageInline(admin.TabularInline):
    model = Page
    fields = ("label", "source_file", "layout", "is_published", "articles_count", "preview_link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="文章数")
    def articles_count(self, page):
        return page.articles.count()

    @admin.display(description="预览")
    def preview_link(self, page):
        return format_html('<a href="{}">预览解析结果</a>', reverse("admin:articles_page_preview", args=[page.pk]))


@admin.register(Issue)
class IssueAdmin(NulFreeSearchMixin, PublishActionsMixin, RevisionedChangeMixin, admin.ModelAdmin):
    form = IssueForm
    list_display = ("label", "year", "number", "date", "is_published", "pages_count", "articles_count")
    list_filter = ("is_published", "year")
    search_fields = ("year", "number")
    fields = ("year", "number", "date", "is_published", "opened_version")
    inlines = (PageInline,)
    actions = ("publish", "unpublish")
    change_list_template = "admin/articles/upload_changelist.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_pages=Count("pages", distinct=True), n_articles=Count("pages__articles", distinct=True))
            .newest_first()
        )

    @admin.display(description="版面数", ordering="n_pages")
    def pages_count(self, issue):
        return issue.n_pages

    @admin.display(description="文章数", ordering="n_articles")
    def articles_count(self, issue):
        return issue.n_articles

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "is_published" in form.changed_data:
            set_published(Issue.objects.filter(pk=obj.pk), obj.is_published, user=request.user)


@admin.register(Page)
class PageAdmin(PageViews, PublishActionsMixin, RevisionedChangeMixin, admin.ModelAdmin):
    form = PageForm
    list_display = (
        "__str__",
        "issue",
        "label",
        "source_file",
        "layout",
        "articles_count",
        "warnings_count",
        "is_published",
        "created_at",
    )
    list_filter = ("is_published", WarningsFilter, "issue", "layout")
    search_fields = ("source_file", "label", "masthead")
    list_select_related = ("issue",)
    autocomplete_fields = ("issue",)
    fields = (
        "issue",
        "label",
        "is_published",
        "opened_version",
        "preview_link",
        "source_file",
        "encoding",
        "layout",
        "parser_version",
        "warnings_list",
        "masthead",
        "leftovers",
        "sha256",
        "created_at",
        "raw_text",
    )
    # Everything but where the page belongs and whether readers see it comes from the file and the parser.
    readonly_fields = tuple(f for f in fields if f not in ("issue", "label", "is_published", "opened_version"))
    actions = ("publish", "unpublish", "reparse")
    change_list_template = "admin/articles/upload_changelist.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("articles"))
            .defer("raw_bytes")
            .order_by(*Page._meta.ordering)
        )

    @admin.display(description="文章数", ordering="n_articles")
    def articles_count(self, page):
        return page.n_articles

    @admin.display(description="警告")
    def warnings_count(self, page):
        return len(page.warnings) or ""

    @admin.display(description="警告")
    def warnings_list(self, page):
        return warnings_html(page.warnings)

    @admin.display(description="解析结果")
    def preview_link(self, page):
        if not page.pk:
            return "—"
        return format_html('<a href="{}">预览此版面的文章</a>', reverse("admin:articles_page_preview", args=[page.pk]))

    @admin.action(description="按当前解析器重新解析所选版面（人工修订的文章保留）", permissions=["change"])
    def reparse(self, request, queryset):
        for page in queryset.defer("raw_bytes"):
            with transaction.atomic():  # the re-parse and its history entry commit together
                result = reparse_page(page, user=request.user)
                message = result.summary()
                self.log_change(request, result.page, message + f"（解析器 {result.page.parser_version}）")
            self.message_user(request, message + "。", messages.SUCCESS)
            if result.kept:
                kept = "；".join(f"#{article.pk}《{article}》" for article in result.kept)
                self.message_user(
                    request,
                    f"{result.page}：以下 {len(result.kept)} 篇人工修订的文章未被覆盖，请核对：{kept}",
                    messages.WARNING,
                )
