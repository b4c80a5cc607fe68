"""The calendar of issues' month tables, written here rather than in a template: the overview holds twelve
per year, some 500 cells each, and the template engine took 0.3 s for twenty years of them."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..issue_calendar import WEEKDAYS, Day, Month

register = template.Library()

WEEKDAY_HEADER = "".join(f'<th scope="col" abbr="星期{name}">{name}</th>' for name in WEEKDAYS)


def day_cell(day: Day | None) -> str:
    """An empty cell, a day's number, or a link to the issue printed that day (its label and article
    count in the title)."""
    if day is None:
        return "<td></td>"
    if day.issue is None:
        return f"<td>{day.date.day:d}</td>"  # a number: nothing to escape
    issue = day.issue
    return format_html(
        '<td class="issue-day"><a href="{}" title="{} · {} 篇"><time datetime="{}">{}</time></a></td>',
        issue.get_absolute_url(),
        issue.label,
        issue.article_count,
        day.date.isoformat(),
        day.date.day,
    )


@register.simple_tag
def month_table(year: int, month: Month) -> SafeString:
    """One month as a table: caption (the year for screen readers), weekday header, a row per week."""
    rows = "\n".join("<tr>" + "".join(day_cell(day) for day in week) + "</tr>" for week in month.weeks)
    caption = format_html('<caption><span class="visually-hidden">{}年</span>{}月</caption>', year, month.number)
    return mark_safe(  # every part is escaped above, a constant or a number
        f'<table class="month">{caption}<thead><tr>{WEEKDAY_HEADER}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>'
    )
