"""The reader's search parameters, checked in one place for the search page, the JSON API and Python callers.

The API refuses a bad value with its message (``first_error``); the page shows the default instead and
says so for a bad page number or date range (``lenient``); ``search()`` raises SearchInputError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms

from .contract import FACETS, FIELDS, SORTS, SearchInputError
from .dates import FORMS, DateRange, period

# Which error the API reports when several are wrong.
CHECK_ORDER = ("page", "field", "sort", "date_from", "date_to", "filters")
DATE_PARAMS = ("date_from", "date_to")


# Where the English half of a parameter's message starts ("中文 / page must be …"; the Chinese half may
# hold " / " itself: "sort 只能是 relevance / date / sort must be one of these").
ENGLISH_HALF = re.compile(r" / (?=(?:page|field|sort|date_from|date_to) (?:must|is) )")


def chinese(message: str) -> str:
    """The Chinese half of a parameter's bilingual message, for readers of a page."""
    return ENGLISH_HALF.split(message, maxsplit=1)[0]


def quoted(value: str, limit: int = 40) -> str:
    """A parameter's value as quoted in an error message: at most ``limit`` characters of it."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


@dataclass(frozen=True)
class SearchArguments:
    """Checked parameters, as ``search()`` takes them."""

    q: str
    field: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    dates: DateRange | None = None  # printing days from date_from's start to date_to's end

    def as_kwargs(self) -> dict:
        return {
            "field": self.field,
            "filters": self.filters,
            "sort": self.sort,
            "page": self.page,
            "date_from": self.dates.date_from if self.dates else "",
            "date_to": self.dates.date_to if self.dates else "",
        }


class SearchForm(forms.Form):
    """``q`` is taken as typed (the query parser copes with anything); facet values come from the
    request's parameters named after FACETS, or from ``filters`` (a Python caller's)."""

    # Plain fields: any text reaches the checks below (a CharField would refuse NUL with its own message).
    field = forms.Field(required=False)
    sort = forms.Field(required=False)
    page = forms.Field(required=False)
    date_from = forms.Field(required=False)
    date_to = forms.Field(required=False)

    def __init__(self, data, filters: dict[str, list[str]] | None = None):
        super().__init__(data)
        self.given_filters = filters

    @classmethod
    def of(cls, q="", *, field="all", filters=None, sort="relevance", page=1, date_from="", date_to="") -> SearchForm:
        """The form of a Python caller's arguments (``filters`` maps facet names to values)."""
        data = {
            "q": q or "",
            "field": field,
            "sort": sort,
            "page": str(page),
            "date_from": date_from,
            "date_to": date_to,
        }
        return cls(data, filters=filters or {})

    def _choice(self, name: str, choices: dict[str, str], default: str) -> str:
        value = self.cleaned_data[name] or default
        if value not in choices:
            raise forms.ValidationError(
                f"{name} 只能是 {' / '.join(choices)} / {name} must be one of these, got {quoted(value)}"
            )
        return value

    def clean_field(self) -> str:
        return self._choice("field", FIELDS, "all")

    def clean_sort(self) -> str:
        return self._choice("sort", SORTS, "relevance")

    def clean_page(self) -> int:
        raw = self.cleaned_data["page"] or ""
        if raw == "":
            return 1
        try:
            page = int(raw)
        except ValueError:
            page = 0
        if page < 1:
            raise forms.ValidationError(
                f"page 必须是从 1 开始的整数 / page must be a whole number from 1, got {quoted(raw)}"
            )
        return page

    def _period(self, name: str, end: int):
        """The first (``end`` 0) or last (1) day of the period a date parameter names; None when blank."""
        raw = (self.cleaned_data[name] or "").strip()
        if not raw:
            return None
        try:
            return period(raw)[end]
        except ValueError:
            raise forms.ValidationError(
                f"{name} 应为 {FORMS} 格式的日期，收到 {quoted(raw)} / {name} must be a date as YYYY, YYYY-MM or "
                f"YYYY-MM-DD, got {quoted(raw)}"
            ) from None

    def clean_date_from(self):
        return self._period("date_from", 0)

    def clean_date_to(self):
        return self._period("date_to", 1)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first is not None and last is not None and first > last:
            given = self.data.get("date_from", "").strip(), self.data.get("date_to", "").strip()
            self.add_error(
                "date_to",
                f"date_from 晚于 date_to（{quoted(given[0])} 在 {quoted(given[1])} 之后） / date_from is after date_to",
            )
        elif first is not None or last is not None:
            cleaned["dates"] = DateRange(first, last)
        if self.given_filters is None:  # from a request: its facet parameters, stripped
            getlist = getattr(self.data, "getlist", lambda name: [])
            filters = {name: [value.strip() for value in getlist(name) if value.strip()] for name in FACETS}
        else:
            filters = {name: [value for value in values if value] for name, values in self.given_filters.items()}
            unknown = [name for name in filters if name not in FACETS]
            if unknown:
                self.add_error(None, f"未知的筛选项：{', '.join(unknown)}（可用：{', '.join(FACETS)}）")
        cleaned["filters"] = {name: values for name, values in filters.items() if values}
        return cleaned

    def first_error(self) -> str | None:
        """The message of the first wrong parameter (in CHECK_ORDER), None when all are right."""
        if self.is_valid():
            return None
        errors = self.errors
        for name in (*CHECK_ORDER, "__all__"):
            if name in errors:
                return errors[name][0]
        return next(iter(errors.values()))[0]

    def arguments(self) -> SearchArguments:
        """The checked parameters; SearchInputError when one is wrong."""
        message = self.first_error()
        if message is not None:
            raise SearchInputError(message)
        return self._arguments(self.cleaned_data)

    def lenient(self) -> tuple[SearchArguments, list[str]]:
        """The parameters with each wrong one replaced by its default, and notes for the reader."""
        self.is_valid()
        cleaned = {"field": "all", "sort": "relevance", "page": 1, **self.cleaned_data}
        notes = ["页码无效，已显示第 1 页。"] if "page" in self.errors else []
        wrong_dates = [self.errors[name][0] for name in DATE_PARAMS if name in self.errors]
        if wrong_dates:
            cleaned.pop("dates", None)
            reason = chinese(wrong_dates[0])
            notes.append(f"日期范围无效：{reason}。已忽略日期范围，显示全部日期的结果。")
        return self._arguments(cleaned), notes

    def _arguments(self, cleaned: dict) -> SearchArguments:
        return SearchArguments(
            q=self.data.get("q", "") or "",
            field=cleaned["field"],
            filters=cleaned.get("filters", {}),
            sort=cleaned["sort"],
            page=cleaned["page"],
            dates=cleaned.get("dates"),
        )


