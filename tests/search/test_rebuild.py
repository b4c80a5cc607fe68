"""rebuild_index writes the whole index with one writer and one commit (one segment per process), and the
result holds exactly what readers can see; haystack's update_index replaces documents instead of adding twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from haystack import connections
from whoosh.fields import ID, Schema

from articles.search.whoosh_engine.backend import schema_signature, stored_schema
from articles.search.whoosh_engine.consistency import find_drift
from articles.search.whoosh_engine.internals import searcher

from .helpers import ids, visible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def visible_ids() -> set[int]:
    return {article.pk for article in visible()}


def segments() -> list:
    return [reader for reader, _ in searcher.get_searcher().reader().leaf_readers()]


@pytest.mark.usefixtures("indexed_seeds")
@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_writes_one_segment_per_process_equal_to_the_database(procs, monkeypatch):
    monkeypatch.setattr("articles.search.whoosh_engine.backend.REBUILD_JOB", 5)  # work for both processes
    out = StringIO()
    call_command("rebuild_index", interactive=False, procs=procs, stdout=out)
    assert f"{len(visible_ids())} articles" in out.getvalue()
    assert set(ids("")) == visible_ids()
    assert len(segments()) == procs
    assert not any(reader.has_deletions() for reader in segments())
    assert not find_drift()
    assert ids('"酸枣仁"') and set(ids('"酸枣仁"')) <= visible_ids()


@pytest.mark.usefixtures("indexed_seeds")
def test_update_index_on_a_full_index_replaces_documents():
    call_command("update_index", verbosity=0)
    call_command("update_index", verbosity=0)
    assert searcher.get_searcher().doc_count() == len(visible_ids())
    assert not find_drift()


@pytest.mark.usefixtures("indexed_seeds")
def test_rebuild_replaces_an_index_written_with_another_schema():
    from whoosh import index as whoosh_index

    backend = connections["default"].get_backend()
    whoosh_index.create_in(str(searcher.index_path()), Schema(id=ID(stored=True, unique=True)), indexname="MAIN")
    assert schema_signature(stored_schema(backend.storage)) != schema_signature(backend.schema)
    call_command("rebuild_index", interactive=False, procs=1, verbosity=0)
    assert schema_signature(stored_schema(backend.storage)) == schema_signature(backend.schema)
    assert set(ids("")) == visible_ids()


@pytest.mark.usefixtures("indexed_seeds")
def test_rebuild_asks_before_rewriting(monkeypatch):
    before = searcher.get_searcher().doc_count()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    out = StringIO()
    call_command("rebuild_index", stdout=out)
    assert "Cancelled" in out.getvalue()
    assert searcher.get_searcher().doc_count() == before
