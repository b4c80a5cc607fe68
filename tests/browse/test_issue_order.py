"""Issues newest first with what is unknown last, the same on SQLite and PostgreSQL (which sorts NULL first in
a descending order unless told otherwise)."""

import datetime

import pytest

from articles.models import Issue, Page
from articles.services.ingest import ingest_page

pytestmark = pytest.mark.django_db

TEXT = "# {title}\n\n科学导报讯 长子经济技术开发区以项目建设为抓手，加速手续办理。\n"


def issue_with_article(title: str, **hints) -> Issue:
    page = ingest_page(TEXT.format(title=title).encode(), f"{title}.txt", **hints).page
    return page.issue


@pytest.fixture
def issues():
    numbered = issue_with_article("有期号", issue_year=2024, issue_number=16)
    dated = issue_with_article("只有日期", issue_date=datetime.date(2024, 3, 1))
    earlier = issue_with_article("上一年", issue_year=2023, issue_number=40)
    unknown = Issue.objects.create(year=None, number=None, date=None)
    Page.objects.filter(source_file="上一年.txt").update(issue=unknown)  # a page whose issue is all unknown
    return numbered, dated, earlier, unknown


def test_issues_are_newest_first_and_unknowns_last(issues):
    numbered, dated, earlier, unknown = issues
    assert dated.year == 2024 and dated.number is None
    assert list(Issue.objects.all()) == [numbered, dated, earlier, unknown]


def test_the_home_page_shows_the_newest_numbered_issue(client, issues):
    response = client.get("/")
    assert response.context["latest_issue"] == issues[0]
    assert "2024年第16期" in response.content.decode()


def test_the_issue_list_puts_newer_years_first_and_the_unknown_year_last(client, issues):
    html = client.get("/issues/").content.decode()
    assert html.index('id="y-2024"') < html.index('id="y-2023"') < html.index('id="y-unknown"')
    section_2024 = html[html.index('id="y-2024"') : html.index('id="y-2023"')]
    assert 'datetime="2024-03-01"' in section_2024 and "第 16 期" in section_2024  # on its day; by number


def test_a_date_url_finds_the_issue_known_only_by_its_date(client, issues):
    numbered, dated, *_ = issues
    Issue.objects.filter(pk=numbered.pk).update(date=dated.date)  # the same day
    response = client.get(dated.get_absolute_url())
    assert response.status_code == 200
    assert response.context["issue"] == dated
