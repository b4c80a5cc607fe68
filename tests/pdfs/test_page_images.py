"""Page images of PDF pages: served with long cache headers and an ETag, shown on the page with links
to its articles, and each article shows where it stands on its page."""

from __future__ import annotations

import pytest

from articles.models import Page
from articles.services.pdf_ingest import ingest_pdf, page_image_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_pages(issue_pdf_bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        results = ingest_pdf(issue_pdf_bytes, "2024-16.pdf")
    return [result.page for result in results]


def test_page_image_is_served_with_an_etag_and_a_year_of_cache(client, pdf_pages):
    page = pdf_pages[0]
    response = client.get(f"/pages/{page.pk}/full.webp")
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body[8:12] == b"WEBP"
    again = client.get(f"/pages/{page.pk}/full.webp", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/pages/{page.pk}/thumb.webp").status_code == 200
    assert client.get(f"/pages/{page.pk}/huge.webp").status_code == 404


def test_a_missing_image_is_rendered_again_from_the_stored_pdf(client, pdf_pages):
    page = pdf_pages[1]
    page_image_path(page).unlink()
    response = client.get(f"/pages/{page.pk}/full.webp")
    assert response.status_code == 200
    assert page_image_path(page).exists()


def test_unpublished_and_text_pages_have_no_image(client, pdf_pages, seed_paths):
    Page.objects.filter(pk=pdf_pages[0].pk).update(is_published=False)
    assert client.get(f"/pages/{pdf_pages[0].pk}/full.webp").status_code == 404


def test_page_view_links_regions_to_articles_and_issue_view_shows_thumbnails(client, pdf_pages):
    page = pdf_pages[0]
    html = client.get(page.get_absolute_url()).content.decode()
    assert "版面原貌" in html and f"/pages/{page.pk}/full.webp" in html and "page-zoom.js" in html
    for article in page.articles.all():
        assert f'href="{article.get_absolute_url()}" class="region-link"' in html
    issue_html = client.get(page.issue.get_absolute_url()).content.decode()
    assert f"/pages/{page.pk}/thumb.webp" in issue_html


def test_article_shows_its_region_on_the_page(client, pdf_pages):
    article = pdf_pages[0].articles.first()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="region current"' in html and "本文在" in html
    assert f'href="{pdf_pages[0].get_absolute_url()}"' in html
