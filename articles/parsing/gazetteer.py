"""Shanxi's cities, counties and development zones, and the names they go by in print.

Pure Python: the parser and its tests build a Gazetteer from the reference CSV files; the
Django side builds one from the database (which may hold discovered zones and editors' aliases).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DIVISIONS_CSV = DATA_DIR / "shanxi_divisions.csv"
ZONES_CSV = DATA_DIR / "shanxi_zones.csv"

# GB/T 2260 codes of the 11 prefecture-level cities (also the feature ids of common map data).
CITY_CODES = {
    "太原市": "140100",
    "大同市": "140200",
    "阳泉市": "140300",
    "长治市": "140400",
    "晋城市": "140500",
    "朔州市": "140600",
    "晋中市": "140700",
    "运城市": "140800",
    "忻州市": "140900",
    "临汾市": "141000",
    "吕梁市": "141100",
}

# Zone kinds as printed at the end of a zone's name, longest first; each with the short forms
# that newspapers use for it ("长子经开区" for 长子经济技术开发区).
KIND_SUFFIXES: dict[str, tuple[str, ...]] = {
    "经济技术开发区": ("经济技术开发区", "经开区", "开发区"),
    "高新技术产业开发区": ("高新技术产业开发区", "高新技术开发区", "高新区"),
    "经济开发区": ("经济开发区", "经开区", "开发区"),
    "现代农业产业示范区": ("现代农业产业示范区", "农业示范区", "示范区"),
    "生态文化旅游示范区": ("生态文化旅游示范区", "示范区"),
}
# Suffixes that, after a place name, make a zone name on their own (used to discover new zones).
DISCOVERY_SUFFIXES = tuple(sorted(KIND_SUFFIXES, key=len, reverse=True))

COMPREHENSIVE_REFORM_ZONE = "山西转型综合改革示范区"
# How print refers to the comprehensive reform zone (综改区) itself, longest first.
COMPREHENSIVE_REFORM_FORMS = (
    "山西转型综合改革示范区",
    "山西转型综改示范区",
    "山西综改示范区",
    "转型综改示范区",
    "综改示范区",
    "山西综改区",
    "综改区",
)

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass(frozen=True)
class City:
    name: str  # 太原市
    short: str  # 太原
    code: str  # 140100


@dataclass(frozen=True)
class County:
    name: str  # 小店区
    short: str  # 小店
    city: str  # prefecture city full name
    kind: str  # 市辖区 / 县 / 县级市


@dataclass(frozen=True)
class Zone:
    name: str
    short: str = ""
    kind: str = "其他"
    level: str = ""
    city: str | None = None  # prefecture city full name
    county: str | None = None  # county full name
    extra_aliases: tuple[str, ...] = ()  # aliases recorded by editors
    discovered: bool = False
    uncertain: bool = False  # the reference row is marked UNCERTAIN or is a placeholder


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


def place_of(zone_name: str) -> tuple[str, str] | None:
    """Split a zone name into (place, kind suffix) when it ends with a known kind."""
    for suffix in DISCOVERY_SUFFIXES:
        if zone_name.endswith(suffix) and len(zone_name) > len(suffix):
            return zone_name[: -len(suffix)], suffix
    return None


def generated_aliases(zone: Zone) -> list[str]:
    """The forms a zone's name takes in print, besides the name itself."""
    name = zone.name
    aliases: list[str] = []
    if name == COMPREHENSIVE_REFORM_ZONE:
        aliases.extend(COMPREHENSIVE_REFORM_FORMS[1:])
    elif name.startswith(COMPREHENSIVE_REFORM_ZONE):
        park = name[len(COMPREHENSIVE_REFORM_ZONE) :]  # 唐槐园区, 科创城 ...
        aliases.append(park)
        aliases.extend(form + park for form in COMPREHENSIVE_REFORM_FORMS[1:])
    else:
        stem = name.removeprefix("山西") if name.startswith("山西") and len(name) > 6 else name
        if stem != name:
            aliases.append(stem)
        split = place_of(stem)
        if split:
            place, suffix = split
            for form in KIND_SUFFIXES[suffix]:
                aliases.append(place + form)
            if suffix == "经济技术开发区":
                aliases.append(place + "经济开发区")
        # 西山生态文化旅游开发区 and similar: the kind column says 示范区, the name says 开发区.
        if zone.kind in KIND_SUFFIXES and not name.endswith(zone.kind):
            for prefix_len in range(2, 5):
                if name[prefix_len:].startswith(zone.kind[:2]):
                    aliases.append(name[:prefix_len] + KIND_SUFFIXES[zone.kind][-1])
                    break
    if zone.short.endswith("区") and len(zone.short) > 3:
        aliases.append(zone.short)
    aliases.extend(zone.extra_aliases)
    seen = {name}
    unique = []
    for alias in aliases:
        if alias not in seen and len(alias) >= 3:
            seen.add(alias)
            unique.append(alias)
    return unique


