from django.urls import include, path

urlpatterns = [
    # Browse pages, feeds, sitemap, robots.txt, OpenSearch (articles/urls.py); keep this last.
    path("", include("articles.urls")),
]
