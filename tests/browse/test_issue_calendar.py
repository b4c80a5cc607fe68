"""The calendar of issues (/issues/ and /issues/<year>/): the days marked are the published issues' printing
days, each linked to its issue with its label and article count; issues of unknown day are listed, never put
on a day; issue keys still resolve; the number of queries does not grow with the issues."""

import datetime
import hashlib
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.caching import forget_pages
from articles.models import Article, Issue, Page

pytestmark = pytest.mark.django_db

D = datetime.date


def make_issue(year, number, date, articles=1, published=True, hidden_articles=0) -> Issue:
    """An issue with one page of ``articles`` published articles (and some hidden ones)."""
    issue = Issue.objects.create(year=year, number=number, date=date, is_published=published)
    key = f"{year}-{number}-{date}-{Issue.objects.count()}"
    page = Page.objects.create(
        issue=issue,
        label="D1",
        source_file=f"{key}.txt",
        raw_bytes=key.encode(),
        raw_text=key,
        encoding="utf-8",
        sha256=hashlib.sha256(key.encode()).hexdigest(),
        parser_version="test",
    )
    for position in range(1, articles + hidden_articles + 1):
        Article.objects.create(
            page=page,
            position=position,
            title=f"{key} 第{position}篇",
            paragraphs=[{"kind": "p", "text": "开发区项目建设。"}],
            is_published=position <= articles,
        )
    return issue


@pytest.fixture
def archive():
    return {
        "16": make_issue(2024, 16, D(2024, 4, 26), articles=3, hidden_articles=1),
        "17": make_issue(2024, 17, D(2024, 5, 10), articles=2),
        "21": make_issue(2024, 21, D(2024, 5, 10)),  # printed the same day as 17: listed, not on the day
        "20": make_issue(2024, 20, None),  # day unknown: listed under 2024, on no day
        "dated": make_issue(None, None, D(2024, 3, 1)),  # known only by its day: 2024 from the day
        "2023": make_issue(2023, 40, D(2023, 12, 29)),
        "hidden": make_issue(2022, 1, D(2022, 6, 1), published=False),
        "nothing": make_issue(None, 5, None),  # neither year nor day: 日期不详
    }


class CalendarReader(HTMLParser):
    """Each month table's marked days: (caption, column, datetime, href, title); and every link's href."""

    def __init__(self):
        super().__init__()
        self.days: list[tuple[str, int, str, str, str]] = []
        self.links: list[str] = []
        self._caption = self._in_caption = None
        self._column = -1
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._column = -1
        elif tag == "td":
            self._column += 1
        elif tag == "a":
            self.links.append(attrs.get("href"))
            self._link = attrs
        elif tag == "time" and self._link is not None and self._column >= 0:
            self.days.append((self._caption, self._column, attrs["datetime"], self._link["href"], self._link["title"]))

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data


def read(html: str) -> CalendarReader:
    reader = CalendarReader()
    reader.feed(html)
    return reader


def expected_days(issues) -> list[tuple[str, int, str, str, str]]:
    """What the database says each marked day must be: its month, weekday column, issue link and title."""
    days = []
    for issue in issues:
        count = Article.objects.visible().filter(page__issue=issue).count()
        month = f"{issue.date.year}年{issue.date.month}月"
        title = f"{issue.label} · {count} 篇"
        days.append((month, issue.date.weekday(), issue.date.isoformat(), issue.get_absolute_url(), title))
    return sorted(days, key=lambda day: day[2])


def test_the_calendar_marks_the_printing_days_of_published_issues(client, archive):
    html = client.get("/issues/").content.decode()
    on_calendar = [archive[key] for key in ("2023", "dated", "16", "17")]
    assert sorted(read(html).days, key=lambda day: day[2]) == expected_days(on_calendar)
    # 3 published articles of 4 in 2024-16; Monday first, so 26 April 2024 (a Friday) is in column 4.
    assert ("2024年4月", 4, "2024-04-26", "/issues/2024-16/", "2024-16 · 3 篇") in read(html).days
    assert "2022" not in html  # an unpublished issue is nowhere


def test_issues_of_unknown_day_are_listed_by_number_never_put_on_a_day(client, archive):
    response = client.get("/issues/")
    years = {calendar.year: calendar for calendar in response.context["years"]}
    assert list(years) == [2024, 2023, None]  # newest first, no year last
    assert [issue.number for issue in years[2024].off_calendar] == [20, 21]
    assert years[2023].off_calendar == [] and len(years[2023].months) == 12
    assert [issue.number for issue in years[None].off_calendar] == [5] and years[None].months == []
    html = response.content.decode()
    section_2024 = html[html.index('id="y-2024"') : html.index('id="y-2023"')]
    assert "第 20 期" in section_2024 and "日期不详" in section_2024
    unknown = html[html.index('id="y-unknown"') : html.index('id="unknown-heading"')]
    assert "日期不详" in unknown and archive["nothing"].get_absolute_url() in unknown
    marked = {day[2] for day in read(html).days}
    assert marked == {"2023-12-29", "2024-03-01", "2024-04-26", "2024-05-10"}  # no day made up for 20 or 5


def test_a_year_page_has_its_calendar_all_its_issues_and_the_years_around(client, archive):
    response = client.get("/issues/2024/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>2024 年各期</h1>" in html
    assert sorted(read(html).days, key=lambda day: day[2]) == expected_days(
        [archive["dated"], archive["16"], archive["17"]]
    )
    table = html[html.index('class="issue-table"') :]
    links = [link for link in read(table).links if link.startswith("/issues/2024")]
    assert links == [
        "/issues/2024-16/",
        "/issues/2024-17/",
        "/issues/2024-20/",
        "/issues/2024-21/",
        "/issues/2024-03-01/",
    ]
    assert 'href="/issues/2023/"' in html and "上一年" in html and "下一年" not in html
    older = client.get("/issues/2023/").content.decode()
    assert 'href="/issues/2024/"' in older and "下一年" in older and "上一年" not in older
    # The overview links each year's page.
    assert 'href="/issues/2024/"' in client.get("/issues/").content.decode()


def test_only_a_year_with_published_issues_has_a_page(client, archive):
    assert client.get("/issues/2023/").status_code == 200
    for year in ["2022", "1999", "2030", "1", "99999"]:  # 2022's one issue is not published
        response = client.get(f"/issues/{year}/")
        assert response.status_code == 404, year
        assert "页面不存在" in response.content.decode()


def test_issue_keys_still_resolve_beside_the_year_pages(client, archive):
    for key, path in [
        ("16", "/issues/2024-16/"),
        ("dated", "/issues/2024-03-01/"),
        ("nothing", f"/issues/id-{archive['nothing'].pk}/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.context["issue"] == archive[key]
        assert archive[key].get_absolute_url() == path
    year = client.get("/issues/2024/")
    assert "issue" not in year.context and year.context["calendar"].year == 2024
    assert client.get("/issues/02024/").status_code == 404  # one address per year


def query_counts(client) -> dict[str, int]:
    forget_pages()
    counts = {}
    for url in ("/issues/", "/issues/2024/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_the_number_of_queries_does_not_grow_with_the_issues(client, archive):
    before = query_counts(client)
    for number in range(30, 60):  # 30 more issues, every other one without a day
        make_issue(2024, number, D(2024, 1 + number % 12, 1 + number % 28) if number % 2 else None, articles=2)
    make_issue(2019, 1, D(2019, 1, 4))
    after = query_counts(client)
    assert after == before
    assert max(after.values()) <= 8
