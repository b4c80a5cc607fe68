"""The reader's search parameters, checked in one place for the search page, the JSON API and Python callers.

The API refuses a bad value with its message (``first_error``); the page shows the default instead and
says so for a bad page number (``lenient``); ``search()`` raises SearchInputError.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from .contract import FACETS, FIELDS, SORTS, SearchInputError

CHECK_ORDER = ("page", "field", "sort", "filters")  # which error the API reports when several are wrong


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

    def as_kwargs(self) -> dict:
        return {"field": self.field, "filters": self.filters, "sort": self.sort, "page": self.page}


class SearchForm(forms.Form):
    """``q`` is taken as typed (the query parser copes with anything); facet values come from the
    request's parameters named after FACETS, or from ``filters`` (a Python caller's)."""

    # Plain fields: any text reaches the checks below (a CharField would refuse NUL with its own message).
    field = forms.Field(required=False)
    sort = forms.Field(required=False)
    page = forms.Field(required=False)

    def __init__(self, data, filters: dict[str, list[str]] | None = None):
        super().__init__(data)
        self.given_filters = filters

    @classmethod
    def of(cls, q="", *, field="all", filters=None, sort="relevance", page=1) -> SearchForm:
        """The form of a Python caller's arguments (``filters`` maps facet names to values)."""
        return cls({"q": q or "", "field": field, "sort": sort, "page": str(page)}, filters=filters or {})

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

    def clean(self):
        cleaned = super().clean()
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
        return self._arguments(cleaned), notes

    def _arguments(self, cleaned: dict) -> SearchArguments:
        return SearchArguments(
            q=self.data.get("q", "") or "",
            field=cleaned["field"],
            filters=cleaned.get("filters", {}),
            sort=cleaned["sort"],
            page=cleaned["page"],
        )
