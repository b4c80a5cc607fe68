"""Shared fixtures. The temporary data folder is set up in tests/settings.py, before Django loads."""

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Playwright fixtures (browser, browser_page, phone_page, screenshot); see tests/browser_fixtures.py.
pytest_plugins = ["tests.browser_fixtures"]

# In CI every property test runs the same examples on every run (a failure there can be reproduced);
# elsewhere each run explores new ones. Each test sets its own bounded max_examples.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def indexed_seeds():
    """The five seed pages ingested and indexed, committed (for tests with ``transaction=True``); the
    index emptied afterwards."""
    from tests.search.conftest import indexed

    with indexed(SEEDS):
        yield


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts without rendered pages kept by an earlier one (a rollback can bring a data
    version back with other data behind it)."""
    from articles.caching import forget_pages

    forget_pages()


@pytest.fixture(scope="session")
def issue_pdf_bytes() -> bytes:
    """A two-page issue PDF (D1, D2 of 2024-16) set by reportlab from generated articles."""
    from tests.pdfs.conftest import two_page_issue

    return two_page_issue()
