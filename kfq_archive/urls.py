from django.contrib import admin
from django.urls import include, path

from kfq_archive.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # Load balancers and the container's HEALTHCHECK (kfq_archive/health.py); exempt from the HTTPS redirect.
    path("healthz", healthz, name="healthz"),
    # Search page and JSON API (articles/search/urls.py).
    path("", include("articles.search.urls")),
    # Browse pages, feeds, sitemap, robots.txt, OpenSearch (articles/urls.py); keep this last.
    path("", include("articles.urls")),
]
