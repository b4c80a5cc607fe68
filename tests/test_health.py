"""/healthz: 200 when the database and the search index answer, 503 (and nothing private) when not."""

import pytest
from django.conf import settings
from django.db import connections
from haystack import connections as search_connections

pytestmark = pytest.mark.django_db


def test_healthy_archive_answers_200_with_each_part_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "index": "ok"}
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control and "max-age=0" in cache_control
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.fixture
def broken_index(tmp_path, monkeypatch):
    """The search connection pointed at an index whose table of contents is garbage (a damaged volume)."""
    folder = tmp_path / "whoosh_index"
    folder.mkdir()
    (folder / "_MAIN_1.toc").write_bytes(b"\x00not a whoosh index" * 10)
    monkeypatch.setitem(settings.HAYSTACK_CONNECTIONS["default"], "PATH", str(folder))
    search_connections.reload("default")
    yield folder
    monkeypatch.undo()
    search_connections.reload("default")


def test_unreadable_search_index_answers_503_without_details(client, broken_index):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "index": "error"}
    assert str(broken_index) not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def unreachable_database(tmp_path):
    """The default database alias replaced by a real connection to a database that cannot be opened."""
    real = connections["default"]
    if real.vendor == "sqlite":
        name = str(tmp_path / "no-such-folder" / "kfq.sqlite3")
    else:
        name = "kfq_no_such_database"
    connections["default"] = type(real)({**real.settings_dict, "NAME": name}, alias="default")
    yield name
    connections["default"].close()
    connections["default"] = real


def test_database_that_does_not_answer_gives_503_without_details(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["database"] == "error"
    assert unreachable_database not in response.content.decode()
    assert settings.SECRET_KEY not in response.content.decode()


def test_health_check_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/").status_code == 301  # readers are sent to https
    assert client.get("/healthz").status_code == 200  # the container's check over plain HTTP is not
