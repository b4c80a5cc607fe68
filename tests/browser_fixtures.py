"""Browser fixtures for Playwright tests (registered in tests/conftest.py through ``pytest_plugins``).

- ``browser``: one headless Debian chromium per test session.
- ``browser_page``: a fresh Playwright Page (own context, 1280×900) per test; console errors and
  uncaught page errors are collected and must be empty when the test ends.
- ``phone_page``: the same at a phone's size (375×740, touch, device scale 2).
- ``screenshot``: ``screenshot(page, "name")`` saves test-artifacts/screenshots/name.png (full page).

Without chromium the tests are skipped, except under CI (env ``CI`` set), where they fail.
Use them with pytest-django's ``live_server`` (which needs ``transactional_db``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KFQ_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)", pytrace=False)
    pytest.skip(f"{reason}; install it with: apt-get install -y chromium fonts-wqy-microhei")


def _keep_serialized_rollback() -> None:
    """Playwright's sync API runs test code on greenlets with their own context, and Django keeps one
    connection object per context: later tests get a fresh connection without the copy of the migrated
    data (gazetteer, groups) that ``serialized_rollback`` restores after a transactional test's flush.
    Keeping that copy on the connection class makes every connection object find it."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        _unavailable(f"chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _unavailable("the playwright package is not installed")
    _keep_serialized_rollback()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _open_page(browser, **context_options):
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"console.{message.type} {message.text} at {page.url}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught {error} at {page.url}"))
    page.console_errors = errors
    return context, page, errors


@pytest.fixture
def browser_page(browser):
    """A Playwright Page; the test fails at teardown if any console error or page error was seen."""
    context, page, errors = _open_page(browser, viewport=DESKTOP)
    yield page
    context.close()
    assert errors == [], "browser console errors:\n" + "\n".join(errors)


@pytest.fixture
def phone_page(browser):
    """A Playwright Page at 375×740 (touch, device scale 2); console errors fail the test as above."""
    context, page, errors = _open_page(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()
    assert errors == [], "browser console errors:\n" + "\n".join(errors)


@pytest.fixture
def screenshot(request):
    """``screenshot(page, name)`` saves a full-page PNG under test-artifacts/screenshots/ and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        safe = re.sub(r"[^\w.-]+", "_", name)
        path = SCREENSHOTS / f"{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