@dataclass
class Gazetteer:
    cities: list[City]
    counties: list[County]
    zones: list[Zone]
    _alias_index: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.city_by_name = {c.name: c for c in self.cities}
        self.city_by_short = {c.short: c for c in self.cities}
        self.county_by_name = {c.name: c for c in self.counties}
        self.zone_by_name = {z.name: z for z in self.zones}
        claims: dict[str, set[str]] = {}
        for zone in self.zones:
            for alias in generated_aliases(zone):
                claims.setdefault(alias, set()).add(zone.name)
        # An alias two zones could claim (太原开发区?) names neither; full names always win.
        self._alias_index = {alias: next(iter(names)) for alias, names in claims.items() if len(names) == 1}
        for zone in self.zones:
            self._alias_index[zone.name] = zone.name
        # County names a place can be written as: full name (怀仁市) or short (怀仁).
        self.place_to_county: dict[str, County] = {}
        for county in self.counties:
            self.place_to_county.setdefault(county.name, county)
            if len(county.short) >= 2:
                self.place_to_county.setdefault(county.short, county)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_csv(cls, divisions_path: Path = DIVISIONS_CSV, zones_path: Path = ZONES_CSV) -> Gazetteer:
        cities: dict[str, City] = {}
        counties = []
        for row in _read_csv(divisions_path):
            city_name = row["prefecture_city"]
            cities.setdefault(city_name, City(city_name, row["prefecture_short"], CITY_CODES.get(city_name, "")))
            counties.append(County(row["county"], row["county_short"], city_name, row["kind"]))
        zones = []
        for row in _read_csv(zones_path):
            source = row.get("source", "")
            zones.append(
                Zone(
                    name=row["name"],
                    short=row["short"],
                    kind=row["kind"],
                    level=row["level"],
                    city=row["prefecture_city"] or None,
                    county=row["county"] or None,
                    uncertain="UNCERTAIN" in source or "未核实" in row["name"],
                )
            )
        return cls(list(cities.values()), counties, zones)

    # --- look-ups -----------------------------------------------------------------------------
    @property
    def alias_index(self) -> dict[str, str]:
        """Every printed form (full names included) mapped to the zone's full name."""
        return self._alias_index

    def aliases_of(self, zone_name: str) -> list[str]:
        """All printed forms of one zone, its full name first."""
        others = (a for a, z in self._alias_index.items() if z == zone_name and a != zone_name)
        return [zone_name, *sorted(others, key=len, reverse=True)]

    def city_short(self, city_name: str | None) -> str | None:
        if not city_name:
            return None
        city = self.city_by_name.get(city_name) or self.city_by_short.get(city_name)
        return city.short if city else None

    def city_of_zone(self, zone_name: str) -> str | None:
        """Prefecture city short name of a known zone, or None."""
        zone = self.zone_by_name.get(zone_name)
        if zone is None:
            return None
        if zone.city:
            return self.city_short(zone.city)
        if zone.county and zone.county in self.county_by_name:
            return self.city_short(self.county_by_name[zone.county].city)
        return None

    def with_zones(self, extra: list[Zone]) -> Gazetteer:
        """A copy that also knows ``extra`` zones (e.g. zones discovered earlier on the same page)."""
        known = {z.name for z in self.zones}
        return Gazetteer(self.cities, self.counties, self.zones + [z for z in extra if z.name not in known])
