from django.contrib import admin
from django.urls import include, path, re_path

from articles.search import views as search_views
from kfq_archive.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # Load balancers and the container's HEALTHCHECK (kfq_archive/health.py); exempt from the HTTPS redirect.
    path("healthz", healthz, name="healthz"),
    # Search page and JSON API (articles/search/views.py).
    path("search/", search_views.search_page, name="search"),
    path("api/v1/search/", search_views.api_search, name="api_search"),
    path("api/v1/articles/<int:pk>/", search_views.api_article, name="api_article"),
    re_path(r"^api/", search_views.api_not_found),  # a JSON 404 for API clients, not the HTML page
    # Browse pages, feeds, sitemap, robots.txt, OpenSearch (articles/urls.py); keep this last.
    path("", include("articles.urls")),
]
