"""sitemap.xml: every reader-facing page that has something visible on it."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Author, City, Issue, Page, Zone


class StaticPages(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["home", "zone_list", "issue_list"]

    def location(self, item):
        return reverse(item)


class Articles(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.visible().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class Cities(Sitemap):
    changefreq = "weekly"

    def items(self):
        return City.objects.order_by("code")


class Zones(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Zone.objects.named_in(Article.objects.visible()).order_by("pk")


class Issues(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Issue.objects.visible().order_by("pk")


class Pages(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.visible().order_by("pk")


class Authors(Sitemap):
    changefreq = "monthly"

    def items(self):
        visible = Article.objects.visible().values("id")
        return Author.objects.filter(authorships__article__in=visible).distinct().order_by("pk")


SITEMAPS = {
    "static": StaticPages,
    "articles": Articles,
    "cities": Cities,
    "zones": Zones,
    "issues": Issues,
    "pages": Pages,
    "authors": Authors,
}
