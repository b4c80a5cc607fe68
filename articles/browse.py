"""What the reader-facing pages compute: counts, the tile map, the coverage chart, highlighting. Only
``Article.objects.visible()`` articles are ever counted (what is visible and in which order: the
models' querysets)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from . import search
from .models import Article, City, Zone
from .places import TILE_POSITIONS

UNTITLED = "（无标题）"
UNKNOWN = "未知"


def display_title(article: Article, words: int = 20) -> str:
    """The title; for an untitled article （无标题） and the first words of its body."""
    if article.title:
        return article.title
    body = " ".join((article.body_text or "").split())
    if not body:
        return UNTITLED
    snippet = body[:words] + ("…" if len(body) > words else "")
    return f"{UNTITLED}{snippet}"


# --- counts ---------------------------------------------------------------------------------------------


def city_counts() -> dict[int, int]:
    """City id -> visible articles of that city."""
    rows = Article.objects.visible().exclude(city=None).values("city").annotate(n=Count("id")).values_list("city", "n")
    return dict(rows)


def zone_counts() -> Counter:
    """Zone id -> visible articles naming it (as primary zone or mention); the same as ``about_zone``."""
    visible = Article.objects.visible()
    pairs = set(
        Article.zones.through.objects.filter(article_id__in=visible.values("id")).values_list("zone_id", "article_id")
    )
    pairs |= set(visible.exclude(zone=None).values_list("zone_id", "id"))
    return Counter(zone_id for zone_id, _ in pairs)


def related_zones(zone: Zone, limit: int = 8) -> list[tuple[Zone, int]]:
    """Zones mentioned in the same visible articles, most shared articles first."""
    ids = Article.objects.visible().about_zone(zone).values("id")
    rows = (
        Article.zones.through.objects.filter(article_id__in=ids)
        .exclude(zone_id=zone.pk)
        .values("zone_id")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n")[:limit]
    )
    counts = {row["zone_id"]: row["n"] for row in rows}
    zones = Zone.objects.in_bulk(counts)
    return sorted(((zones[pk], n) for pk, n in counts.items()), key=lambda pair: (-pair[1], pair[0].name))


# --- tile map -------------------------------------------------------------------------------------------

TILE_W, TILE_H, STEP_X, STEP_Y, MARGIN = 108, 60, 118, 70, 6
SHADES = 5  # shade 0: no articles; 1..4 by share of the busiest city


@dataclass
class Tile:
    city: City
    count: int
    x: float
    y: float
    w: int = TILE_W
    h: int = TILE_H
    shade: int = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class TileMap:
    tiles: list[Tile]
    width: int
    height: int


def tile_map(current: City | None = None) -> TileMap:
    counts = city_counts()
    busiest = max(counts.values(), default=0)
    tiles = []
    for city in City.objects.all():
        column, row = TILE_POSITIONS.get(city.code, (3, len(tiles)))
        count = counts.get(city.pk, 0)
        shade = 0 if count == 0 else max(1, math.ceil((SHADES - 1) * count / busiest))
        tiles.append(Tile(city, count, MARGIN + column * STEP_X, MARGIN + row * STEP_Y, shade=shade))
    width = int(max((t.x + t.w for t in tiles), default=0) + MARGIN)
    height = int(max((t.y + t.h for t in tiles), default=0) + MARGIN)
    return TileMap(tiles, width, height)


# --- coverage chart -------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    w: float
    h: float
    description: str = ""  # the bar in the caption (2024年)
    link: str | None = None  # where the bar leads

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass
class Chart:
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    top: int  # the largest count
    caption: str = ""  # what the bars count


def bar_chart(series: list[tuple[str, int, str, str | None]], caption: str) -> Chart:
    """An SVG bar chart (templates/articles/_chart.html) of (label, count, description, link) bars."""
    top = max((count for _, count, _, _ in series), default=0)
    bar_w, gap, plot_h, label_h, pad = 36, 14, 120, 22, 18
    width = max(160, pad * 2 + len(series) * (bar_w + gap))
    baseline = pad + plot_h
    bars = []
    for index, (label, count, description, link) in enumerate(series):
        h = plot_h * count / top if top else 0
        bars.append(Bar(label, count, pad + index * (bar_w + gap), baseline - h, bar_w, h, description, link))
    return Chart(bars, width, int(baseline + label_h), baseline, top, caption)


def coverage_chart(articles: QuerySet[Article]) -> Chart:
    """Articles per year of issue; articles of unknown issue make a last bar labelled 未知."""
    # order_by(): a distinct queryset (about_zone) would add its ordering's columns to the grouping, one
    # row per issue instead of per year.
    rows = dict(
        articles.order_by()
        .values("page__issue__year")
        .annotate(n=Count("id", distinct=True))
        .values_list("page__issue__year", "n")
    )
    unknown = rows.pop(None, 0)
    years = range(min(rows), max(rows) + 1) if rows else []
    series = [(str(year), rows.get(year, 0), f"{year}年", None) for year in years]
    if unknown:
        series.append((UNKNOWN, unknown, f"{UNKNOWN}（期号未知）", None))
    return bar_chart(series, "按出版年份统计的文章篇数")


# --- highlighting ---------------------------------------------------------------------------------------

MAX_TERMS, MAX_TERM_LENGTH = 10, 40


QUERY_WORDS = {"OR", "AND", "NOT"}


def highlight_terms(raw: str | None) -> list[str]:
    """Terms of a ``?hl=`` parameter (a search query as typed): split on spaces and commas, quotes
    dropped, excluded words (-词, NOT 词) and operators left out; deduplicated and bounded."""
    if not raw:
        return []
    words = [w for w in re.split(r"[\s,，、]+", raw[: MAX_TERMS * MAX_TERM_LENGTH].replace('"', " ")) if w]
    terms, skip_next = [], False
    for word in words:
        if word.upper() in QUERY_WORDS:
            skip_next = word.upper() == "NOT"
            continue
        if skip_next or word.startswith("-"):
            skip_next = False
            continue
        terms.append(word[:MAX_TERM_LENGTH])
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def highlight(text: str, terms: list[str]) -> SafeString:
    """The text escaped, every match of a term wrapped in <mark>: the search results' highlighter, so an
    article page marks what its snippet marked."""
    return mark_safe(search.highlight(text or "", terms))  # it escapes every piece


# --- the author index ------------------------------------------------------------------------------

# Surnames read otherwise than the character's everyday reading (曾 zēng, not céng): the first character of
# a name is a surname. pypinyin has no surname mode of its own (mozillazg/python-pinyin#120).
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "乐": "yue", "朴": "piao",
    "盖": "ge", "燕": "yan", "覃": "qin", "翟": "zhai", "缪": "miao", "瞿": "qu", "沈": "shen", "任": "ren",
    "华": "hua", "纪": "ji", "种": "chong", "重": "chong", "秘": "bi", "冼": "xian", "过": "guo", "繁": "po",
    "尉": "yu", "长": "zhang", "朝": "chao", "贲": "ben", "召": "shao", "折": "she", "宿": "su", "卜": "bu",
}  # fmt: skip


def name_in_pinyin(name: str) -> str:
    """The name as pinyin without tones, its surname read as a surname (曾勇兰 -> zeng yong lan)."""
    # Imported here: pypinyin loads its dictionaries on import, and only the author index needs them.
    from pypinyin import Style, lazy_pinyin

    if not name:
        return ""
    surname = SURNAME_READINGS.get(name[0])
    rest = lazy_pinyin(name[1:] if surname else name, style=Style.NORMAL, errors="default")
    return " ".join(([surname] if surname else []) + rest).lower()


def author_index() -> list[tuple[str, list[tuple[object, int]]]]:
    """Authors of visible articles with their counts, by pinyin, grouped by the initial letter (A–Z, then #)."""
    from .models import Author

    visible = Article.objects.visible()
    authors = Author.objects.filter(articles__in=visible).annotate(
        article_count=Count("articles", filter=Q(articles__in=visible), distinct=True)
    )
    keyed = sorted(((name_in_pinyin(a.name), a.name, a) for a in authors), key=lambda item: item[:2])
    groups: dict[str, list] = {}
    for reading, _, author in keyed:
        letter = reading[:1].upper() if reading[:1].isascii() and reading[:1].isalpha() else "#"
        groups.setdefault(letter, []).append((author, author.article_count))
    return sorted(groups.items(), key=lambda group: (group[0] == "#", group[0]))
