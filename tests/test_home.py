import pytest
from django.urls import reverse

from articles.models import Article, Issue
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db

TEXT = "长子经开区加速项目建设\n\n科学导报讯 日前，长子经济技术开发区以项目建设为抓手。\n"


def test_home_without_articles(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "开发区建设专刊数字档案" in response.text
    assert "还没有文章" in response.text


def test_home_lists_visible_articles(client):
    ingest_page(TEXT.encode(), "a.txt", issue_year=2024, issue_number=16)
    response = client.get("/")
    assert response.status_code == 200
    assert "2024-16" in response.text
    assert "还没有文章" not in response.text


def test_visible_needs_article_page_and_issue_published():
    ingest_page(TEXT.encode(), "a.txt", issue_year=2024, issue_number=16)
    ingest_page(("另一版\n" + TEXT).encode(), "b.txt")  # no issue known
    assert Article.objects.visible().count() == 2

    Issue.objects.update(is_published=False)
    assert list(Article.objects.visible().values_list("page__source_file", flat=True)) == ["b.txt"]
    Issue.objects.update(is_published=True)

    page_b = Article.objects.get(page__source_file="b.txt").page
    page_b.is_published = False
    page_b.save()
    assert list(Article.objects.visible().values_list("page__source_file", flat=True)) == ["a.txt"]

    Article.objects.filter(page__source_file="a.txt").update(is_published=False)
    assert not Article.objects.visible().exists()
