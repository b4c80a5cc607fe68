"""RSS and Atom feeds of the latest visible articles: all, per zone and per city."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from . import browse
from .models import City, Zone
from .places import SLUG_CODES

ITEMS = 30
SITE = "开发区建设专刊数字档案"


class LatestArticles(Feed):
    title = f"{SITE} · 最新文章"
    description = "《科学导报·开发区建设》专刊最新收录的文章"

    def link(self):
        return "/"

    def articles(self, obj):
        return browse.visible_articles()

    def items(self, obj=None):
        articles = browse.newest_first(self.articles(obj)).select_related("page__issue", "zone", "city")
        return articles.prefetch_related("authorships__author")[:ITEMS]

    def item_title(self, item):
        return browse.display_title(item)

    def item_description(self, item):
        return (item.body_text or "")[:200]

    def item_author_name(self, item):
        return "、".join(item.author_names()) or None

    def item_pubdate(self, item):
        issue = item.page.issue
        if issue and issue.date:
            return timezone.make_aware(datetime.datetime.combine(issue.date, datetime.time(8)))
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        names = (item.zone.name if item.zone else None, item.city.short if item.city else None)
        return [name for name in names if name]


class LatestArticlesAtom(LatestArticles):
    feed_type = Atom1Feed
    subtitle = LatestArticles.description


class ZoneArticles(LatestArticles):
    def get_object(self, request, pk):
        return get_object_or_404(Zone, pk=pk)

    def title(self, obj):
        return f"{obj.name} · {SITE}"

    def description(self, obj):
        return f"提及{obj.name}的最新文章"

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return browse.zone_articles(obj)


class ZoneArticlesAtom(ZoneArticles):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class CityArticles(LatestArticles):
    def get_object(self, request, slug):
        return get_object_or_404(City, code=SLUG_CODES.get(slug, slug))

    def title(self, obj):
        return f"{obj.name} · {SITE}"

    def description(self, obj):
        return f"{obj.name}的最新文章"

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return browse.visible_articles().filter(city=obj)


class CityArticlesAtom(CityArticles):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
