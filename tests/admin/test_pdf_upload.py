"""Issue PDFs through the admin upload: accepted alone or in a zip; a bad PDF refuses the whole upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, Issue, Page, SourcePdf
from tests.pdfs.conftest import encrypted_pdf, image_only_pdf

from .conftest import make_zip

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/articles/page/upload/"


def counts():
    return Page.objects.count(), Article.objects.count(), SourcePdf.objects.count(), Issue.objects.count()


def test_upload_form_accepts_pdf(editor_client):
    html = editor_client.get(UPLOAD).content.decode()
    assert ".pdf" in html and "application/pdf" in html


def test_admin_uploads_an_issue_pdf_inside_a_zip_with_a_text_page(editor_client, issue_pdf_bytes, seed_paths):
    zipped = make_zip({"2024-16.pdf": issue_pdf_bytes, "D3.txt": seed_paths[0].read_bytes()})
    response = editor_client.post(UPLOAD, {"files": [SimpleUploadedFile("issue.zip", zipped)]}, follow=True)
    assert response.status_code == 200
    assert "解析结果预览" in response.content.decode()
    assert Page.objects.filter(pdf__isnull=False).count() == 2
    assert Page.objects.filter(pdf__isnull=True).count() == 1
    assert not Page.objects.filter(is_published=True).exists()


def test_admin_upload_with_a_bad_pdf_stores_nothing_of_the_upload(editor_client, issue_pdf_bytes):
    files = [SimpleUploadedFile("good.pdf", issue_pdf_bytes), SimpleUploadedFile("scan.pdf", image_only_pdf())]
    response = editor_client.post(UPLOAD, {"files": files})
    assert response.status_code == 200
    html = response.content.decode()
    assert "scan.pdf" in html and "OCR" in html and "未导入任何文件" in html
    assert counts() == (0, 0, 0, 0)


def test_admin_upload_refuses_an_encrypted_pdf_before_reading_pages(editor_client):
    response = editor_client.post(UPLOAD, {"files": [SimpleUploadedFile("locked.pdf", encrypted_pdf())]})
    assert response.status_code == 200
    assert "加密" in response.content.decode()
    assert counts() == (0, 0, 0, 0)
