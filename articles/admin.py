"""The editors' admin: upload an issue's pages, check the parse, publish, correct, re-parse.

Uploads, publishing, re-parses, merges and splits go through ``articles.services`` (the same code as the
management commands); every change is written to the admin history (LogEntry). The search index follows
by one mechanism, the search app's signal handlers (``articles.search.signals``): a change reaches it right
after its transaction commits, before the request returns. The admin keeps no index bookkeeping of its own.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime

from .forms import ArticleForm, IssueForm, MergeZoneForm, PageForm, SplitForm, UploadForm
from .models import Article, ArticleAuthor, Author, Caption, City, County, Issue, Page, Zone
from .parsing.model import WARNING_CODES
from .services import history
from .services.editing import (
    EditingError,
    merge_articles,
    merge_zone,
    restore_revision,
    set_published,
    split_article,
)
from .services.ingest import CREATED, reparse_page
from .services.upload import FileRefusedError, UploadError, ingest_files, prepare_upload

admin.site.site_header = "开发区建设专刊数字档案 · 编辑后台"
admin.site.site_title = "编辑后台"
admin.site.index_title = "编辑工作台"


def _warnings_html(warnings: list[str]):
    if not warnings:
        return "—"
    return format_html(
        "<ul class='kfq-warnings'>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings))
    )


class WarningsFilter(admin.SimpleListFilter):
    """Pages or articles the parser was unsure about (non-empty ``warnings``)."""

    title = "解析警告"
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return (("yes", "有警告"), ("no", "无警告"), *WARNING_CODES.items())

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(warnings=[])
        if self.value() == "no":
            return queryset.filter(warnings=[])
        if self.value() in WARNING_CODES:  # "[code] …" in the stored list's text
            return queryset.filter(warnings__icontains=f"[{self.value()}]")
        return queryset


class NulFreeSearchMixin:
    """Autocomplete's search term reaches the database unchecked; PostgreSQL refuses a NUL character in it
    (no stored text holds one, so dropping it changes no answer)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


def publish_doubts(objects) -> list[dict]:
    """What the parser flagged among what is about to be published: each page with its own warnings and
    its articles' (only articles of ``objects`` when they are articles)."""
    model = objects.model
    if model is Article:
        articles = objects.exclude(warnings=[])
        pages = Page.objects.filter(articles__in=articles).distinct()
    else:
        pages = Page.objects.filter(issue__in=objects) if model is Issue else objects
        articles = Article.objects.filter(page__in=pages).exclude(warnings=[])
    flagged = {}
    for article in articles.order_by("page", "position"):
        flagged.setdefault(article.page_id, []).append((article, article.warnings))
    doubts = []
    for page in pages.defer("raw_bytes", "raw_text").select_related("issue").order_by("issue", "label", "pk"):
        page_warnings = page.warnings if model is not Article else []
        if page_warnings or flagged.get(page.pk):
            doubts.append(
                {
                    "page": page,
                    "warnings": page_warnings,
                    "articles": flagged.get(page.pk, []),
                    "preview": reverse("admin:articles_page_preview", args=[page.pk]),
                }
            )
    return doubts


def confirm_publishing(model_admin, request, doubts, hidden, form_action, cancel):
    """The page that lists the parser's warnings and asks once more before readers see them."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "确认公开：解析器有疑问",
        "doubts": doubts,
        "count": sum(len(entry["warnings"]) + sum(len(w) for _, w in entry["articles"]) for entry in doubts),
        "hidden": hidden,
        "form_action": form_action,
        "cancel": cancel,
    }
    return TemplateResponse(request, "admin/articles/publish_confirm.html", context)


# What the message after 公开 / 撤下 calls the objects switched (an issue's switch publishes its pages too).
PUBLISH_NOUNS = {Issue: "期（含其版面）", Page: "版面", Article: "文章"}


def switch_published(model_admin, request, queryset, published: bool) -> None:
    """公开 / 撤下 issues, pages or articles through the publishing service, each object's history entry
    written in the switch's own transaction; the editor is told how many."""
    entries = []

    def record(obj, message):
        entries.append(model_admin.log_change(request, obj, message))

    set_published(queryset, published, user=request.user, record=record)
    verb = "公开" if published else "撤下"
    model_admin.message_user(request, f"已{verb} {len(entries)} 个{PUBLISH_NOUNS[queryset.model]}。", messages.SUCCESS)


