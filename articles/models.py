"""The archive: places and zones, issues and pages as uploaded, and the articles parsed from them.

What readers may see and in which order is said once, on the models' querysets: ``visible()`` for zones,
issues, pages and articles, ``newest_first()`` and ``in_reading_order()``, and the lookups of the
reader pages' URLs (``City.objects.by_slug``, ``Issue.objects.by_key``).
"""

import datetime
import re

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .places import SLUG_CODES, city_slug


class CityQuerySet(models.QuerySet):
    def by_slug(self, slug: str) -> "City | None":
        """The city of a URL slug (its pinyin, or its division code)."""
        return self.filter(code=SLUG_CODES.get(slug, slug)).first()


class City(models.Model):
    """A prefecture-level city (地级市) of Shanxi."""

    name = models.CharField("名称", max_length=20, unique=True)  # 太原市
    short = models.CharField("简称", max_length=10, unique=True)  # 太原
    code = models.CharField("区划代码", max_length=6, unique=True)  # 140100 (GB/T 2260)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ("code",)
        verbose_name = "地级市"
        verbose_name_plural = "地级市"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("city", args=[city_slug(self.code)])


class County(models.Model):
    """A county-level division (区/县/县级市); names repeat across cities (城区, 郊区)."""

    name = models.CharField("名称", max_length=30)
    short = models.CharField("简称", max_length=20)
    kind = models.CharField("类型", max_length=10)  # 市辖区 / 县 / 县级市
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="counties", verbose_name="所属地级市")

    class Meta:
        ordering = ("city", "name")
        constraints = (models.UniqueConstraint(fields=["city", "name"], name="county_unique_in_city"),)
        verbose_name = "县级行政区"
        verbose_name_plural = "县级行政区"

    def __str__(self) -> str:
        return f"{self.city.short}{self.name}"


class ZoneQuerySet(models.QuerySet):
    def visible(self) -> "ZoneQuerySet":
        """Zones readers may see: the reference list, and zones discovered in text once an article naming
        them is visible (one known only from a page still in preview is not announced)."""
        return self.filter(Q(source=Zone.Source.GAZETTEER) | self._named_in(Article.objects.visible()))

    def named_in(self, articles: "ArticleQuerySet") -> "ZoneQuerySet":
        """Zones that one of ``articles`` names, as its primary zone or a mention."""
        return self.filter(self._named_in(articles))

    @staticmethod
    def _named_in(articles: "ArticleQuerySet") -> Q:
        mentions = Article.zones.through.objects.filter(article_id__in=articles.values("id"))
        return Q(pk__in=articles.exclude(zone=None).values("zone_id")) | Q(pk__in=mentions.values("zone_id"))


