"""Values that must fit their database columns before they are saved.

SQLite stores an over-long string, a NUL character or an out-of-range small integer as it is; PostgreSQL
refuses the whole transaction. Parsed text is cut to its column with a warning (the page's raw text keeps all of
it); a number that does not fit cannot be cut, so it is an error the caller reports.
"""

from __future__ import annotations

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from .errors import IngestError

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"


class OutOfRangeError(IngestError):
    message_zh = "数值超出范围"
    message_en = "a number is out of range"


def column_range(field: models.Field) -> tuple[int | None, int | None]:
    """The integers a column holds on every supported database (what PostgreSQL enforces)."""
    return BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type(), (None, None))


def check_range(model: type[models.Model], name: str, value: int | None) -> None:
    """Raises OutOfRangeError when ``value`` does not fit the column ``model.name``."""
    field = model._meta.get_field(name)
    low, high = column_range(field)
    if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
        raise OutOfRangeError(f"{field.verbose_name} {value}（{low}–{high}）/ {name} {value} not in {low}..{high}")


def fit_to_columns(instance: models.Model, warnings: list[str]) -> None:
    """Cuts strings longer than their column and replaces NUL characters (PostgreSQL stores none), appending a
    warning for each; checks small integers' ranges."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str) and "\x00" in value:
            value = value.replace("\x00", REPLACEMENT)
            setattr(instance, field.attname, value)
            warnings.append(f"{field.verbose_name}含 NUL 字符，已换成 {REPLACEMENT} / NUL in {field.name} replaced")
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            setattr(instance, field.attname, value[: field.max_length - 1] + ELLIPSIS)
            warnings.append(
                f"{field.verbose_name}过长（{len(value)} 字），只保存前 {field.max_length - 1} 字 / "
                f"{field.name} cut to {field.max_length} characters (was {len(value)})"
            )
        elif isinstance(value, int) and not isinstance(value, bool) and not field.is_relation:
            check_range(type(instance), field.name, value)
