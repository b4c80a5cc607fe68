"""A small archive whose articles are dated in every way an issue allows: to the day, only by year, or
not at all (no issue), over 2023–2025; and what the database says lies in a date range (the tests' oracle,
written apart from the code it checks)."""

from __future__ import annotations

import datetime

from articles.models import Article
from articles.services.ingest import ingest_page

TEXT = "# {title}\n\n科学导报讯 {zone}以项目建设为抓手，{words}，加速手续办理，推动园区高质量发展。\n"
CHANGZI, FENGLINGDU = "长子经济技术开发区", "风陵渡经济开发区"  # 长治, 运城
DEAL, WORKS = "招商引资成效明显", "重点项目集中开工"

# (title, zone, words, issue year, issue number, printing day)
ARTICLES = [
    ("长子春季签约", CHANGZI, DEAL, 2023, 18, datetime.date(2023, 5, 12)),
    ("风陵渡冬季开工", FENGLINGDU, WORKS, 2023, 42, datetime.date(2023, 11, 3)),
    ("长子新年招商", CHANGZI, DEAL, 2024, 1, datetime.date(2024, 1, 5)),
    ("风陵渡一月项目", FENGLINGDU, WORKS, 2024, 4, datetime.date(2024, 1, 26)),
    ("长子三月签约", CHANGZI, DEAL, 2024, 9, datetime.date(2024, 3, 1)),
    ("风陵渡三月招商", FENGLINGDU, DEAL, 2024, 13, datetime.date(2024, 3, 29)),
    ("长子七月开工", CHANGZI, WORKS, 2024, 28, datetime.date(2024, 7, 12)),
    ("风陵渡年末招商", FENGLINGDU, DEAL, 2024, 52, datetime.date(2024, 12, 31)),
    ("长子二五年开局", CHANGZI, DEAL, 2025, 5, datetime.date(2025, 2, 7)),
    ("长子只知年份", CHANGZI, DEAL, 2023, 30, None),
    ("风陵渡只知年份", FENGLINGDU, DEAL, 2024, 40, None),
    ("长子又一只知年份", CHANGZI, WORKS, 2024, 41, None),
    ("风陵渡日期不详", FENGLINGDU, DEAL, None, None, None),
    ("长子日期不详", CHANGZI, WORKS, None, None, None),
]


def ingest_dated() -> None:
    for index, (title, zone, words, year, number, day) in enumerate(ARTICLES):
        text = TEXT.format(title=title, zone=zone, words=words)
        ingest_page(text.encode(), f"dated-{index}.txt", issue_year=year, issue_number=number, issue_date=day)
    assert Article.objects.visible().count() == len(ARTICLES)


def day_and_year(article: Article) -> tuple[datetime.date | None, int | None]:
    issue = article.page.issue
    if issue is None:
        return None, None
    return issue.date, issue.year


def in_range(article: Article, first: datetime.date | None, last: datetime.date | None) -> bool | None:
    """True or False when the database says whether ``article`` was printed in the range; None when its
    date is unknown for it (no date, or only a year that the range covers in part)."""
    day, year = day_and_year(article)
    low = first or datetime.date.min
    high = last or datetime.date.max
    if day is not None:
        return low <= day <= high
    if year is None:
        return None
    year_first, year_last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if low <= year_first and year_last <= high:
        return True
    if year_last < low or year_first > high:
        return False
    return None
