"""Correct, publish and re-parse through the admin, as an editor; search follows every change."""

import io
import os

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from haystack.query import SearchQuerySet

from articles.models import Article, Page, Zone
from articles.services.ingest import ingest_page

from .conftest import change_form_data

pytestmark = pytest.mark.django_db


def found(word: str) -> set[int]:
    """Ids of the articles the search index returns for ``word``."""
    return {int(result.pk) for result in SearchQuerySet().models(Article).auto_query(word)}


@pytest.fixture
def page(seed_paths, django_capture_on_commit_callbacks) -> Page:
    """The first seed page, loaded published and indexed (7 articles, the first about 亚宝药业)."""
    with django_capture_on_commit_callbacks(execute=True):  # the search signals index after commit
        result = ingest_page(seed_paths[0].read_bytes(), seed_paths[0].name, issue_year=2024, issue_number=15)
    return result.page


def changelist(model: str) -> str:
    return reverse(f"admin:articles_{model}_changelist")


def act(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(changelist(model), data, follow=True)


def logged(obj, flag=CHANGE) -> list[str]:
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(
            object_id=str(obj.pk), action_flag=flag, content_type__model=obj._meta.model_name
        )
    ]


def test_unpublish_and_publish_page_and_article(editor_client, page):
    first = page.articles.get(position=1)
    assert first.pk in found("亚宝药业")

    act(editor_client, "page", "unpublish", [page])
    assert not Article.objects.visible().filter(page=page).exists()
    assert first.pk not in found("亚宝药业")
    assert logged(page)

    act(editor_client, "page", "publish", [page])
    assert Article.objects.visible().filter(page=page).count() == 7
    assert first.pk in found("亚宝药业")

    act(editor_client, "article", "unpublish", [first])
    first.refresh_from_db()
    assert not first.is_published
    assert first.pk not in found("亚宝药业")
    assert "撤下" in " ".join(logged(first))
    response = editor_client.get(reverse("home"))
    assert "做强现代医药产业" not in response.content.decode()


def test_preview_lists_articles_and_publishes(editor_client, seed_paths):
    result = ingest_page(seed_paths[2].read_bytes(), "D1.txt", publish=False)
    url = reverse("admin:articles_page_preview", args=[result.page.pk])
    html = editor_client.get(url).content.decode()
    assert "山西省（环渤海）生物医药产业推介会在津举行" in html
    assert "未公开" in html
    response = editor_client.post(
        reverse("admin:articles_page_publish"),
        {"ids": str(result.page.pk), "publish": "1", "scope": "issues", "confirm": "yes"},  # seed 002 has a doubt
        follow=True,
    )
    assert response.status_code == 200
    result.page.refresh_from_db()
    assert result.page.is_published and result.page.issue.is_published
    assert Article.objects.visible().filter(page=result.page).count() == result.articles


def test_hand_edited_title_survives_reparse(editor_client, page):
    article = page.articles.get(position=2)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    data = change_form_data(response)
    data["title"] = "运城经开区召开第四次招商引资工作调度会"
    data["body"] = data["body"] + "\n\n## 编者按\n\n补充一段。"
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200, response.content.decode()[-2000:]
    article.refresh_from_db()
    assert article.title == "运城经开区召开第四次招商引资工作调度会"
    assert article.edited_by_hand
    assert article.paragraphs[-2:] == [{"kind": "h", "text": "编者按"}, {"kind": "p", "text": "补充一段。"}]
    assert article.pk in found("招商引资")
    assert logged(article)

    response = act(editor_client, "page", "reparse", [page])
    told = " ".join(str(message) for message in response.context["messages"])
    assert "人工修订" in told and "运城经开区召开第四次招商引资工作调度会" in told
    article.refresh_from_db()
    assert article.title == "运城经开区召开第四次招商引资工作调度会"
    assert page.articles.count() == 7
    assert page.articles.get(position=1).title == "“延链”“补链” 做强现代医药产业"
    assert found("亚宝药业") == {page.articles.get(position=1).pk}  # the old id is gone from the index


