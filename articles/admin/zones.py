"""Development zones and the gazetteer's places (cities, counties) they belong to (merging: ``views``)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from ..models import City, County, Zone
from .common import NulFreeSearchMixin
from .views import ZoneViews


@admin.register(Zone)
class ZoneAdmin(ZoneViews, NulFreeSearchMixin, admin.ModelAdmin):
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


@admin.register(City)
class CityAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "short", "code")
    search_fields = ("name", "short", "code")


@admin.register(County)
class CountyAdmin(NulFreeSearchMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "city")
    list_filter = ("city", "kind")
    search_fields = ("name", "short", "city__name")
