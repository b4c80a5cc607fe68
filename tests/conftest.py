"""Shared fixtures. The temporary data folder is set up in tests/settings.py, before Django loads."""

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Playwright fixtures (browser, browser_page, phone_page, screenshot); see tests/browser_fixtures.py.
pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