def test_publishing_only_is_not_a_hand_edit(editor_client, page):
    article = page.articles.get(position=3)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    data.pop("is_published")
    editor_client.post(url, data, follow=True)
    article.refresh_from_db()
    assert not article.is_published and not article.edited_by_hand


def test_merge_two_adjacent_articles(editor_client, page):
    second, third = page.articles.get(position=2), page.articles.get(position=3)
    third_title = third.title
    response = act(editor_client, "article", "merge", [second, third])
    assert "确认合并" in response.content.decode()
    assert Article.objects.filter(pk=third.pk).exists()  # nothing happens before the confirmation
    response = act(editor_client, "article", "merge", [second, third], confirm="yes")
    assert response.status_code == 200
    assert not Article.objects.filter(pk=third.pk).exists()
    second.refresh_from_db()
    assert any(paragraph["kind"] == "h" and third_title in paragraph["text"] for paragraph in second.paragraphs)
    assert second.edited_by_hand
    assert list(page.articles.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert "贺玉斌" in second.author_names()
    assert third.pk not in found("贺玉斌") and second.pk in found("贺玉斌")
    assert logged(third, DELETION) is not None and LogEntry.objects.filter(action_flag=DELETION).exists()


def test_merge_refuses_articles_that_are_not_adjacent(editor_client, page):
    first, third = page.articles.get(position=1), page.articles.get(position=3)
    response = act(editor_client, "article", "merge", [first, third], confirm="yes")
    assert "相邻" in " ".join(str(m) for m in response.context["messages"])
    assert page.articles.count() == 7


def test_split_an_article(editor_client, page):
    article = page.articles.get(position=1)
    count = len(article.paragraphs)
    url = reverse("admin:articles_article_split", args=[article.pk])
    assert "拆分" in editor_client.get(url).content.decode()
    response = editor_client.post(url, {"at": 2, "title": "后半篇"}, follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    new = page.articles.get(position=2)
    assert new.title == "后半篇"
    assert len(article.paragraphs) == 2 and len(new.paragraphs) == count - 2
    assert article.edited_by_hand and new.edited_by_hand
    assert page.articles.count() == 8
    assert list(page.articles.values_list("position", flat=True)) == list(range(1, 9))
    assert new.pk in found(new.paragraphs[0]["text"][:6])


def test_merge_a_discovered_zone_into_its_zone(editor_client, page):
    target = Zone.objects.get(name="风陵渡经济开发区")
    alias = Zone.objects.create(name="风陵渡开发区", source=Zone.Source.DISCOVERED, kind="经济开发区")
    article = page.articles.get(position=1)
    article.zones.add(alias)
    Article.objects.filter(pk=article.pk).update(zone=alias)

    response = editor_client.get(changelist("zone"), {"source__exact": "discovered"})
    assert "风陵渡开发区" in response.content.decode()

    response = act(editor_client, "zone", "merge_into", [alias])
    assert "确认合并开发区" in response.content.decode()
    act(editor_client, "zone", "merge_into", [alias], confirm="yes", target=target.pk)
    assert not Zone.objects.filter(pk=alias.pk).exists()
    target.refresh_from_db()
    assert "风陵渡开发区" in target.aliases
    article.refresh_from_db()
    assert article.zone == target
    assert set(article.zones.values_list("name", flat=True)) == {"风陵渡经济开发区"} | (
        set(article.zones.values_list("name", flat=True)) - {"风陵渡开发区"}
    )
    assert "风陵渡开发区" not in article.zones.values_list("name", flat=True)
    assert logged(target)


def test_autocomplete_for_zones_and_authors(editor_client, page):
    url = reverse("admin:autocomplete")
    zones = editor_client.get(
        url, {"app_label": "articles", "model_name": "article", "field_name": "zone", "term": "风陵渡"}
    )
    assert zones.status_code == 200
    assert any("风陵渡" in item["text"] for item in zones.json()["results"])
    authors = editor_client.get(
        url, {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": "王波"}
    )
    assert authors.status_code == 200
    assert [item["text"] for item in authors.json()["results"]] == ["王波"]


def test_delete_article_leaves_the_index(editor_client, page):
    article = page.articles.get(position=1)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    editor_client.post(url, {"post": "yes"}, follow=True)
    assert not Article.objects.filter(pk=article.pk).exists()
    assert article.pk not in found("亚宝药业")


def test_editor_group_permissions():
    group = Group.objects.get(name="编辑")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_page", "change_article", "change_zone", "delete_zone", "change_issue", "view_author"} <= codenames
    assert not {"add_issue", "add_zone", "delete_issue", "add_city", "change_city"} & codenames
    assert not any(name.endswith(("_user", "_group", "_permission")) for name in codenames)


def test_create_editor_command(monkeypatch):
    monkeypatch.setenv("KFQ_TEST_PASSWORD", "long-enough-pass-2026")
    out = io.StringIO()
    call_command(
        "create_editor", "wang", "--email", "wang@example.org", "--password-from-env", "KFQ_TEST_PASSWORD", stdout=out
    )
    user = User.objects.get(username="wang")
    assert user.is_staff and not user.is_superuser and user.email == "wang@example.org"
    assert user.check_password("long-enough-pass-2026")
    assert user.groups.filter(name="编辑").exists()
    assert user.has_perm("articles.add_page") and not user.has_perm("auth.add_user")
    assert "wang" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("create_editor", "li", "--password-from-env", "KFQ_UNSET_VARIABLE_X")
    monkeypatch.setenv("KFQ_WEAK", "123")
    with pytest.raises(CommandError):
        call_command("create_editor", "li", "--password-from-env", "KFQ_WEAK")
    assert not User.objects.filter(username="li").exists()
    assert "KFQ_UNSET_VARIABLE_X" not in os.environ


def test_issue_change_list_offers_upload(editor_client):
    html = editor_client.get(changelist("issue")).content.decode()
    assert "上传版面" in html


def test_reparse_after_merge_and_split_shows_nothing_twice(editor_client, page):
    second, third = page.articles.get(position=2), page.articles.get(position=3)
    act(editor_client, "article", "merge", [second, third], confirm="yes")
    editor_client.post(reverse("admin:articles_article_split", args=[page.articles.get(position=5).pk]), {"at": 1})
    titles_before = list(page.articles.values_list("title", flat=True))
    bodies_before = list(page.articles.values_list("body_text", flat=True))
    assert len(titles_before) == 7

    act(editor_client, "page", "reparse", [page])
    assert list(page.articles.values_list("title", flat=True)) == titles_before
    assert list(page.articles.values_list("body_text", flat=True)) == bodies_before
    assert found("亚宝药业") == {page.articles.get(position=1).pk}


def test_reparse_after_merge_does_not_bring_the_last_article_back(editor_client, page):
    last_title = page.articles.get(position=7).title
    act(
        editor_client, "article", "merge", [page.articles.get(position=2), page.articles.get(position=3)], confirm="yes"
    )
    response = act(editor_client, "page", "reparse", [page])
    told = " ".join(str(message) for message in response.context["messages"])
    assert "0 篇新增" in told  # the merged article stands for both; nothing comes back
    assert page.articles.count() == 6
    assert list(page.articles.values_list("title", flat=True)).count(last_title) == 1


def test_split_at_a_heading_too_long_for_a_title_keeps_it_as_a_paragraph(editor_client, page):
    """An editor's section heading may be longer than a title column holds (PostgreSQL refused the split)."""
    article = page.articles.get(position=1)
    heading = "很长的小标题" * 60
    Article.objects.filter(pk=article.pk).update(paragraphs=[*article.paragraphs[:2], {"kind": "h", "text": heading}])
    url = reverse("admin:articles_article_split", args=[article.pk])
    response = editor_client.post(url, {"at": 2}, follow=True)
    assert response.status_code == 200
    new = page.articles.get(position=2)
    assert new.title == "" and new.paragraphs == [{"kind": "h", "text": heading}]
