"""The calendar of issues: each year's issues on its twelve months, those whose day is unknown listed by
number, those of no known year on their own.

The month grids are the standard library's (``calendar.Calendar``). An issue's year is its own, or its
printing day's when only that is known; nothing is guessed beyond that: an issue without a day is not
put on any day.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from .models import Issue

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")  # Monday first, as calendars in China print them
MONTHS = range(1, 13)


@dataclass(frozen=True)
class Day:
    date: datetime.date
    issue: Issue | None  # the issue printed that day, if any


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[Day | None]]  # Monday to Sunday; None before the 1st and after the last day


@dataclass
class IssueYear:
    year: int | None  # None: neither the year nor the day of these issues is known
    issues: list[Issue]  # in the order given
    months: list[Month] = field(default_factory=list)  # twelve when an issue has a day in the year, else none
    off_calendar: list[Issue] = field(default_factory=list)  # by number: no day, or a day shared or in another year

    @property
    def article_count(self) -> int:
        return sum(issue.article_count for issue in self.issues)


def year_of(issue: Issue) -> int | None:
    """The issue's year, or its printing day's when only that is known."""
    return calendar_year(issue.year, issue.date)


def calendar_year(year: int | None, date: datetime.date | None) -> int | None:
    """``year_of`` for an issue's two fields as a query gives them."""
    return year or (date.year if date else None)


def by_number(issue: Issue) -> tuple:
    """Number order (then day, then id), what is unknown last."""
    return (issue.number is None, issue.number or 0, issue.date is None, issue.date or datetime.date.min, issue.pk)


def issue_year(year: int | None, issues: list[Issue]) -> IssueYear:
    """One year's issues on its calendar. A day holds one issue: the one its day's URL names (known only
    by that day, else the lowest number); any other is listed off the calendar, with those of no day."""
    on_day: dict[datetime.date, Issue] = {}
    for issue in sorted(issues, key=lambda issue: (issue.number is not None, issue.number or 0, issue.pk)):
        if year is not None and issue.date is not None and issue.date.year == year:
            on_day.setdefault(issue.date, issue)
    shown = {issue.pk for issue in on_day.values()}
    months = []
    if on_day:
        grid = calendar.Calendar(firstweekday=calendar.MONDAY)
        for number in MONTHS:
            weeks = []
            # Day numbers, 0 before the 1st and after the last (monthdatescalendar would step past 9999-12-31).
            for week in grid.monthdayscalendar(year, number):
                dates = [datetime.date(year, number, day) if day else None for day in week]
                weeks.append([Day(date, on_day.get(date)) if date else None for date in dates])
            months.append(Month(number, weeks))
    off_calendar = sorted((issue for issue in issues if issue.pk not in shown), key=by_number)
    return IssueYear(year, issues, months, off_calendar)


def issue_years(issues: list[Issue]) -> list[IssueYear]:
    """Issues grouped by year, newest year first, the issues of no known year last."""
    grouped: dict[int | None, list[Issue]] = {}
    for issue in issues:
        grouped.setdefault(year_of(issue), []).append(issue)
    order = sorted(grouped, key=lambda year: (year is None, -(year or 0)))
    return [issue_year(year, grouped[year]) for year in order]
