"""Publishing what the parser was unsure of asks once more, listing its warnings (from the preview and
from the list actions); what it was sure of is published at once."""

import re

import pytest
from django.urls import reverse

from articles.models import Article, Issue
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db

DOUBTFUL = (
    "开发区建设 2024年第30期\n\n# 云中河经济技术开发区签约十个项目\n\n科学导报讯 "
    + "云中河经济技术开发区签约项目。" * 10
)
DOUBTFUL += "\n\n# 一则短讯\n\n签约三个项目。\n"


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_publishing_an_issue_with_warnings_from_the_preview_asks_first(editor_client):
    page = ingest_page(DOUBTFUL.encode(), "D1.txt", publish=False).page
    preview = editor_client.get(reverse("admin:articles_page_preview", args=[page.pk]))
    form = {"ids": str(page.pk), "versions": preview.context["page_versions"], "publish": "1", "scope": "issues"}
    asked = editor_client.post(reverse("admin:articles_page_publish"), form)
    html = asked.content.decode()
    assert asked.status_code == 200 and "确认公开" in html
    assert "一则短讯" in html and "误拆的片段" in html
    page.refresh_from_db()
    assert not page.is_published

    confirmed = hidden_fields(html)
    assert confirmed["confirm"] == "yes"
    editor_client.post(reverse("admin:articles_page_publish"), confirmed)
    page.refresh_from_db()
    assert page.is_published and page.issue.is_published
    assert Article.objects.visible().filter(page=page).count() == 2


def test_publishing_from_the_issue_list_asks_first_too(editor_client):
    page = ingest_page(DOUBTFUL.encode(), "D1.txt", publish=False).page
    Issue.objects.filter(pk=page.issue_id).update(is_published=False)
    changelist = reverse("admin:articles_issue_changelist")
    asked = editor_client.post(changelist, {"action": "publish", "_selected_action": [page.issue_id]})
    assert "确认公开" in asked.content.decode()
    assert not Issue.objects.get(pk=page.issue_id).is_published
    editor_client.post(changelist, {"action": "publish", "_selected_action": [page.issue_id], "confirm": "yes"})
    assert Issue.objects.get(pk=page.issue_id).is_published


def test_a_page_without_warnings_is_published_at_once(editor_client, seed_paths):
    page = ingest_page(seed_paths[4].read_bytes(), "D1.txt", publish=False).page  # seed 004 raises no doubt
    assert not any(article.warnings for article in page.articles.all())
    editor_client.post(reverse("admin:articles_page_publish"), {"ids": str(page.pk), "publish": "1"})
    page.refresh_from_db()
    assert page.is_published


def test_the_article_list_filters_by_kind_of_warning(editor_client):
    ingest_page(DOUBTFUL.encode(), "D1.txt", publish=False)
    changelist = reverse("admin:articles_article_changelist")
    html = editor_client.get(changelist + "?warnings=short_body").content.decode()
    assert "一则短讯" in html and "云中河经济技术开发区签约十个项目" not in html
    assert "正文过短" in editor_client.get(changelist).content.decode()  # offered as a filter


def test_a_plainly_new_zone_is_no_doubt_but_the_preview_marks_it_for_checking(editor_client):
    text = "开发区建设 2024年第31期\n\n# 平遥经济开发区签约十个项目\n\n科学导报讯 " + "平遥经济开发区签约项目。" * 10
    page = ingest_page(text.encode(), "D1.txt", publish=False).page
    (article,) = page.articles.all()
    assert article.zone.name == "平遥经济开发区" and article.warnings == []
    html = editor_client.get(reverse("admin:articles_page_preview", args=[page.pk])).content.decode()
    assert "文中发现" in html and reverse("admin:articles_zone_change", args=[article.zone.pk]) in html
