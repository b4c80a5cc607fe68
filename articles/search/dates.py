"""A reader's date range (``date_from``, ``date_to``): periods as typed (2024, 2024-03, 2024-03-15) turned
into the printing days they span, and which articles lie in it.

What is known of an article's date is its issue's: a printing day, or only a year, or nothing. An article
known to the day is in the range when its day is. An article known only by its year is in the range when
the whole year is (a range made of whole years), out of it when the whole year is outside, and of unknown
date when the range cuts its year: unknown dates are left out of a range and counted apart (``undated``).
Pure data: no engine, no Django model.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
FORMS = "YYYY、YYYY-MM 或 YYYY-MM-DD"


def period(text: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a year, month or day written as YYYY, YYYY-MM or YYYY-MM-DD (ValueError
    for anything else, or a month or day that does not exist)."""
    match = PERIOD.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if day is None:
        if not 1 <= month <= 12:
            raise ValueError(text)
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    first = datetime.date(year, month, day)  # ValueError for 2024-02-30
    return first, first


YEARS, MONTHS, DAYS = 2, 1, 0  # how finely a range's ends must be written


def _start_fineness(day: datetime.date) -> int:
    return YEARS if (day.month, day.day) == (1, 1) else MONTHS if day.day == 1 else DAYS


def _end_fineness(day: datetime.date) -> int:
    if (day.month, day.day) == (12, 31):
        return YEARS
    return MONTHS if day.day == calendar.monthrange(day.year, day.month)[1] else DAYS


def _written(day: datetime.date, fineness: int) -> str:
    return str(day.year) if fineness == YEARS else f"{day:%Y-%m}" if fineness == MONTHS else day.isoformat()


@dataclass(frozen=True)
class DateRange:
    """Printing days from ``first`` to ``last``, both included; None: open at that end."""

    first: datetime.date | None
    last: datetime.date | None

    @property
    def fineness(self) -> int:
        """YEARS when both ends are whole years, MONTHS when whole months, else DAYS."""
        ends = [_start_fineness(self.first)] if self.first else []
        ends += [_end_fineness(self.last)] if self.last else []
        return min(ends, default=YEARS)

    @property
    def date_from(self) -> str:
        """``date_from`` as a link writes it (2024, 2024-03 or 2024-03-15, as finely as the range needs;
        "" when open)."""
        return _written(self.first, self.fineness) if self.first else ""

    @property
    def date_to(self) -> str:
        return _written(self.last, self.fineness) if self.last else ""

    def as_params(self) -> dict[str, str | None]:
        """``date_from`` and ``date_to`` for a link (None: that end open, the parameter left out)."""
        return {"date_from": self.date_from or None, "date_to": self.date_to or None}

    @property
    def whole_years(self) -> tuple[int | None, int | None]:
        """The first and last year lying wholly in the range (None: open); first > last when there is none."""
        low = high = None
        if self.first is not None:
            low = self.first.year if _start_fineness(self.first) == YEARS else self.first.year + 1
        if self.last is not None:
            high = self.last.year if _end_fineness(self.last) == YEARS else self.last.year - 1
        return low, high

    @property
    def cut_years(self) -> list[int]:
        """The years the range covers only in part (at most two): an article known only by one of them
        has an unknown date for this range."""
        cut = set()
        if self.first is not None and _start_fineness(self.first) != YEARS:
            cut.add(self.first.year)
        if self.last is not None and _end_fineness(self.last) != YEARS:
            cut.add(self.last.year)
        return sorted(cut)

    def within(self, first: datetime.date, last: datetime.date) -> DateRange:
        """This range narrowed to the days from ``first`` to ``last`` (a bar of the chart)."""
        start = first if self.first is None else max(first, self.first)
        end = last if self.last is None else min(last, self.last)
        return DateRange(start, end)

    def describe(self) -> str:
        """The range for readers: 2024-01-01 至 2024-03-31; 2024-01-01 起; 2024-03-31 止."""
        if self.first and self.last:
            return f"{self.first.isoformat()} 至 {self.last.isoformat()}"
        if self.first:
            return f"{self.first.isoformat()} 起"
        return f"{self.last.isoformat()} 止"

    def single_year(self) -> int | None:
        """The year when the range lies within one year."""
        if self.first and self.last and self.first.year == self.last.year:
            return self.first.year
        return None
