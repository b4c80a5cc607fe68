"""Planning a reader's query, whatever the engine: which forms each typed term matches (a zone's other
names, a generic short form's full names, a word's distinctive parts), the facet filters a typed word
names, and what to suggest when nothing is found. A typed word is folded (``folding.fold``) before it is
looked up among names: 臨汾 names the city 临汾.

Zone names come from the database and are kept until an engine says they may have changed
(``names_may_have_changed``, ``forget_zone_names``).
"""

from __future__ import annotations

from django.db import DatabaseError

from . import analysis
from .contract import FACETS, QueryPlan, TermPlan, normalise
from .dates import DateRange
from .folding import fold
from .query import ParsedQuery
from .query import Term as QueryTerm

_names: dict = {"zones": None, "digest": None}


def zone_names():
    """The gazetteer (from the database), kept until the names may have changed."""
    cached = _names["zones"]
    if cached is None:
        from ..gazetteer_db import gazetteer_from_db

        cached = gazetteer_from_db()
        _names["zones"] = cached
    return cached


def forget_zone_names() -> None:
    _names["zones"] = None


def names_may_have_changed() -> None:
    """The index changed: another process may have added or edited zones or authors with it. Their
    names are read again only if the rows they come from changed (not on every editor's save)."""
    from ..gazetteer_db import names_digest

    try:
        digest = names_digest()
    except DatabaseError:  # no tables yet (before migrate): nothing to read
        return
    if digest != _names["digest"]:
        _names["zones"] = None
        if _names["digest"] is not None:  # changed since this process last looked
            analysis.mark_stale()
        _names["digest"] = digest


def reset_names() -> None:
    _names["zones"] = None


# Generic short forms as print uses them for a kind of zone, and the kinds' full names they stand for
# (the gazetteer's KIND_SUFFIXES: 临汾经开区 is 临汾经济开发区, 长子经开区 长子经济技术开发区). A bare typed
# form is also searched as these phrases. 开发区 needs none (every full name holds it); 综改区 is the
# name of one zone (山西转型综合改革示范区), which finds its other names as any zone's name does.
GENERIC_NAMES = {
    "经开区": ("经济技术开发区", "经济开发区"),
    "高新区": ("高新技术产业开发区", "高新技术开发区"),
}


def plan_term(term: QueryTerm, field_name: str, *, expand: bool = True) -> TermPlan:
    """How one typed term is matched; ``expand``: a generic short form also as its full names."""
    if term.phrase:
        return TermPlan(term, [term.text])
    folded = fold(term.text)
    if field_name != "author":
        gazetteer = zone_names()
        zone = gazetteer.alias_index.get(folded)
        if zone:
            return TermPlan(term, gazetteer.aliases_of(zone), zone=zone)
        generic = GENERIC_NAMES.get(folded)
        if generic and expand:
            return TermPlan(term, [term.text, *generic], also=list(generic))
    if field_name == "author":
        return TermPlan(term, [term.text])
    parts = [word for word in dict.fromkeys(analysis.words(term.text)) if len(word) >= 2]
    if len(parts) <= 1 or normalise(term.text) in parts:
        parts = []
    # Only a distinctive part stands in for the whole word: 亚宝 for 亚宝药业, never 药业 alone.
    parts = [part for part in parts if analysis.is_distinctive(part)]
    return TermPlan(term, [term.text], parts)


def plan_query(
    parsed: ParsedQuery,
    field_name: str,
    filters: dict[str, list[str]] | None = None,
    dates: DateRange | None = None,
) -> QueryPlan:
    groups = [[plan_term(term, field_name) for term in group] for group in parsed.groups]
    # An exclusion removes what was typed (and a zone's names), not every zone of a kind.
    excluded = [plan_term(term, field_name, expand=False) for term in parsed.excluded]
    return QueryPlan(groups, excluded, field_name, dict(filters or {}), dates)


def named_filters(parsed: ParsedQuery) -> list[tuple[str, str]]:
    """Facet filters that a typed word names: a city (临汾) or a zone by any of its names."""
    gazetteer = zone_names()
    found = []
    for term in parsed.positive_terms:
        if term.phrase:
            continue
        text = fold(term.text)
        city = gazetteer.city_by_short.get(text) or gazetteer.city_by_name.get(text)
        if city:
            found.append(("city", city.short))
        zone = gazetteer.alias_index.get(text)
        if zone:
            found.append(("zone", zone))
    return list(dict.fromkeys(found))


def related_filters(engine, parsed: ParsedQuery, filters: dict[str, list[str]]) -> list[tuple[str, str, int]]:
    """A city or zone a typed word names, for a link to all its articles (text may not name it)."""
    named = named_filters(parsed)
    counts = {
        name: engine.value_counts(name, [value for key, value in named if key == name])
        for name in dict.fromkeys(name for name, _ in named)
    }
    return [
        (name, value, counts[name][value])
        for name, value in named
        if counts[name].get(value) and value not in filters.get(name, [])
    ]


def suggestions(engine, parsed: ParsedQuery, plan: QueryPlan) -> list[dict]:
    """What to try instead: {"text": ..., "params": {...} (changes to the query string; None drops a
    parameter) or "drop": (facet, value), "count": n}."""
    found: list[dict] = []
    filters = plan.filters
    if plan.dates is not None:
        count = engine.count(plan.with_dates(None))
        if count:
            found.append(
                {
                    "text": f"去掉日期范围（{plan.dates.describe()}），可找到 {count} 篇",
                    "params": {"date_from": None, "date_to": None},
                    "count": count,
                }
            )
    for name, values in filters.items():
        for value in values:
            fewer = {key: [v for v in vals if not (key == name and v == value)] for key, vals in filters.items()}
            count = engine.count(plan.with_filters(fewer))
            if count:
                label = FACETS[name][1]
                found.append(
                    {"text": f"去掉筛选“{label}：{value}”，可找到 {count} 篇", "drop": (name, value), "count": count}
                )
    if plan.field != "all" and parsed.groups:
        count = engine.count(plan_query(parsed, "all", filters, plan.dates))
        if count:
            found.append({"text": f"改为在全文中检索，可找到 {count} 篇", "params": {"field": "all"}, "count": count})
    for zone, count in matching_zones(engine, parsed):
        found.append({"text": f"开发区“{zone}”（{count} 篇）", "params": {"q": "", "zone": zone}, "count": count})
    return found


def matching_zones(engine, parsed: ParsedQuery, limit: int = 5) -> list[tuple[str, int]]:
    """Zones with articles whose names contain a typed word (or are contained in it)."""
    words = [normalise(term.text) for term in parsed.positive_terms if len(term.text) >= 2]
    if not words:
        return []
    gazetteer = zone_names()
    zones = [
        zone
        for alias, zone in gazetteer.alias_index.items()
        if any(word in alias.lower() or alias.lower() in word for word in words)
    ]
    if not zones:
        return []
    zones = list(dict.fromkeys(zones))
    counts = engine.value_counts("zone", zones)
    counted = [(zone, counts[zone]) for zone in zones if counts.get(zone)]
    return sorted(counted, key=lambda item: (-item[1], item[0]))[:limit]
