"""RSS and Atom feeds of the latest visible articles: all, per zone and per city."""

from __future__ import annotations

import datetime
import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from . import browse
from .models import Article, City, Zone

ITEMS = 30
SITE = "开发区建设专刊数字档案"
# Characters XML 1.0 cannot carry. Page files may hold them (form feeds, stray control bytes); Django's feed
# writer refuses them with an exception, so they are dropped from feeds (pages and the API keep them).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_text(item) for item in value]
    return value


class XmlSafe:
    """Feed writer mixin: every string of the feed and its items without the characters XML cannot carry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{key: xml_text(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_text, args), **{key: xml_text(value) for key, value in kwargs.items()})


class RssFeed(XmlSafe, Rss201rev2Feed):
    pass


class AtomFeed(XmlSafe, Atom1Feed):
    pass


class LatestArticles(Feed):
    feed_type = RssFeed
    title = f"{SITE} · 最新文章"
    description = "《科学导报·开发区建设》专刊最新收录的文章"

    def link(self):
        return "/"

    def articles(self, obj):
        return Article.objects.visible()

    def items(self, obj=None):
        articles = self.articles(obj).newest_first().select_related("page__issue", "zone", "city")
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
    feed_type = AtomFeed
    subtitle = LatestArticles.description


class ZoneArticles(LatestArticles):
    def get_object(self, request, pk):
        return get_object_or_404(Zone.objects.visible(), pk=pk)

    def title(self, obj):
        return f"{obj.name} · {SITE}"

    def description(self, obj):
        return f"提及{obj.name}的最新文章"

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return Article.objects.visible().about_zone(obj)


class ZoneArticlesAtom(ZoneArticles):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)


class CityArticles(LatestArticles):
    def get_object(self, request, slug):
        city = City.objects.by_slug(slug)
        if city is None:
            raise Http404("no such city")
        return city

    def title(self, obj):
        return f"{obj.name} · {SITE}"

    def description(self, obj):
        return f"{obj.name}的最新文章"

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return Article.objects.visible().filter(city=obj)


class CityArticlesAtom(CityArticles):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)
