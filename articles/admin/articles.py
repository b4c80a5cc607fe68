"""Articles with their authors and captions, and the authors' list (merge, split, revisions: ``views``)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from ..forms import ArticleForm
from ..models import Article, ArticleAuthor, Author, Caption
from .common import NulFreeSearchMixin, RevisionedChangeMixin, WarningsFilter, warnings_html
from .views import ArticleViews, PublishActionsMixin


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ("author",)
    fields = ("order", "author")
    extra = 0


class CaptionInline(admin.StackedInline):
    model = Caption
    fields = (("position", "credit", "photographer"), "text")
    extra = 0


@admin.register(Article)
class ArticleAdmin(ArticleViews, PublishActionsMixin, RevisionedChangeMixin, admin.ModelAdmin):
    form = ArticleForm
    list_display = (
        "display_title",
        "page",
        "position",
        "zone",
        "city",
        "is_published",
        "edited_by_hand",
        "has_warnings",
    )
    list_display_links = ("display_title",)
    list_filter = ("is_published", "edited_by_hand", WarningsFilter, "page__issue", "city", "zone__source")
    list_select_related = ("page__issue", "zone", "city")
    search_fields = ("title", "kicker", "subtitle", "byline", "body_text")
    autocomplete_fields = ("zone", "zones", "city")
    inlines = (ArticleAuthorInline, CaptionInline)
    readonly_fields = (
        "page",
        "position",
        "edited_by_hand",
        "warnings_list",
        "updated_at",
        "split_link",
        "revisions_link",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "page",
                    "position",
                    "is_published",
                    "edited_by_hand",
                    "revisions_link",
                    "warnings_list",
                    "opened_version",
                )
            },
        ),
        ("标题", {"fields": ("kicker", "title", "subtitle")}),
        ("署名与正文", {"fields": ("dateline", "byline", "body", "split_link")}),
        ("开发区与城市", {"fields": ("zone", "zones", "city")}),
        ("转版", {"fields": ("continued_from", "continued_to"), "classes": ("collapse",)}),
    )
    actions = ("publish", "unpublish", "merge")

    def has_add_permission(self, request):
        return False  # articles come from uploaded pages (or a split)

    @admin.display(description="标题", ordering="title")
    def display_title(self, article):
        return str(article)

    @admin.display(description="警告", boolean=True)
    def has_warnings(self, article):
        return bool(article.warnings)

    @admin.display(description="解析警告")
    def warnings_list(self, article):
        return warnings_html(article.warnings)

    @admin.display(description="拆分")
    def split_link(self, article):
        if not article.pk or len(article.paragraphs) < 2:
            return "—"
        return format_html(
            '<a href="{}">在某一段处拆成两篇文章…</a>', reverse("admin:articles_article_split", args=[article.pk])
        )

    @admin.display(description="修订历史")
    def revisions_link(self, article):
        if not article.pk:
            return "—"
        return format_html(
            '<a href="{}">查看各次修订、对比文字、恢复旧版本…</a>',
            reverse("admin:articles_article_revisions", args=[article.pk]),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        edited = set(form.changed_data) - {"is_published"} or any(formset.has_changed() for formset in formsets)
        if edited and not article.edited_by_hand:
            Article.objects.filter(pk=article.pk).update(edited_by_hand=True)
            article.edited_by_hand = True

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if set(form.changed_data) - {"is_published"} or any(formset.has_changed() for formset in formsets):
            message.append({"changed": {"fields": ["人工修订"]}})
        return message


@admin.register(Author)
class AuthorAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "articles_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("authorships")).order_by("name")

    @admin.display(description="文章数", ordering="n_articles")
    def articles_count(self, author):
        return author.n_articles
