"""A search's results over time, for the chart on the search page: per year, or per month when the results
(or the date range) lie within one year. Each period carries the search's date range narrowed to it, so
its bar can narrow the search; counts come from the engine's year facet and month counts over all the
results, so the bars add up to the number of results.
"""

from __future__ import annotations

from dataclasses import dataclass

from .contract import SearchResult
from .dates import DateRange, period


@dataclass(frozen=True)
class Period:
    label: str  # under the bar: 2024, 3月
    description: str  # in the caption: 2024年, 2024年3月
    count: int
    dates: DateRange | None  # the search's range narrowed to this period; None: it cannot be searched by date


@dataclass(frozen=True)
class Timeline:
    caption: str
    periods: list[Period]


def timeline(result: SearchResult) -> Timeline | None:
    """The periods of ``result`` (None when it has no results)."""
    if not result.count:
        return None
    years = {int(value): count for value, count in result.facets.get("year", []) if value.isdigit()}
    months: dict[int, dict[int, int]] = {}
    for key, count in result.months:
        months.setdefault(int(key[:4]), {})[int(key[5:7])] = count
    searched = result.dates or DateRange(None, None)
    year = searched.single_year() or (next(iter(years)) if len(years) == 1 else None)
    if year is not None:
        caption = f"{year}年各月的检索结果篇数"
        periods = _month_periods(year, months.get(year, {}), years.get(year, 0), searched)
    else:
        caption = "按出版年份统计的检索结果篇数"
        span = range(min(years), max(years) + 1) if years else []
        periods = [Period(str(y), f"{y}年", years.get(y, 0), searched.within(*period(f"{y:04d}"))) for y in span]
    unknown = result.count - sum(years.values())  # no year at all (only without a date range)
    if unknown > 0:
        periods.append(Period("未知", "日期未知", unknown, None))
    return Timeline(caption, periods)


def _month_periods(year: int, per_month: dict[int, int], in_year: int, searched: DateRange) -> list[Period]:
    """The months of ``year`` the range covers (else those from the first to the last with results), and
    the articles known only by that year (a range of whole years holds them)."""
    if searched.single_year() == year:
        span = range(searched.first.month, searched.last.month + 1)
    else:
        span = range(min(per_month), max(per_month) + 1) if per_month else range(0)
    periods = []
    for month in span:
        days = period(f"{year:04d}-{month}")  # its first and last day
        periods.append(Period(f"{month}月", f"{year}年{month}月", per_month.get(month, 0), searched.within(*days)))
    unknown_month = in_year - sum(per_month.values())
    if unknown_month > 0:
        periods.append(Period("不详", f"{year}年（月份不详）", unknown_month, None))
    return periods
