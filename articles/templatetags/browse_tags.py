from django import template

from .. import browse

register = template.Library()


@register.filter
def display_title(article) -> str:
    """Title, or （无标题） and the first words of the body."""
    return browse.display_title(article)


@register.filter
def page_name(page) -> str:
    """第 D1 版, or 版次未知."""
    return f"{page.label} 版" if page.label else "版次未知"


@register.filter
def or_unknown(value) -> str:
    return value if value not in (None, "") else browse.UNKNOWN


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current query string with ``page`` replaced."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
