"""Fixtures for the editors' admin: an editor (member of the 编辑 group made by the migration) logged in."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, User


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor", password="pw-editor-2026", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
