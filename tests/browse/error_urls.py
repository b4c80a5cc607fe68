"""URLs for the 500 test: the site's own, plus one view that fails."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("broken/", broken),
    path("", include("articles.urls")),
]
