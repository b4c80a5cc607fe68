"""The benchmark saves through the admin over HTTP as a browser would: its form reader (bench/admin_form.py)
must send what the rendered change form holds, so a save changes only what the editor changed."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from articles.models import Article
from bench.admin_form import form_fields, with_value

from .conftest import change_form_data
from .test_editing import found, page  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_change_form_read_from_html_holds_what_the_form_renders(editor_client, page):  # noqa: F811
    article = page.articles.get(position=1)
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    read = {}
    for name, value in form_fields(response.content.decode(), "article_form"):
        read.setdefault(name, []).append(value)
    assert read.pop("csrfmiddlewaretoken")
    # The inlines' empty templates are sent too (a browser does), and ignored by the formsets.
    assert any("__prefix__" in name for name in read)
    read = {name: values for name, values in read.items() if "__prefix__" not in name}
    expected = {
        name: value if isinstance(value, list) else [value] for name, value in change_form_data(response).items()
    }
    # An unticked 删除 box: the test helper sends it empty, a browser not at all (the same to Django).
    expected = {name: values for name, values in expected.items() if not (name.endswith("-DELETE") and values == [""])}
    assert {name: sorted(values) for name, values in read.items()} == {
        name: sorted(values) for name, values in expected.items()
    }


def test_posting_the_read_form_with_a_new_title_changes_only_the_title(editor_client, page):  # noqa: F811
    article = page.articles.get(position=1)
    url = reverse("admin:articles_article_change", args=[article.pk])
    before = Article.objects.with_related().get(pk=article.pk)
    fields = form_fields(editor_client.get(url).content.decode(), "article_form")
    body = urlencode(with_value(fields, "title", "测速标记 " + article.title))  # as the benchmark sends it
    response = editor_client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    after = Article.objects.with_related().get(pk=article.pk)
    assert after.title == "测速标记 " + before.title
    assert after.paragraphs == before.paragraphs and after.body_text == before.body_text
    assert [z.pk for z in after.zones.all()] == [z.pk for z in before.zones.all()]
    assert after.author_names() == before.author_names()
    assert [c.text for c in after.captions.all()] == [c.text for c in before.captions.all()]
    assert found("测速标记") == {article.pk}
    with pytest.raises(KeyError):
        with_value(fields, "no_such_field", "x")
