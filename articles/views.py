from django.shortcuts import render

from .models import Article


def home(request):
    articles = Article.objects.visible().with_related()
    return render(request, "articles/home.html", {"articles": articles})
