"""An editor uploads a page through the real admin form in headless chromium and sees its articles."""

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Page

from .conftest import ensure_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_uploads_a_page_and_sees_the_preview(live_server, browser_page, seed_paths, tmp_path):
    ensure_reference_data()
    editor = User.objects.create_user("browser-editor", password="pw-browser-2026", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    page_file = tmp_path / "2024-16-D1.txt"
    page_file.write_bytes(seed_paths[2].read_bytes())  # the page with the 2024年第16期 masthead

    page = browser_page
    page.goto(live_server.url + "/admin/articles/page/upload/")
    page.fill("#id_username", "browser-editor")
    page.fill("#id_password", "pw-browser-2026")
    page.click("input[type=submit]")
    page.wait_for_selector("#upload-form")
    assert "上传版面" in page.title()

    page.set_input_files("#id_files", str(page_file))
    page.click("input[name=_upload]")
    page.wait_for_selector("#publish-actions")

    assert "解析结果预览" in page.title()
    articles = page.locator("tr.kfq-article")
    assert articles.count() == 4
    assert "山西省（环渤海）生物医药产业推介会在津举行" in articles.first.inner_text()
    assert "已导入" in page.locator(".messagelist").inner_text()
    assert "未公开" in page.locator("section.kfq-page").inner_text()

    page.click("text=公开以下版面")
    # The parser took a dated caption out of a sentence on this page: publishing asks first, listing it.
    page.wait_for_selector(".kfq-doubt")
    assert "caption_in_body" in page.locator(".kfq-doubt").inner_text()
    page.click("input[value=已核对，仍然公开]")
    page.wait_for_selector(".messagelist")
    assert "已公开" in page.locator(".messagelist").inner_text()
    stored = Page.objects.get()
    assert stored.is_published and stored.label == "D1" and stored.issue.label == "2024-16"
