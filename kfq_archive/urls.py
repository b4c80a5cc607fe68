from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browse pages, feeds, sitemap, robots.txt, OpenSearch (articles/urls.py); keep this last.
    path("", include("articles.urls")),
]