class PublishActionsMixin:
    """The 公开 / 撤下 actions of issues, pages and articles; publishing asks once more when the parser
    had doubts about what readers would see."""

    @admin.action(description="公开所选%(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            doubts = publish_doubts(queryset)
            if doubts:
                hidden = [("action", "publish")] + [
                    (helpers.ACTION_CHECKBOX_NAME, obj.pk) for obj in queryset.only("pk")
                ]
                changelist = reverse(f"admin:articles_{queryset.model._meta.model_name}_changelist")
                return confirm_publishing(self, request, doubts, hidden, changelist, changelist)
        switch_published(self, request, queryset, True)

    @admin.action(description="撤下所选%(verbose_name_plural)s（读者不可见）", permissions=["change"])
    def unpublish(self, request, queryset):
        switch_published(self, request, queryset, False)


class RevisionedChangeMixin:
    """A save through the change form is kept as a revision (django-reversion) in the save's own
    transaction, after a first revision of the object as it was; the form refuses a stale save
    (``VersionCheckedForm``) and the page then shows what the others changed."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                history.ensure_baseline([obj])
            with history.recorded("修改", request.user):
                return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            obj.version += 1
            type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if history.is_recording() and message:
            history.set_comment(entry.get_change_message())
            history.add(obj)
        return entry

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["conflict"] = getattr(context.get("adminform") and context["adminform"].form, "conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- issues --------------------------------------------------------------------------------------------


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
            .order_by(*Issue._meta.ordering)
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


# --- pages: upload, preview, publish, re-parse -----------------------------------------------------------


@admin.register(Page)
class PageAdmin(PublishActionsMixin, RevisionedChangeMixin, admin.ModelAdmin):
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
        return _warnings_html(page.warnings)

    @admin.display(description="解析结果")
    def preview_link(self, page):
        if not page.pk:
            return "—"
        return format_html('<a href="{}">预览此版面的文章</a>', reverse("admin:articles_page_preview", args=[page.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="articles_page_upload"),
            path("preview/", view(self.preview_view), name="articles_page_preview_many"),
            path("<int:page_id>/preview/", view(self.preview_view), name="articles_page_preview"),
            path("publish/", view(self.publish_view), name="articles_page_publish"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """A page is added by uploading its file."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:articles_page_upload"))

    # upload

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        problems = []
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    files, problems = prepare_upload(form.cleaned_data["files"])
                except UploadError as error:
                    form.add_error("files", str(error))
                else:
                    if not problems:
                        try:
                            return self._ingest(request, form, files)
                        except FileRefusedError as error:
                            problems = [error.problem]
                    form.add_error(None, "有文件无法导入，本次未导入任何文件；请修正后重新上传。")
        else:
            form = UploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "上传版面",
            "form": form,
            "problems": problems,
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
        }
        return TemplateResponse(request, "admin/articles/page/upload.html", context)

    def _ingest(self, request, form, files):
        data = form.cleaned_data

        def record(name, result):  # in the page's own transaction
            self.log_addition(request, result.page, f"上传 {name}（未公开，{result.articles} 篇文章）")

        report = ingest_files(
            files,
            issue_year=data.get("issue_year"),
            issue_number=data.get("issue_number"),
            issue_date=data.get("issue_date"),
            page_label=data.get("page_label") or "",
            on_created=record,
        )
        for outcome in report.outcomes:
            result = outcome.result
            if outcome.status == CREATED:
                self.message_user(
                    request,
                    f"{outcome.name}：已导入为 {result.page}，{result.articles} 篇文章，"
                    f"{len(result.warnings)} 条警告，新发现开发区 {len(result.new_zones)} 个；尚未公开。",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"{outcome.name}：已存在（内容未变 / unchanged），即 {result.page}，未重复导入。",
                    messages.WARNING,
                )
        ids = ",".join(str(outcome.result.page.pk) for outcome in report.outcomes)
        return HttpResponseRedirect(f"{reverse('admin:articles_page_preview_many')}?ids={ids}")

    # preview and publish

    def preview_view(self, request, page_id=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if page_id is not None:
            ids = [page_id]
        else:
            ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()]
        pages = list(
            Page.objects.filter(pk__in=ids)
            .select_related("issue")
            .defer("raw_bytes")
            .prefetch_related(
                "articles__zone",
                "articles__zones",
                "articles__city",
                "articles__captions",
                "articles__authorships__author",
            )
        )
        if not pages:
            raise Http404("没有这些版面 / no such pages")
        issues = {page.issue for page in pages if page.issue is not None}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "解析结果预览" if len(pages) > 1 else f"解析结果预览：{pages[0]}",
            "pages": pages,
            "issues": sorted(issues, key=lambda issue: issue.label),
            "page_ids": ",".join(str(page.pk) for page in pages),
            "page_versions": ",".join(f"{page.pk}:{page.version}" for page in pages),
            "can_change": self.has_change_permission(request),
            "return_to": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/articles/page/preview.html", context)

    def publish_view(self, request):
        """POST from the preview: publish or unpublish the pages shown (or their issues)."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        ids = [int(part) for part in request.POST.get("ids", "").split(",") if part.strip().isdigit()]
        published = request.POST.get("publish") == "1"
        scope = request.POST.get("scope", "pages")
        pages = Page.objects.filter(pk__in=ids)
        target = (
            request.POST.get("next")
            or reverse("admin:articles_page_preview_many") + f"?ids={request.POST.get('ids', '')}"
        )
        stale = self._changed_since_preview(request.POST.get("versions"), pages)
        if published and not stale and request.POST.get("confirm") != "yes":
            shown = pages
            if scope == "issues":
                shown = Page.objects.filter(Q(issue__in=pages.values("issue")) | Q(pk__in=pages.values("pk")))
            doubts = publish_doubts(shown)
            if doubts:
                fields = ("ids", "versions", "publish", "scope", "next")
                hidden = [(name, request.POST[name]) for name in fields if name in request.POST]
                cancel = reverse("admin:articles_page_preview_many") + f"?ids={request.POST.get('ids', '')}"
                return confirm_publishing(self, request, doubts, hidden, request.path, cancel)
        if stale:
            self.message_user(
                request,
                "未公开或撤下任何版面：以下版面在您打开预览之后已被修改（重新解析、编辑或公开状态变化），"
                f"请核对新的预览后再操作：{'；'.join(stale)}",
                messages.ERROR,
            )
        elif scope == "issues":
            if not request.user.has_perm("articles.change_issue"):
                raise PermissionDenied
            issues = Issue.objects.filter(pages__in=pages).distinct()
            with transaction.atomic():
                switch_published(self, request, issues, published)
                if published:
                    # Pages without an issue are published with the others.
                    switch_published(self, request, pages.filter(issue__isnull=True), True)
        else:
            switch_published(self, request, pages, published)
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
            target = reverse("admin:index")
        return HttpResponseRedirect(target)

    @staticmethod
    def _changed_since_preview(versions: str | None, pages) -> list[str]:
        """Pages whose version is no longer the one the preview showed (``"id:version,…"``)."""
        if not versions:
            return []
        shown = {}
        for part in versions.split(","):
            pk, _, version = part.partition(":")
            if pk.strip().isdigit() and version.strip().isdigit():
                shown[int(pk)] = int(version)
        return [str(page) for page in pages.defer("raw_bytes") if shown.get(page.pk, page.version) != page.version]

    # re-parse

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


# --- articles ------------------------------------------------------------------------------------------


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
class ArticleAdmin(PublishActionsMixin, RevisionedChangeMixin, admin.ModelAdmin):
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
        return _warnings_html(article.warnings)

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

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:article_id>/split/", view(self.split_view), name="articles_article_split"),
            path("<int:article_id>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            *super().get_urls(),
        ]

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

    # merge

    @admin.action(description="合并所选的两篇相邻文章…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        articles = list(queryset.select_related("page").order_by("page", "position"))
        if len(articles) != 2:
            self.message_user(request, "请恰好选择两篇同一版面上相邻的文章。", messages.ERROR)
            return None
        first, second = articles
        if first.page_id != second.page_id or second.position != first.position + 1:
            self.message_user(request, "只能合并同一版面上相邻（顺序连续）的两篇文章。", messages.ERROR)
            return None
        if request.POST.get("confirm") == "yes":
            try:
                with transaction.atomic():
                    self.log_deletions(request, Article.objects.filter(pk=second.pk))
                    result = merge_articles(first, second, user=request.user)
                    self.log_change(
                        request, result.article, f"合并：并入文章 #{result.removed_pk}《{result.removed_title}》"
                    )
            except EditingError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                f"已将《{result.removed_title}》并入《{result.article}》，后续文章顺序已前移。",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[result.article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "确认合并文章",
            "first": first,
            "second": second,
            "queryset": articles,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/merge_confirm.html", context)

    # split

    def split_view(self, request, article_id):
        article = get_object_or_404(Article.objects.select_related("page"), pk=article_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            form = SplitForm(request.POST)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        result = split_article(
                            article, form.cleaned_data["at"], title=form.cleaned_data["title"], user=request.user
                        )
                        self.log_change(
                            request,
                            result.first,
                            f"拆分：第 {form.cleaned_data['at'] + 1} 段起拆为文章 #{result.second.pk}",
                        )
                        self.log_addition(request, result.second, f"由文章 #{result.first.pk} 拆分而来")
                except EditingError as error:
                    form.add_error("at", str(error))
                else:
                    self.message_user(request, f"已拆分为《{result.first}》和《{result.second}》。", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[result.second.pk]))
        else:
            form = SplitForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"拆分文章：{article}",
            "article": article,
            "original": article,
            "paragraphs": list(enumerate(article.paragraphs)),
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/article/split.html", context)

    # history

    def revisions_view(self, request, article_id):
        article = get_object_or_404(Article.objects.select_related("page"), pk=article_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            version = history.versions_of(article).filter(pk=request.POST.get("version", "")).first()
            if version is None:
                self.message_user(request, "没有这个版本 / no such revision", messages.ERROR)
            else:
                with transaction.atomic():
                    restored = restore_revision(article, version, user=request.user)
                    when = localtime(version.revision.date_created)
                    self.log_change(request, restored, f"恢复到 {when:%Y-%m-%d %H:%M} 的版本")
                self.message_user(request, "已恢复所选版本；恢复前的内容也保留在历史中。", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[article.pk]))
        snapshots = [history.snapshot(version) for version in history.versions_of(article)]
        rows = [
            {
                "snapshot": shot,
                "revision": shot.version.revision,
                "changes": history.changes(snapshots[number + 1], shot) if number + 1 < len(snapshots) else [],
                "is_current": number == 0,
            }
            for number, shot in enumerate(snapshots)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"修订历史：{article}",
            "article": article,
            "original": article,
            "rows": rows,
            "can_change": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)


# --- zones, authors, places ------------------------------------------------------------------------------


@admin.register(Zone)
class ZoneAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "short", "kind", "level", "city", "county", "source", "uncertain", "articles_count")
    list_filter = ("source", "uncertain", "level", "kind", "city")
    list_editable = ("level", "uncertain")
    search_fields = ("name", "short", "aliases")
    autocomplete_fields = ("city", "county")
    fields = ("name", "short", "aliases", "kind", "level", "city", "county", "source", "uncertain", "notes")
    actions = ("merge_into",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("city", "county")
            .annotate(n_articles=Count("articles"))
            .order_by("name")
        )

    @admin.display(description="提及文章数", ordering="n_articles")
    def articles_count(self, zone):
        return zone.n_articles

    @admin.action(description="把所选开发区（别称/重复）并入另一个开发区…", permissions=["change", "delete"])
    def merge_into(self, request, queryset):
        aliases = list(queryset)
        if "confirm" in request.POST:
            form = MergeZoneForm(request.POST)
            form.fields["target"].queryset = Zone.objects.exclude(pk__in=[zone.pk for zone in aliases])
            if form.is_valid():
                target = form.cleaned_data["target"]
                for alias in aliases:
                    name = alias.name
                    try:
                        with transaction.atomic():
                            self.log_deletions(request, Zone.objects.filter(pk=alias.pk))
                            result = merge_zone(alias, target)
                    except EditingError as error:
                        self.message_user(request, str(error), messages.ERROR)
                        continue
                    self.log_change(
                        request, target, f"合并：并入开发区“{name}”，{result.articles} 篇文章改指向此开发区"
                    )
                    self.message_user(
                        request, f"“{name}”已并入“{target.name}”，{result.articles} 篇文章随之更新。", messages.SUCCESS
                    )
                return None
        else:
            form = MergeZoneForm()
            form.fields["target"].queryset = Zone.objects.exclude(pk__in=[zone.pk for zone in aliases])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "确认合并开发区",
            "zones": aliases,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/zone/merge_confirm.html", context)


@admin.register(Author)
class AuthorAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "articles_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("authorships")).order_by("name")

    @admin.display(description="文章数", ordering="n_articles")
    def articles_count(self, author):
        return author.n_articles


@admin.register(City)
class CityAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "short", "code")
    search_fields = ("name", "short", "code")


@admin.register(County)
class CountyAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "city")
    list_filter = ("city", "kind")
    search_fields = ("name", "short", "city__name")
