"""Fixtures for the browse pages: the seeds ingested, for the test client and for a live server."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def ingest_seeds() -> None:
    # The index outlives each test's database rollback: start from an empty one, as a fresh archive does.
    call_command("clear_index", interactive=False, verbosity=0)
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", str(SEEDS), stdout=out, stderr=err)
    except Exception as error:
        raise AssertionError(out.getvalue() + err.getvalue()) from error


@pytest.fixture
def seeded(db):
    """The five seed pages, ingested as ``manage.py ingest seeds/`` does."""
    ingest_seeds()


@pytest.fixture
def seeded_live_server(transactional_db, live_server):
    """A live server over the five seed pages. Tests using it are marked
    ``django_db(transaction=True, serialized_rollback=True)`` so the gazetteer (from a data migration)
    is back after the flush that ends each transactional test."""
    ingest_seeds()
    return live_server
