"""The record holds: an editor's correction is never lost, and an article's URL never dies.

Through the admin over the test client as a browser does (change form GET, then POST), with real
re-parses (``manage.py reparse`` and the admin action) and two editors.
"""

import json
from io import StringIO
from urllib.parse import unquote

import pytest
from django.contrib.admin import ModelAdmin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article, Issue, Page, RetiredArticle
from articles.services.ingest import ingest_page

from .conftest import CommittingClient, change_form_data
from .test_editing import act, found

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(seed_paths, django_capture_on_commit_callbacks) -> Page:
    """The first seed page, published and indexed: 7 articles (亚宝药业 first, 招商引资 second, 五大行动 third)."""
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_page(seed_paths[0].read_bytes(), seed_paths[0].name, issue_year=2024, issue_number=15)
    return result.page


@pytest.fixture
def second_editor_client(editor):
    user = User.objects.create_user("editor2", password="pw-editor2-2026", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client = CommittingClient()
    client.force_login(user)
    return client


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def index_matches_database() -> str:
    out = StringIO()
    try:
        call_command("check_index", stdout=out)
    except CommandError as error:
        raise AssertionError(out.getvalue()) from error
    return out.getvalue()


def reparse_everything():
    with TestCase.captureOnCommitCallbacks(execute=True):  # the index follows once the re-parse commits
        call_command("reparse", stdout=StringIO())


# --- no correction lost -------------------------------------------------------------------------------


def test_a_body_only_correction_is_kept_through_reparses_with_its_history_and_can_be_undone(editor_client, page):
    article = page.articles.get(position=2)
    original_body = article.body_text
    response = editor_client.get(change_url(article))
    data = change_form_data(response)
    assert "12个参会部门" in data["body"]
    data["body"] = data["body"].replace("12个参会部门", "12个参会部门和鲲鹏计划专班")
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.status_code == 200

    article.refresh_from_db()
    assert article.edited_by_hand, "a body-only edit must mark the article 人工修订"
    assert "鲲鹏计划专班" in article.body_text
    history = LogEntry.objects.filter(object_id=str(article.pk)).first().get_change_message()
    assert "正文" in history and "没有字段被修改" not in history

    reparse_everything()
    act(editor_client, "page", "reparse", [page])
    article.refresh_from_db()
    assert "鲲鹏计划专班" in article.body_text
    assert article.pk in found("鲲鹏计划专班")

    revisions = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    html = revisions.content.decode()
    assert "12个参会部门<ins>和鲲鹏计划专班</ins>" in html
    versions = revisions.context["rows"]
    oldest = versions[-1]["snapshot"].version
    assert "鲲鹏计划专班" not in " ".join(p["text"] for p in oldest.field_dict["paragraphs"])

    response = editor_client.post(
        reverse("admin:articles_article_revisions", args=[article.pk]), {"version": oldest.pk}, follow=True
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.body_text == original_body
    assert article.pk not in found("鲲鹏计划专班")
    assert index_matches_database()


def test_a_caption_only_correction_marks_the_article_and_bumps_its_version(editor_client, seed_paths):
    result = ingest_page(seed_paths[1].read_bytes(), seed_paths[1].name)
    article = next(a for a in result.page.articles.all() if a.captions.exists())
    response = editor_client.get(change_url(article))
    data = change_form_data(response)
    key = next(name for name in data if name.startswith("captions-") and name.endswith("-text"))
    data[key] = "编辑改写的图片说明"
    editor_client.post(change_url(article), data, follow=True)
    article.refresh_from_db()
    assert article.edited_by_hand and article.version == 2
    assert article.captions.filter(text="编辑改写的图片说明").exists()


# --- no URL dies --------------------------------------------------------------------------------------


def test_every_seed_url_answers_with_the_same_title_after_everything_is_reparsed(client, indexed_seeds):
    before = {article.get_absolute_url(): article.title for article in Article.objects.visible()}
    assert len(before) == 25
    reparse_everything()
    for url, title in before.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert escape(title) in response.content.decode()
    assert Article.objects.count() == 25


def test_a_better_parser_merging_two_articles_keeps_the_first_id_and_redirects_the_second(client, page):
    second, third = page.articles.get(position=2), page.articles.get(position=3)
    # The third article's kicker and title no longer read as a heading: its body joins the second.
    text = page.raw_text.replace("古县经济技术开发区\n\n实施五大行动 打造开发区建设升级版\n\n", "")
    Page.objects.filter(pk=page.pk).update(raw_text=text)
    reparse_everything()

    merged = Article.objects.get(pk=second.pk)
    assert merged.title == second.title and "五大行动" in merged.body_text
    assert not Article.objects.filter(pk=third.pk).exists()
    response = client.get(third.get_absolute_url() + "?hl=五大行动")
    assert response.status_code == 301
    assert unquote(response["Location"]) == second.get_absolute_url() + "?hl=五大行动"
    api = client.get(reverse("api_article", args=[third.pk]))
    assert api.status_code == 301 and api.json()["moved_to"] == second.pk
    assert api["Location"] == reverse("api_article", args=[second.pk])
    assert page.articles.count() == 6
    assert index_matches_database()


def test_a_better_parser_splitting_an_article_keeps_its_id_for_the_first_part(client, page):
    first = page.articles.get(position=1)
    ids = set(page.articles.values_list("pk", flat=True))
    text = page.raw_text.replace("三是建立工作专班", "风陵渡经济开发区\n\n组建招商专班\n\n三是建立工作专班", 1)
    Page.objects.filter(pk=page.pk).update(raw_text=text)
    reparse_everything()

    assert page.articles.count() == 8
    assert ids < set(page.articles.values_list("pk", flat=True))
    kept = Article.objects.get(pk=first.pk)
    assert kept.title == first.title and "三是建立工作专班" not in kept.body_text
    assert client.get(first.get_absolute_url()).status_code == 200
    assert page.articles.get(title="组建招商专班").position == 2
    assert index_matches_database()


def test_merge_split_and_delete_through_the_admin_leave_no_dead_url(editor_client, client, page):
    first, second = page.articles.get(position=2), page.articles.get(position=3)
    act(editor_client, "article", "merge", [first, second], confirm="yes")
    assert client.get(second.get_absolute_url())["Location"] == first.get_absolute_url()

    editor_client.post(reverse("admin:articles_article_split", args=[first.pk]), {"at": 3})
    assert client.get(first.get_absolute_url()).status_code == 200  # the first part keeps the id
    assert client.get(second.get_absolute_url()).status_code == 301

    doomed = page.articles.get(position=5)
    editor_client.post(reverse("admin:articles_article_delete", args=[doomed.pk]), {"post": "yes"})
    response = client.get(doomed.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "已被编辑删除" in html and doomed.title in html
    assert page.issue.get_absolute_url() in html
    api = client.get(reverse("api_article", args=[doomed.pk]))
    assert api.status_code == 410 and "已撤除" in api.json()["error"]

    # A re-parse neither brings back the deleted article nor the merged second one.
    reparse_everything()
    titles = list(page.articles.values_list("title", flat=True))
    assert doomed.title not in titles and second.title not in titles
    assert client.get(doomed.get_absolute_url()).status_code == 410
    assert index_matches_database()


def test_a_deleted_newest_article_does_not_hand_its_id_to_the_next(editor_client, page):
    newest = page.articles.order_by("-pk").first()
    editor_client.post(reverse("admin:articles_article_delete", args=[newest.pk]), {"post": "yes"})
    article = page.articles.get(position=1)
    editor_client.post(reverse("admin:articles_article_split", args=[article.pk]), {"at": 1})
    assert Article.objects.order_by("-pk").first().pk > newest.pk
    assert RetiredArticle.objects.filter(pk=newest.pk).exists()


def test_a_never_used_id_and_a_hidden_article_are_plain_404s(client, page):
    hidden = page.articles.get(position=1)
    Article.objects.filter(pk=hidden.pk).update(is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("article", args=[999_999])).status_code == 404
    assert client.get(reverse("api_article", args=[999_999])).status_code == 404


# --- no silent overwrite ------------------------------------------------------------------------------


def test_a_stale_save_is_refused_showing_the_other_editors_change_and_keeping_the_input(
    editor_client, second_editor_client, page
):
    article = page.articles.get(position=2)
    form_a = change_form_data(editor_client.get(change_url(article)))
    form_b = change_form_data(second_editor_client.get(change_url(article)))

    form_a["body"] += "\n\n编辑甲补充的一段。"
    assert editor_client.post(change_url(article), form_a).status_code == 302

    form_b["title"] = "编辑乙改的标题"
    response = second_editor_client.post(change_url(article), form_b)
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert "保存未成功" in html
    assert "<ins>编辑甲补充的一段。</ins>" in html
    assert "编辑乙改的标题" in html  # the editor's input is still in the form
    article.refresh_from_db()
    assert article.title != "编辑乙改的标题"
    assert article.body_text.endswith("编辑甲补充的一段。")

    # Having seen it, the editor saves again on purpose.
    again = change_form_data(response)
    again["title"] = "编辑乙改的标题"
    assert second_editor_client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.title == "编辑乙改的标题"


def test_a_page_form_opened_before_a_reparse_cannot_undo_it(editor_client, second_editor_client, page):
    url = reverse("admin:articles_page_change", args=[page.pk])
    form = change_form_data(editor_client.get(url))
    act(second_editor_client, "page", "unpublish", [page])
    form["label"] = "D2"
    response = editor_client.post(url, form)
    assert response.status_code == 200 and "保存未成功" in response.content.decode()
    page.refresh_from_db()
    assert not page.is_published and page.label != "D2"


def test_publishing_from_a_preview_that_is_out_of_date_is_refused(editor_client, seed_paths):
    result = ingest_page(seed_paths[2].read_bytes(), "D1.txt", publish=False)
    preview = editor_client.get(reverse("admin:articles_page_preview", args=[result.page.pk]))
    versions = preview.context["page_versions"]
    call_command("reparse", "--page", str(result.page.pk), stdout=StringIO())
    response = editor_client.post(
        reverse("admin:articles_page_publish"),
        {"ids": str(result.page.pk), "versions": versions, "publish": "1", "scope": "issues"},
        follow=True,
    )
    assert "打开预览之后已被修改" in response.content.decode()
    result.page.refresh_from_db()
    assert not result.page.is_published


# --- history in the same transaction ------------------------------------------------------------------


def test_publishing_and_its_history_entry_commit_together(editor_client, page, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("the worker died while writing the history")

    monkeypatch.setattr(ModelAdmin, "log_change", crash)
    with pytest.raises(RuntimeError):
        act(editor_client, "page", "unpublish", [page])
    page.refresh_from_db()
    assert page.is_published  # neither the change nor its history


def test_an_upload_and_its_history_entry_commit_together(editor_client, seed_paths, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("the worker died while writing the history")

    monkeypatch.setattr(ModelAdmin, "log_addition", crash)
    with pytest.raises(RuntimeError):
        editor_client.post(
            reverse("admin:articles_page_upload"),
            {"files": [_upload(seed_paths[2])]},
        )
    assert not Page.objects.exists() and not Issue.objects.filter(pages__isnull=False).exists()


def _upload(path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def test_api_gone_body_is_json(client, page):
    article = page.articles.get(position=7)
    pk = article.pk
    article.delete()
    response = client.get(reverse("api_article", args=[pk]))
    body = json.loads(response.content)
    assert response.status_code == 410 and body["reason"] == "deleted"
