"""A reader in chromium: the page image of a PDF page loads, a click on an article's region opens the
article, whose outline on the page image leads back to the page."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.services.pdf_ingest import ingest_pdf, write_images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_from_the_page_image_to_an_article_and_back(live_server, browser_page, screenshot, issue_pdf_bytes):
    pages = [result.page for result in ingest_pdf(issue_pdf_bytes, "2024-16.pdf")]
    for stored in pages:
        write_images(stored)  # the commit callback has run too; written again for certainty
    page = browser_page
    response = page.goto(live_server.url + pages[0].get_absolute_url())
    assert response.status == 200
    page.wait_for_function("document.querySelector('svg.page-image image') !== null")
    loaded = page.evaluate(
        "fetch(document.querySelector('svg.page-image image').getAttribute('href')).then(r => r.status)"
    )
    assert loaded == 200
    screenshot(page, "pdf-page")
    target = Article.objects.filter(page=pages[0]).order_by("position")[1]
    page.locator(f'a.region-link[href="{target.get_absolute_url()}"]').first.click()
    page.wait_for_url(f"**{target.get_absolute_url()}")
    assert page.locator("figure.article-on-page rect.region.current").count() >= 1
    screenshot(page, "pdf-article")
    page.locator("figure.article-on-page a.page-link").click()
    page.wait_for_url(f"**{pages[0].get_absolute_url()}")
    assert page.locator("svg.page-image").count() == 1
