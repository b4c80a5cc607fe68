"""Reader-facing URLs (browse pages, feeds, sitemap, robots.txt, OpenSearch)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import feeds, page_images, views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/<slug:slug>/", views.city, name="city"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/<int:pk>/", views.zone, name="zone"),
    path("issues/", views.issue_list, name="issue_list"),
    # Digits alone are a year (2024); an issue's key always has more (2024-16, 2024-04-26, id-7: ISSUE_KEY).
    re_path(r"^issues/(?P<year>[1-9][0-9]{0,4})/$", views.issue_year, name="issue_year"),
    path("issues/<str:key>/", views.issue, name="issue"),
    path("pages/<int:pk>/", views.page, name="page"),
    path("pages/<int:pk>/<str:size>.webp", page_images.page_image, name="page_image"),
    path("articles/<int:pk>/", views.article, name="article"),
    re_path(r"^articles/(?P<pk>[0-9]+)/cite\.(?P<form>ris|bib)$", views.article_citation, name="article_citation"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<int:pk>/", views.author, name="author"),
    path("feeds/latest.rss", feeds.LatestArticles(), name="feed_latest"),
    path("feeds/latest.atom", feeds.LatestArticlesAtom(), name="feed_latest_atom"),
    path("feeds/zones/<int:pk>.rss", feeds.ZoneArticles(), name="feed_zone"),
    path("feeds/zones/<int:pk>.atom", feeds.ZoneArticlesAtom(), name="feed_zone_atom"),
    path("feeds/cities/<slug:slug>.rss", feeds.CityArticles(), name="feed_city"),
    path("feeds/cities/<slug:slug>.atom", feeds.CityArticlesAtom(), name="feed_city_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
