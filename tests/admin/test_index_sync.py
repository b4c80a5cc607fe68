"""The search index follows every change made through the admin by one mechanism: the search app's signal
handlers (``articles/search/signals.py``). The admin keeps no index bookkeeping of its own, so each test
here changes something as an editor's browser does (GET the form or the change list, then POST), then
asks the site's search (the JSON API) and the real ``manage.py check_index`` what the index holds.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.urls import reverse

from articles.models import Article, Issue, Page, Zone
from articles.services.ingest import ingest_page

from . import test_editing
from .conftest import CommittingClient, change_form_data
from .test_permanence import index_matches_database

pytestmark = pytest.mark.django_db

page = test_editing.page  # the fixture: the first seed page, published and indexed (7 articles)

OLD_ZONE = "风陵渡经济开发区"  # the primary zone of the page's first article (亚宝药业)


def searched(client, **params) -> dict:
    """The site's answer to a search (the JSON API, as a reader's program asks it)."""
    response = client.get(reverse("api_search"), params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(client, **params) -> set[int]:
    return {hit["id"] for hit in searched(client, **params)["results"]}


def count(client, **params) -> int:
    return searched(client, **params)["count"]


def change(client, model: str, obj, edit) -> None:
    """Open the object's change form, let ``edit`` change the data a browser would send, save."""
    url = reverse(f"admin:articles_{model}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    edit(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]


def delete(client, model: str, objects, how: str) -> None:
    """Delete through the admin: one object's delete page, or the change list's 删除所选 action."""
    if how == "view":
        (obj,) = objects
        url = reverse(f"admin:articles_{model}_delete", args=[obj.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"post": "yes"})
    else:
        url = reverse(f"admin:articles_{model}_changelist")
        assert client.get(url).status_code == 200
        data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
        assert client.post(url, data).status_code == 200  # the confirmation page
        response = client.post(url, {**data, "post": "yes"})
    assert response.status_code == 302, response.content.decode()[-3000:]


def act(client, model: str, action: str, objects, **extra) -> None:
    url = reverse(f"admin:articles_{model}_changelist")
    assert client.get(url).status_code == 200
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    assert client.post(url, data).status_code == 302


@pytest.fixture
def superuser_client(editor):
    """Deleting an issue is for administrators (the 编辑 group may not)."""
    client = CommittingClient()
    client.force_login(User.objects.create_superuser("admin", password="pw-admin-2026"))
    return client


# --- change forms -------------------------------------------------------------------------------------


def test_an_article_body_edited_in_its_change_form_is_what_search_finds(editor_client, client, page):
    article = page.articles.get(position=1)
    assert ids(client, q="亚宝药业") == {article.pk}

    change(
        editor_client, "article", article, lambda data: data.update(body=data["body"].replace("亚宝药业", "鲲鹏药业"))
    )
    assert ids(client, q="鲲鹏药业") == {article.pk}
    assert count(client, q="亚宝药业") == 0
    assert index_matches_database()


def test_an_article_hidden_and_shown_again_in_its_change_form(editor_client, client, page):
    article = page.articles.get(position=1)
    change(editor_client, "article", article, lambda data: data.pop("is_published"))
    assert count(client, q="亚宝药业") == 0
    assert index_matches_database()

    change(editor_client, "article", article, lambda data: data.update(is_published="on"))
    assert ids(client, q="亚宝药业") == {article.pk}
    assert index_matches_database()


def test_an_article_caption_and_author_edited_inline(editor_client, client, page):
    article = page.articles.get(position=1)

    def edit(data):
        data["authorships-0-author"] = str(article.authorships.get(order=1).author_id)
        data["captions-TOTAL_FORMS"] = "1"
        data.update({"captions-0-position": "1", "captions-0-text": "鲲鹏药业新厂区", "captions-0-credit": ""})

    change(editor_client, "article", article, edit)
    assert ids(client, q="鲲鹏药业新厂区") == {article.pk}
    assert index_matches_database()


def test_a_page_hidden_shown_and_moved_to_another_issue_in_its_change_form(editor_client, client, page):
    change(editor_client, "page", page, lambda data: data.pop("is_published"))
    assert count(client, q="") == 0
    assert index_matches_database()

    other = Issue.objects.create(year=2024, number=16, date=None)
    change(editor_client, "page", page, lambda data: data.update(is_published="on", issue=str(other.pk)))
    assert count(client, issue="2024-16") == 7
    assert count(client, issue="2024-15") == 0
    assert index_matches_database()


def test_a_zone_renamed_in_its_change_form(editor_client, client, page):
    zone = Zone.objects.get(name=OLD_ZONE)
    article = page.articles.get(position=1)
    assert ids(client, zone=OLD_ZONE) == {article.pk}

    change(editor_client, "zone", zone, lambda data: data.update(name="风陵渡经济开发区（更名）"))
    assert ids(client, zone="风陵渡经济开发区（更名）") == {article.pk}
    assert count(client, zone=OLD_ZONE) == 0
    assert index_matches_database()


def test_an_issue_renumbered_in_its_change_form(editor_client, client, page):
    change(editor_client, "issue", page.issue, lambda data: data.update(number="17"))
    assert count(client, issue="2024-17") == 7
    assert count(client, issue="2024-15") == 0
    assert index_matches_database()


# --- deleting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["view", "changelist"])
def test_deleting_articles(editor_client, client, page, how):
    first, last = page.articles.get(position=1), page.articles.get(position=7)
    # The last article has neither authors nor captions: only its own deletion can tell the index.
    assert not last.authorships.exists() and not last.captions.exists()
    doomed = [last] if how == "view" else [first, last]
    delete(editor_client, "article", doomed, how)
    left = set(page.articles.values_list("pk", flat=True))
    assert len(left) == 7 - len(doomed)
    assert ids(client, q="") == left
    assert count(client, q="亚宝药业") == (0 if first in doomed else 1)
    assert index_matches_database()


@pytest.mark.parametrize("how", ["view", "changelist"])
def test_deleting_a_page(editor_client, client, page, how):
    delete(editor_client, "page", [page], how)
    assert not Article.objects.exists()
    assert count(client, q="") == 0
    assert index_matches_database()


@pytest.mark.parametrize("how", ["view", "changelist"])
def test_deleting_a_zone_leaves_its_articles_without_it(editor_client, client, page, how):
    article = page.articles.get(position=1)
    delete(editor_client, "zone", [Zone.objects.get(name=OLD_ZONE)], how)
    assert count(client, zone=OLD_ZONE) == 0
    assert ids(client, q="亚宝药业") == {article.pk}
    assert index_matches_database()


@pytest.mark.parametrize("how", ["view", "changelist"])
def test_deleting_an_issue_leaves_its_pages_without_one(superuser_client, client, page, how):
    delete(superuser_client, "issue", [page.issue], how)
    assert Page.objects.get(pk=page.pk).issue is None
    assert count(client, issue="2024-15") == 0
    assert count(client, q="") == 7
    assert index_matches_database()


# --- publishing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["issue", "page", "article"])
def test_unpublish_and_publish_actions(editor_client, client, page, model):
    objects = {"issue": [page.issue], "page": [page], "article": list(page.articles.all())}[model]
    act(editor_client, model, "unpublish", objects)
    assert count(client, q="") == 0
    assert index_matches_database()

    act(editor_client, model, "publish", objects, confirm="yes")
    assert count(client, q="") == 7
    assert index_matches_database()


def test_publishing_an_issue_in_its_change_form_publishes_its_pages(
    editor_client, client, seed_paths, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_page(
            seed_paths[0].read_bytes(), seed_paths[0].name, issue_year=2024, issue_number=15, publish=False
        )
    Issue.objects.filter(pk=result.page.issue_id).update(is_published=False)  # an issue withdrawn earlier
    assert count(client, q="") == 0

    change(editor_client, "issue", result.page.issue, lambda data: data.update(is_published="on"))
    assert count(client, q="") == result.articles == 7
    assert index_matches_database()


def test_a_city_renamed_in_its_change_form(superuser_client, client, page):
    """Only administrators edit cities; the index's city field follows (it had no signal of its own)."""
    article = page.articles.get(position=1)
    city = article.city
    before = count(client, city=city.short)
    assert article.pk in ids(client, city=city.short)

    change(superuser_client, "city", city, lambda data: data.update(short=city.short + "市区"))
    assert count(client, city=city.short + "市区") == before
    assert count(client, city=city.short) == 0
    assert index_matches_database()