class Zone(models.Model):
    """A development zone (开发区), from the reference list or discovered in an article."""

    class Source(models.TextChoices):
        GAZETTEER = "gazetteer", "名录"
        DISCOVERED = "discovered", "文中发现"

    name = models.CharField("名称", max_length=100, unique=True)
    short = models.CharField("简称", max_length=50, blank=True)
    # Printed forms besides the name ("长子经开区"); the parser recognises these too.
    aliases = models.JSONField("别称", default=list, blank=True)
    kind = models.CharField("类型", max_length=30, default="其他")
    level = models.CharField("级别", max_length=10, blank=True)  # 国家级 / 省级
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="zones",
        verbose_name="所属地级市",
    )
    county = models.ForeignKey(
        County,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="zones",
        verbose_name="所在县区",
    )
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.GAZETTEER)
    uncertain = models.BooleanField("待核实", default=False)
    notes = models.TextField("备注", blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        indexes = (models.Index(fields=["source"]),)
        verbose_name = "开发区"
        verbose_name_plural = "开发区"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("zone", args=[self.pk])


# An issue's key in its URL (``Issue.get_absolute_url``): 2024-16, 2024-04-26 or id-7.
ISSUE_KEY = re.compile(r"^(?:(?P<year>\d{4})-(?P<number>\d{1,3})|(?P<date>\d{4}-\d{2}-\d{2})|id-(?P<pk>\d+))$")


class IssueQuerySet(models.QuerySet):
    def visible(self) -> "IssueQuerySet":
        """Issues readers may see."""
        return self.filter(is_published=True)

    def newest_first(self) -> "IssueQuerySet":
        """``Meta.ordering``, said again: Django leaves it out of a query that groups (annotated counts)."""
        return self.order_by(*self.model._meta.ordering)

    def by_key(self, key: str) -> "Issue | None":
        """The issue a URL key names; on a date, the issue known only by that date (its own URL is this
        one) before a numbered one of the same day. None for a key of no issue, or no key at all."""
        match = ISSUE_KEY.match(key)
        if not match:
            return None
        if match["year"]:
            return self.filter(year=int(match["year"]), number=int(match["number"])).first()
        if match["date"]:
            try:
                date = datetime.date.fromisoformat(match["date"])
            except ValueError:
                return None
            return self.filter(date=date).order_by(F("number").asc(nulls_first=True)).first()
        return self.filter(pk=int(match["pk"])).first()


class Issue(models.Model):
    """One issue of the supplement, e.g. 2024年第16期."""

    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    number = models.PositiveSmallIntegerField("期号", null=True, blank=True)
    date = models.DateField("出版日期", null=True, blank=True)
    is_published = models.BooleanField("公开", default=True)
    # Raised by every saved change; an editor's form carries the value it was opened at (optimistic locking).
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = IssueQuerySet.as_manager()

    class Meta:
        # Newest first, what is unknown last: PostgreSQL puts NULL first in a descending order, SQLite last.
        ordering = (
            F("year").desc(nulls_last=True),
            F("number").desc(nulls_last=True),
            F("date").desc(nulls_last=True),
        )
        constraints = (models.UniqueConstraint(fields=["year", "number"], name="issue_unique_year_number"),)
        verbose_name = "期"
        verbose_name_plural = "期"

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        """/issues/2024-16/; /issues/2024-04-26/ when only the date is known; /issues/id-7/ otherwise."""
        if self.year and self.number:
            return reverse("issue", args=[f"{self.year}-{self.number}"])
        if self.date:
            return reverse("issue", args=[self.date.isoformat()])
        return reverse("issue", args=[f"id-{self.pk}"])

    @property
    def label(self) -> str:
        """ "2024-16"; the date when the number is unknown."""
        if self.year and self.number:
            return f"{self.year}-{self.number}"
        if self.date:
            return self.date.isoformat()
        return f"{self.year or '?'}-?"


class PageQuerySet(models.QuerySet):
    def visible(self) -> "PageQuerySet":
        """Pages readers may see: the page and its issue (if any) are published."""
        return self.filter(is_published=True).filter(Q(issue=None) | Q(issue__is_published=True))

    def in_reading_order(self) -> "PageQuerySet":
        """Page by page as printed (版次), then as uploaded."""
        return self.order_by("label", "source_file", "pk")


class SourcePdf(models.Model):
    """An uploaded PDF (a whole issue or single pages), kept byte for byte: its pages are read from it, and
    read again on a re-parse; each of its pages is a ``Page``."""

    file_name = models.CharField("原文件名", max_length=255)
    data = models.BinaryField("PDF 文件")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    page_count = models.PositiveSmallIntegerField("页数")
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "PDF 文件"
        verbose_name_plural = "PDF 文件"

    def __str__(self) -> str:
        return f"{self.file_name}（{self.page_count} 页）"


class Page(models.Model):
    """One uploaded page file (or one page of a PDF), kept byte for byte so it can be parsed again."""

    issue = models.ForeignKey(
        Issue, on_delete=models.SET_NULL, null=True, blank=True, related_name="pages", verbose_name="期"
    )
    label = models.CharField("版次", max_length=10, blank=True)  # D1; blank when unknown
    source_file = models.CharField("原文件名", max_length=255)
    raw_bytes = models.BinaryField("原始字节")
    raw_text = models.TextField("原文")  # decoded, otherwise exactly as uploaded (CRLF kept)
    encoding = models.CharField("编码", max_length=30)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    parser_version = models.CharField("解析器版本", max_length=30)
    layout = models.CharField("版式", max_length=30, blank=True)
    masthead = models.TextField("刊头", blank=True)
    leftovers = models.JSONField("未归属文字", default=list, blank=True)
    warnings = models.JSONField("警告", default=list, blank=True)
    is_published = models.BooleanField("公开", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    # A page of a PDF: raw_bytes stays empty (the PDF holds them), raw_text is the text read from it.
    pdf = models.ForeignKey(
        SourcePdf, on_delete=models.PROTECT, null=True, blank=True, related_name="pages", verbose_name="PDF 文件"
    )
    pdf_page = models.PositiveSmallIntegerField("PDF 页码", null=True, blank=True)  # 1-based
    # {"width", "height"} in points and the page image's pixel size; empty for text pages.
    geometry = models.JSONField("版面尺寸", default=dict, blank=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ("issue", "label", "source_file")
        indexes = (models.Index(fields=["is_published"]),)
        verbose_name = "版面"
        verbose_name_plural = "版面"

    def __str__(self) -> str:
        issue = self.issue.label if self.issue else "?"
        return f"{issue} {self.label or '?'}（{self.source_file}）"

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.pk])


class Author(models.Model):
    name = models.CharField("姓名", max_length=50, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name = "作者"
        verbose_name_plural = "作者"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("author", args=[self.pk])


class ArticleQuerySet(models.QuerySet):
    def visible(self) -> "ArticleQuerySet":
        """What readers may see: the article, its page and its issue (if any) are all published."""
        return self.filter(is_published=True, page__is_published=True).filter(
            Q(page__issue__isnull=True) | Q(page__issue__is_published=True)
        )

    def newest_first(self) -> "ArticleQuerySet":
        """Known issues newest first (year, number, date); pages of unknown issue after them, newest upload
        first; then the order on the page."""
        return self.order_by(
            F("page__issue__year").desc(nulls_last=True),
            F("page__issue__number").desc(nulls_last=True),
            F("page__issue__date").desc(nulls_last=True),
            F("page__created_at").desc(),
            F("page_id").desc(),
            "position",
        )

    def in_reading_order(self) -> "ArticleQuerySet":
        """The order of a printed issue: page by page (版次), then position on the page."""
        return self.order_by("page__label", "page__source_file", "page_id", "position")

    def printed_with(self, article: "Article") -> "ArticleQuerySet":
        """Those of the article's issue; of its page when the issue is unknown."""
        if article.page.issue_id is None:
            return self.filter(page=article.page_id)
        return self.filter(page__issue=article.page.issue_id)

    def about_zone(self, zone: "Zone") -> "ArticleQuerySet":
        """Those about the zone (their primary zone) or mentioning it."""
        return self.filter(Q(zone=zone) | Q(zones=zone)).distinct()

    def by_author(self, author: "Author") -> "ArticleQuerySet":
        return self.filter(authorships__author=author).distinct()

    def with_related(self) -> "ArticleQuerySet":
        """Loads what ``article_record`` and listings read, in a fixed number of queries."""
        return self.select_related("page__issue", "zone", "city").prefetch_related(
            "zones", "captions", "authorships__author"
        )


class Article(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="articles", verbose_name="版面")
    position = models.PositiveSmallIntegerField("版内顺序")  # 1-based, reading order
    kicker = models.CharField("引题", max_length=300, blank=True)
    title = models.CharField("标题", max_length=300, blank=True)
    subtitle = models.CharField("副题", max_length=300, blank=True)
    dateline = models.CharField("电头", max_length=100, blank=True)  # 科学导报讯
    byline = models.CharField("署名", max_length=300, blank=True)  # as printed
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True, verbose_name="作者"
    )
    # [{"kind": "p" | "h", "text": ...}]; "h" is a section heading (小标题) inside the body.
    paragraphs = models.JSONField("段落", default=list, blank=True)
    body_text = models.TextField("正文", blank=True, editable=False)  # derived from paragraphs on save
    zone = models.ForeignKey(
        Zone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_articles",
        verbose_name="主要开发区",
    )
    zones = models.ManyToManyField(Zone, related_name="articles", blank=True, verbose_name="提及的开发区")
    city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles", verbose_name="地级市"
    )
    continued_from = models.CharField("上接版次", max_length=10, blank=True)
    continued_to = models.CharField("下转版次", max_length=10, blank=True)
    # Where it is printed on its page (PDF pages): [[left, top, width, height], ...] as fractions of the page.
    regions = models.JSONField("版面位置", default=list, blank=True)
    warnings = models.JSONField("警告", default=list, blank=True)
    is_published = models.BooleanField("公开", default=True)
    # Set by the editors' admin; reparsing leaves such articles alone.
    edited_by_hand = models.BooleanField("人工修订", default=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("page", "position")
        constraints = (models.UniqueConstraint(fields=["page", "position"], name="article_unique_position"),)
        indexes = (models.Index(fields=["is_published"]),)
        verbose_name = "文章"
        verbose_name_plural = "文章"

    def __str__(self) -> str:
        return self.title or f"（无标题）{self.page.source_file} #{self.position}"

    def save(self, *args, **kwargs) -> None:
        self.body_text = "\n".join(paragraph["text"] for paragraph in self.paragraphs)
        if self._state.adding and self.pk is None:
            self.pk = RetiredArticle.next_article_id(self._state.db or "default")
        if kwargs.get("update_fields") is not None and "paragraphs" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("article", args=[self.pk])

    def author_names(self) -> list[str]:
        return [authorship.author.name for authorship in self.authorships.all()]


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships", verbose_name="文章")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships", verbose_name="作者")
    order = models.PositiveSmallIntegerField("署名顺序")

    class Meta:
        ordering = ("article", "order")
        constraints = (models.UniqueConstraint(fields=["article", "author"], name="article_author_once"),)
        verbose_name = "文章作者"
        verbose_name_plural = "文章作者"

    def __str__(self) -> str:
        return f"{self.author.name}（{self.article}）"


