"""The admin's pages besides the models' lists and forms, as mixins of the model admins they belong to:
upload, parse preview and publishing (pages), the confirmation before publishing what the parser doubted
(issues, pages, articles), merging, splitting and restoring articles, folding a zone into another."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime

from ..forms import MergeZoneForm, SplitForm, UploadForm
from ..models import Article, Issue, Page, Zone
from ..services import history
from ..services.editing import EditingError, merge_articles, merge_zone, restore_revision, set_published, split_article
from ..services.ingest import CREATED
from ..services.upload import FileRefusedError, UploadError, ingest_files, prepare_upload

# --- publishing -----------------------------------------------------------------------------------------


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


# --- pages: upload, preview, publish ----------------------------------------------------------------------


class PageViews:
    """A page is added by uploading its file; the preview shows what the parser made of the pages
    uploaded, and publishes them (or their issues) from there."""

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


# --- articles: merge, split, revisions -------------------------------------------------------------------


class ArticleViews:
    """Merge two adjacent articles, split one in two, see an article's revisions and restore one."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:article_id>/split/", view(self.split_view), name="articles_article_split"),
            path("<int:article_id>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            *super().get_urls(),
        ]

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


# --- zones: merge ---------------------------------------------------------------------------------------


class ZoneViews:
    """Fold a duplicate zone (an alias, usually discovered in text) into another."""

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
