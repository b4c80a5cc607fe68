"""Fixtures for the editors' admin: an editor (member of the 编辑 group made by the migration) logged in."""

import io
import zipfile
from importlib import import_module

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, TestCase


def ensure_reference_data() -> None:
    """Gazetteer and the 编辑 group come from data migrations; a transactional test's flush removes them
    (and after Playwright has run, serialized_rollback no longer restores them), so reload when missing.
    """
    from django.apps import apps

    from articles.models import City

    if not City.objects.exists():
        import_module("articles.migrations.0002_load_gazetteer").load_gazetteer(apps, None)
    if not Group.objects.filter(name="编辑").exists():
        import_module("articles.migrations.0003_editor_group").create_group(apps, None)


@pytest.fixture
def editor(db) -> User:
    ensure_reference_data()
    user = User.objects.create_user("editor", password="pw-editor-2026", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


class CommittingClient(Client):
    """A test client whose requests run what waits for their transactions to commit (the search index
    drain), as they do on a server: the test's own transaction never commits."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def editor_client(editor):
    client = CommittingClient()
    client.force_login(editor)
    return client


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _value(bound):
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(getattr(value, "pk", value))


def _add(data: dict, form) -> None:
    for name in form.fields:
        value = _value(form[name])
        if value is not None:
            data[form.add_prefix(name)] = value


def change_form_data(response) -> dict:
    """The POST data a browser would send for an admin change form as it was rendered (inlines included)."""
    data: dict = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add(data, formset.management_form)
        for form in formset.forms:
            _add(data, form)
    return data


@pytest.fixture(autouse=True)
def empty_search_index():
    """Each test starts with an empty search index: ids repeat across tests, stale documents would match."""
    from django.core.management import call_command

    call_command("clear_index", interactive=False, verbosity=0)