class Caption(models.Model):
    """A photo caption printed with the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captions", verbose_name="文章")
    position = models.PositiveSmallIntegerField("顺序")
    text = models.TextField("说明")
    credit = models.CharField("署名", max_length=100, blank=True)  # 梁琛摄 / 综改区供图
    photographer = models.CharField("摄影", max_length=50, blank=True)

    class Meta:
        ordering = ("article", "position")
        verbose_name = "图片说明"
        verbose_name_plural = "图片说明"

    def __str__(self) -> str:
        return self.text[:40]


class RetiredArticle(models.Model):
    """An article id that no longer names an article: merged into another, dropped by a re-parse, deleted.

    Its URL answers 301 to the successor (followed through later retirements) or 410 with this record's
    explanation, never a bare 404; and the id is never given to another article.
    """

    class Reason(models.TextChoices):
        MERGED = "merged", "已并入另一篇文章"
        REPARSED = "reparsed", "重新解析后并入另一篇文章"
        DROPPED = "dropped", "重新解析后不再是单独的文章"
        DELETED = "deleted", "已被编辑删除"

    id = models.BigIntegerField("原文章编号", primary_key=True)
    successor_id = models.BigIntegerField("后继文章编号", null=True, blank=True)
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    title = models.CharField("原标题", max_length=300, blank=True)
    page_id = models.BigIntegerField("原版面编号", null=True, blank=True)
    # Plain ids, not foreign keys: the record is written while its page or issue may be being deleted.
    issue_id = models.BigIntegerField("原所在期编号", null=True, blank=True)
    # The text it had, so a re-parse does not bring back what an editor deleted.
    text = models.TextField("原文", blank=True)
    retired_at = models.DateTimeField("撤除时间", auto_now_add=True)

    class Meta:
        ordering = ("-retired_at",)
        indexes = (models.Index(fields=["successor_id"]), models.Index(fields=["page_id"]))
        verbose_name = "已撤除的文章编号"
        verbose_name_plural = "已撤除的文章编号"

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @staticmethod
    def next_article_id(using: str) -> int | None:
        """SQLite gives a new row the largest id + 1, so deleting the newest article would hand its id
        to the next one; ids are taken above every article and retired id there. None: the database's
        own sequence, which never reuses an id."""
        from django.db import connections
        from django.db.models import Max

        if connections[using].vendor != "sqlite":
            return None
        live = Article.objects.using(using).aggregate(top=Max("pk"))["top"] or 0
        retired = RetiredArticle.objects.using(using).aggregate(top=Max("pk"))["top"] or 0
        return max(live, retired) + 1
