"""The search page and the JSON API."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/advanced/", views.advanced_search, name="search_advanced"),
    re_path(r"^search/feed\.(?P<kind>rss|atom)$", views.search_feed, name="search_feed"),
    re_path(r"^search/export\.(?P<extension>csv|ris|bib)$", views.search_export, name="search_export"),
    path("api/v1/search/", views.api_search, name="api_search"),
    path("api/v1/articles/<int:pk>/", views.api_article, name="api_article"),
    re_path(r"^api/", views.api_not_found),  # a JSON 404 for API clients, not the HTML page
]
