"""Issue PDFs through ``manage.py ingest`` and the admin upload: pages, labels, articles on the page,
re-parse keeping ids, bad PDFs refused whole."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from articles.models import Article, Issue, Page, SourcePdf
from articles.services.ingest import reparse_page
from articles.services.pdf_ingest import PdfError, ingest_pdf, page_image_path

from .conftest import encrypted_pdf, image_only_pdf, two_page_issue
from .newspaper import PageSpec, issue_pdf

pytestmark = pytest.mark.django_db


def counts():
    return Page.objects.count(), Article.objects.count(), SourcePdf.objects.count(), Issue.objects.count()


def test_command_ingests_every_page_with_its_label_issue_articles_regions_and_image(
    tmp_path, issue_pdf_bytes, django_capture_on_commit_callbacks
):
    path = tmp_path / "2024-16.pdf"
    path.write_bytes(issue_pdf_bytes)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the images are written after the commit
        call_command("ingest", str(path), stdout=out)
    pages = list(Page.objects.order_by("pdf_page"))
    assert [page.label for page in pages] == ["D1", "D2"]
    assert {page.issue.label for page in pages} == {"2024-16"}
    source = SourcePdf.objects.get()
    assert bytes(source.data) == issue_pdf_bytes and source.sha256 == hashlib.sha256(issue_pdf_bytes).hexdigest()
    for page in pages:
        assert page.pdf == source and page.encoding == "pdf" and page.raw_text.strip()
        assert page.articles.count() >= 2
        assert all(article.regions for article in page.articles.all())
        for left, top, width, height in (box for article in page.articles.all() for box in article.regions):
            assert 0 <= left < 1 and 0 <= top < 1 and 0 < width <= 1 and 0 < height <= 1
        assert page_image_path(page).read_bytes()[8:12] == b"WEBP"
        assert page_image_path(page, thumbnail=True).exists()
    assert "created" in out.getvalue()
    # The same file again: nothing new.
    call_command("ingest", str(path), stdout=io.StringIO())
    assert SourcePdf.objects.count() == 1 and Page.objects.count() == 2


def test_single_page_pdf_takes_the_label_from_its_file_name(tmp_path):
    spec = PageSpec(two_page_gold(), columns=4)  # no masthead: nothing printed names the page
    path = tmp_path / "2024-16-D3.pdf"
    path.write_bytes(issue_pdf([spec]))
    from articles.services.upload import hints_from_name

    year, number, label = hints_from_name(path.name)
    ingest_pdf(path.read_bytes(), path.name, issue_year=year, issue_number=number, page_label=label)
    page = Page.objects.get()
    assert (page.label, page.issue.label) == ("D3", "2024-16")


def two_page_gold():
    from tests.parser.generator import generate_page

    return generate_page(3).gold


def test_reparse_reads_the_pdf_again_and_keeps_article_ids(issue_pdf_bytes):
    results = ingest_pdf(issue_pdf_bytes, "issue.pdf")
    page = results[0].page
    before = list(page.articles.order_by("position").values_list("pk", "title"))
    Article.objects.filter(page=page).update(regions=[])
    Page.objects.filter(pk=page.pk).update(raw_text="stale")
    result = reparse_page(page)
    assert not result.created and not result.retired
    assert list(page.articles.order_by("position").values_list("pk", "title")) == before
    page.refresh_from_db()
    assert page.raw_text != "stale"
    assert all(article.regions for article in page.articles.all())


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (encrypted_pdf(), "加密"),
        (image_only_pdf(), "OCR"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "损坏"),
        (b"%PDF-1.4\n" + b"\x00" * 200, "损坏"),
    ],
    ids=["encrypted", "image-only", "damaged", "garbage"],
)
def test_bad_pdfs_are_refused_in_chinese_and_store_nothing(data, words):
    with pytest.raises(PdfError) as refused:
        ingest_pdf(data, "bad.pdf")
    assert words in str(refused.value)
    assert counts() == (0, 0, 0, 0)


@override_settings(KFQ_MAX_PDF_PAGES=1)
def test_a_pdf_with_more_pages_than_the_setting_is_refused(issue_pdf_bytes):
    with pytest.raises(PdfError, match="超过上限 1 页"):
        ingest_pdf(issue_pdf_bytes, "issue.pdf")
    assert counts() == (0, 0, 0, 0)


def test_a_page_larger_than_a_newspaper_is_refused_before_rendering():
    spec = PageSpec(two_page_gold(), columns=4, page_size=(20000, 20000))
    with pytest.raises(PdfError, match="尺寸异常"):
        ingest_pdf(issue_pdf([spec]), "huge.pdf")
    assert counts() == (0, 0, 0, 0)


def test_command_reports_a_bad_pdf_and_loads_the_other_files(tmp_path, issue_pdf_bytes):
    (tmp_path / "a-scan.pdf").write_bytes(image_only_pdf())
    (tmp_path / "b-issue.pdf").write_bytes(issue_pdf_bytes)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "OCR" in err.getvalue()
    assert Page.objects.count() == 2


def test_two_page_issue_is_deterministic():
    assert two_page_issue() == two_page_issue()


def test_a_pdf_whose_pages_were_deleted_is_loaded_again(issue_pdf_bytes):
    ingest_pdf(issue_pdf_bytes, "issue.pdf")
    Page.objects.all().delete()
    results = ingest_pdf(issue_pdf_bytes, "issue.pdf")
    assert [result.status for result in results] == ["created", "created"]
    assert SourcePdf.objects.count() == 1