# Facets the advanced form has fields for; a search's other filters are offered as checkboxes to keep.
ADVANCED_FACETS = ("city", "zone")
MAX_QUERY_STRING = 8000  # characters of the search's address the form sends a reader on to (proxies cut longer)
DATE_INPUT = {
    "inputmode": "numeric",
    "pattern": r"\d{4}(-\d{1,2}(-\d{1,2})?)?",
    "title": "年、年-月或年-月-日，如 2024、2024-03、2024-03-15",
    "placeholder": "如 2024-03",
}


class AdvancedSearchForm(forms.Form):
    """The advanced search form (/search/advanced/): every parameter of a search in fields, checked by the
    one ``SearchForm`` (its messages on the fields); city and zone choices are those with visible articles."""

    # Plain text fields: any value reaches SearchForm's checks (a ChoiceField would add a message of its own).
    q = forms.CharField(label="检索词", required=False, widget=forms.SearchInput(attrs={"maxlength": "200"}))
    field = forms.CharField(label="范围", required=False, widget=forms.RadioSelect(choices=FIELDS.items()))
    date_from = forms.CharField(label="从", required=False, widget=forms.TextInput(attrs=DATE_INPUT))
    date_to = forms.CharField(label="至", required=False, widget=forms.TextInput(attrs=DATE_INPUT))
    city = forms.CharField(label="城市", required=False, widget=forms.Select)
    zone = forms.CharField(label="开发区", required=False, widget=forms.Select)
    sort = forms.CharField(label="排序", required=False, widget=forms.RadioSelect(choices=SORTS.items()))

    def __init__(self, params):
        getlist = getattr(params, "getlist", lambda name: [params[name]] if name in params else [])
        # A facet given several times (city=太原&city=运城) keeps its first value here.
        data = {name: next(iter(getlist(name)), "") for name in self.base_fields}
        data["field"] = data["field"] or "all"
        data["sort"] = data["sort"] or "relevance"
        super().__init__(data)
        cities, zones = place_choices()
        self.fields["city"].widget.choices = [("", "不限"), *with_given(cities, data["city"])]
        self.fields["zone"].widget.choices = [("", "不限"), *with_given(zones, data["zone"])]
        # The search's other filters (a year, an author…): kept unless unticked.
        self.other_filters = [
            {"name": name, "label": FACETS[name][1], "value": value}
            for name in FACETS
            if name not in ADVANCED_FACETS
            for value in getlist(name)
            if value.strip()
        ]

    def clean(self):
        cleaned = super().clean()
        check = SearchForm(self.data)
        if not check.is_valid():
            for name, messages in check.errors.items():
                self.add_error(name if name in self.fields else None, chinese(messages[0]))
        elif not self.errors and len(self._query(cleaned)) > MAX_QUERY_STRING:
            self.add_error(None, f"检索条件太长（网址超过 {MAX_QUERY_STRING} 个字符），请缩短检索词或减少筛选。")
        return cleaned

    def search_query(self) -> str:
        """The query string of the search on /search/ (empty and default values left out)."""
        return self._query(self.cleaned_data)

    def _query(self, cleaned: dict) -> str:
        pairs = [(name, cleaned[name].strip()) for name in ("q", "date_from", "date_to") if cleaned[name].strip()]
        if cleaned["field"] not in ("", "all"):
            pairs.append(("field", cleaned["field"]))
        if cleaned["sort"] not in ("", "relevance"):
            pairs.append(("sort", cleaned["sort"]))
        pairs += [(name, cleaned[name].strip()) for name in ADVANCED_FACETS if cleaned[name].strip()]
        pairs += [(item["name"], item["value"]) for item in self.other_filters]
        return urlencode(sorted(pairs, key=lambda pair: PARAM_ORDER.index(pair[0])))


