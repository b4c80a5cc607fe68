"""Search tests run against a real Whoosh index in the test data folder (see tests/settings.py)."""

from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def clear_index() -> None:
    from articles.search import get_search_engine

    call_command("clear_index", interactive=False, verbosity=0)
    get_search_engine().reset()


def empty_archive() -> None:
    from articles.models import Author, Issue, Page, Zone

    Page.objects.all().delete()
    Issue.objects.all().delete()
    Author.objects.all().delete()
    Zone.objects.filter(source=Zone.Source.DISCOVERED).delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The five seed pages ingested once for the module, committed, so the index follows them."""
    with django_db_blocker.unblock():
        empty_archive()
        clear_index()
        call_command("ingest", str(SEEDS), stdout=StringIO())
        yield
        empty_archive()
        clear_index()


@contextmanager
def indexed(*paths: Path):
    """``paths`` (pages or folders) ingested and indexed, committed (for tests with ``transaction=True``);
    the index emptied afterwards."""
    clear_index()
    call_command("ingest", *map(str, paths), stdout=StringIO())
    yield
    clear_index()


@pytest.fixture
def two_pages():
    """Two seed pages (酸枣仁 on one, the 2024-16 issue with 紫光云智 on the other), indexed."""
    with indexed(SEEDS / "001_9fb076c45fe2398f.txt", SEEDS / "002_e4964b2fd594f1a5.txt"):
        yield


@pytest.fixture(scope="module")
def dated(django_db_setup, django_db_blocker):
    """Articles dated to the day, only by year, or not at all (tests/search/dated.py), committed for the
    module, so the index follows them."""
    from .dated import ingest_dated

    with django_db_blocker.unblock():
        empty_archive()
        clear_index()
        ingest_dated()
        yield
        empty_archive()
        clear_index()
