"""Shanxi's 11 prefecture cities: pinyin slugs for URLs and their places on the schematic tile map."""

from __future__ import annotations

# Division code -> URL slug (pinyin; 吕梁 is written lvliang, as the brief of the site asks).
CITY_SLUGS = {
    "140100": "taiyuan",
    "140200": "datong",
    "140300": "yangquan",
    "140400": "changzhi",
    "140500": "jincheng",
    "140600": "shuozhou",
    "140700": "jinzhong",
    "140800": "yuncheng",
    "140900": "xinzhou",
    "141000": "linfen",
    "141100": "lvliang",
}
SLUG_CODES = {slug: code for code, slug in CITY_SLUGS.items()}

# Tile map: (column, row) of each city in a 3-column grid, north at the top. The positions follow the
# cities' real relative positions (seats' longitude and latitude): a schematic, not an outline.
TILE_POSITIONS = {
    "140600": (0.55, 0.0),  # 朔州
    "140200": (1.6, 0.0),  # 大同
    "140900": (1.05, 1.0),  # 忻州
    "141100": (0.0, 2.0),  # 吕梁
    "140100": (1.05, 2.0),  # 太原
    "140300": (2.1, 2.0),  # 阳泉
    "140700": (1.6, 3.0),  # 晋中
    "141000": (0.5, 4.0),  # 临汾
    "140400": (1.9, 4.0),  # 长治
    "140800": (0.0, 5.0),  # 运城
    "140500": (1.45, 5.0),  # 晋城
}


def city_slug(code: str) -> str:
    """The pinyin slug of a city; its division code when it is not one of the 11 (never expected)."""
    return CITY_SLUGS.get(code, code)
