"""Fixtures for the browse pages: the seeds ingested, for the test client and for a live server."""

from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from articles.models import City

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def ingest_seeds() -> None:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", str(SEEDS), stdout=out, stderr=err)
    except Exception as error:
        raise AssertionError(out.getvalue() + err.getvalue()) from error


def ensure_gazetteer() -> None:
    """Cities, counties and zones come from a data migration; a transactional test's flush removes them.

    ``serialized_rollback`` should put them back, but once Playwright's event loop runs in the test
    thread Django hands out a fresh connection object without the serialized copy, so reload here.
    """
    if not City.objects.exists():
        import_module("articles.migrations.0002_load_gazetteer").load_gazetteer(apps, None)


@pytest.fixture
def seeded(db):
    """The five seed pages, ingested as ``manage.py ingest seeds/`` does."""
    ingest_seeds()


@pytest.fixture
def seeded_live_server(transactional_db, live_server):
    """A live server over the gazetteer and the five seed pages."""
    ensure_gazetteer()
    ingest_seeds()
    return live_server