PARAM_ORDER = ("q", "field", "date_from", "date_to", *FACETS, "sort")


def with_given(choices: list, value: str) -> list:
    """``choices`` with ``value`` added when it is not among them (a search's filter stays shown)."""
    known = {key for key, _ in choices} | {key for _, group in choices if isinstance(group, list) for key, _ in group}
    return choices if not value or value in known else [*choices, (value, f"{value}（0 篇）")]


def place_choices() -> tuple[list, list]:
    """(city choices, zone choices grouped by city): the cities and primary zones of visible articles,
    with their counts, as the search's city and zone filters take them."""
    from django.db.models import Count

    from ..models import Article

    visible = Article.objects.visible()
    cities = (
        visible.exclude(city=None)
        .values("city__short", "city__name", "city__code")
        .annotate(n=Count("id"))
        .order_by("city__code")
    )
    zones = (
        visible.exclude(zone=None)
        .values("zone__name", "zone__city__name", "zone__city__code")
        .annotate(n=Count("id"))
        .order_by("zone__city__code", "zone__name")
    )
    groups: dict[str, list] = {}
    for row in zones:
        groups.setdefault(row["zone__city__name"] or "城市未知", []).append(
            (row["zone__name"], f"{row['zone__name']}（{row['n']} 篇）")
        )
    city_choices = [(row["city__short"], f"{row['city__name']}（{row['n']} 篇）") for row in cities]
    return city_choices, list(groups.items())
