"""Every admin screen an editor uses renders (lists, change forms, preview, split), and outsiders are kept out."""

import pytest
from django.urls import reverse

from articles.models import Article, Zone
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(seed_paths):
    return ingest_page(seed_paths[2].read_bytes(), "D1.txt", publish=False).page


@pytest.mark.parametrize("model", ["issue", "page", "article", "zone", "author", "city", "county"])
def test_change_lists_render(editor_client, page, model):
    response = editor_client.get(reverse(f"admin:articles_{model}_changelist"))
    assert response.status_code == 200


def test_change_forms_and_tools_render(editor_client, page):
    article = page.articles.get(position=1)
    zone = Zone.objects.filter(source=Zone.Source.GAZETTEER).first()
    for url in (
        reverse("admin:articles_issue_change", args=[page.issue.pk]),
        reverse("admin:articles_page_change", args=[page.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_zone_change", args=[zone.pk]),
        reverse("admin:articles_page_preview", args=[page.pk]),
        reverse("admin:articles_article_split", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:index"),
    ):
        response = editor_client.get(url)
        assert response.status_code == 200, url
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "正文段落" in html and "拆成两篇文章" in html


def test_adding_a_page_leads_to_the_upload(editor_client):
    response = editor_client.get(reverse("admin:articles_page_add"))
    assert response.status_code == 302 and response["Location"].endswith("/admin/articles/page/upload/")


def test_publish_redirect_stays_on_the_site(editor_client, page):
    response = editor_client.post(
        reverse("admin:articles_page_publish"),
        {"ids": str(page.pk), "publish": "1", "confirm": "yes", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert Article.objects.visible().filter(page=page).count() == page.articles.count()


def test_non_editor_staff_sees_none_of_it(client, django_user_model, page):
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(staff)
    for url in (
        reverse("admin:articles_page_preview", args=[page.pk]),
        reverse("admin:articles_article_split", args=[page.articles.first().pk]),
        reverse("admin:articles_page_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("admin:articles_page_publish"), {"ids": str(page.pk), "publish": "1"})
    assert response.status_code == 403
    assert not Article.objects.visible().exists()


def test_warnings_filter(editor_client, page):
    Article.objects.filter(page=page).update(warnings=[])
    Article.objects.filter(page=page, position=2).update(warnings=["标题不确定 / unsure title"])
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"warnings": "yes"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset.values_list("position", flat=True)) == [2]


def test_issue_autocomplete_on_the_page_form(editor_client, page):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "page", "field_name": "issue", "term": "2024"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["2024-16"]
