"""What a browser would send for an HTML form, read from the page (for saving through the admin over HTTP).

Only the standard library: the benchmark posts to gunicorn as an editor's browser does, so it needs
the form's fields as rendered (hidden inputs, inline formsets, selected options, the CSRF token).
"""

from __future__ import annotations

from html.parser import HTMLParser

_NOT_SENT = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: list | None = None  # [value or None, selected, text]
        self._textarea: list | None = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attributes = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            self.found = self.found or self.inside
            return
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in _NOT_SENT:
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select, self._options = name, []
            self._multiple = "multiple" in attributes
        elif tag == "option" and self._select is not None:
            self._option = [attributes.get("value"), "selected" in attributes, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the one newline that directly follows <textarea>.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._end_option()
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]  # a single select sends its first option
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None

    def _end_option(self):
        value, selected, text = self._option
        self._options.append((text.strip() if value is None else value, selected))
        self._option = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form ``form_id`` sends as rendered; ``LookupError`` if it is not there."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    if not reader.found:
        raise LookupError(f"no form with id {form_id!r} in the page")
    return reader.fields


def with_value(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """``fields`` with ``name`` set to ``value`` (``KeyError`` if the form has no such field)."""
    if not any(field == name for field, _ in fields):
        raise KeyError(name)
    return [(field, value if field == name else old) for field, old in fields]
