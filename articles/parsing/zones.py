"""Find development zones and cities named in text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import (
    COMPREHENSIVE_REFORM_FORMS,
    COMPREHENSIVE_REFORM_ZONE,
    DISCOVERY_SUFFIXES,
    KIND_SUFFIXES,
    Gazetteer,
    place_of,
)
from .model import DiscoveredZone, ZoneMention
from .text import CJK_CHARS

# County short names that are also everyday words; they name a county only when written in full.
AMBIGUOUS_COUNTY_SHORTS = {
    "城区",
    "矿区",
    "郊区",
    "和顺",
    "平定",
    "永和",
    "安泽",
    "大宁",
    "方山",
    "交口",
    "中阳",
    "吉县",
}
COUNTY_SHORTS_BEFORE_A_KIND = tuple(sorted(AMBIGUOUS_COUNTY_SHORTS - {"城区", "矿区", "郊区"}))
# Characters that cannot end the place part of a zone name: where a discovered name starts after them.
_PLACE_BOUNDARY = set("的在与和及是为等、对向从将把被由至于其该省市县区到赴了以")
_NUMERAL = re.compile(r"[0-9一二三四五六七八九十百千两几多个家]")


@dataclass
class Match:
    start: int
    end: int
    zone: str  # canonical name
    surface: str
    discovered: bool = False


class ZoneFinder:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        aliases = sorted(gazetteer.alias_index, key=len, reverse=True)
        self._alias_re = _alternation(aliases)
        # 综改区 parks are printed with their long names: 山西转型综改示范区唐槐电子装备与制造园区.
        forms = "|".join(re.escape(f) for f in COMPREHENSIVE_REFORM_FORMS)
        self._park_res = []
        for zone in gazetteer.zones:
            if zone.name.startswith(COMPREHENSIVE_REFORM_ZONE) and zone.name != COMPREHENSIVE_REFORM_ZONE:
                park = zone.name[len(COMPREHENSIVE_REFORM_ZONE) :]
                stem = park.removesuffix("园区").removesuffix("产业园")
                if stem and stem != park and len(stem) >= 2:
                    pattern = f"(?:{forms})?{re.escape(stem)}[{CJK_CHARS}]{{0,10}}?园区"
                    self._park_res.append((re.compile(pattern), zone.name))
        self._discovery_re = re.compile("|".join(re.escape(s) for s in DISCOVERY_SUFFIXES))
        places = {}
        for place, county in gazetteer.place_to_county.items():
            if place not in AMBIGUOUS_COUNTY_SHORTS:
                places[place] = county.city
        for city in gazetteer.cities:
            places[city.name] = city.name
            places[city.short] = city.name
        self._place_city = places
        self._place_re = _alternation(sorted(places, key=len, reverse=True))

    # --- zones --------------------------------------------------------------------------------
    def find(self, text: str) -> list[Match]:
        """Zone names in ``text``, left to right, longest match wins where names overlap."""
        candidates: list[Match] = []
        for m in self._alias_re.finditer(text):
            candidates.append(Match(m.start(), m.end(), self.gazetteer.alias_index[m.group()], m.group()))
        for pattern, zone in self._park_res:
            for m in pattern.finditer(text):
                candidates.append(Match(m.start(), m.end(), zone, m.group()))
        known = _without_overlaps(candidates)
        for m in self._discovery_re.finditer(text):
            found = self._discover(text, m.start(), m.group())
            # A name the gazetteer knows wins over a pattern match on the same words.
            if found and not any(k.start < found.end and found.start < k.end for k in known):
                known.append(found)
        return sorted(known, key=lambda c: c.start)

    def _discover(self, text: str, suffix_start: int, suffix: str) -> Match | None:
        """A zone name by pattern: place + 经济技术开发区 etc., place being a county, city or short place word."""
        before = text[max(0, suffix_start - 8) : suffix_start]
        place = None
        for m in self._place_re.finditer(before):
            if m.end() == len(before) and (place is None or len(m.group()) > len(place)):
                place = m.group()
        if place is None:
            # Right before a zone's kind (永和经济技术开发区) an ambiguous short name is the county's.
            place = next((s for s in COUNTY_SHORTS_BEFORE_A_KIND if before.endswith(s)), None)
        if place is None:
            run = re.search(f"[{CJK_CHARS}]+$", before)
            if not run:
                return None
            word = run.group()
            cut = max((i + 1 for i, ch in enumerate(word) if ch in _PLACE_BOUNDARY), default=0)
            word = word[cut:]
            if not 2 <= len(word) <= 3 or _NUMERAL.search(word):
                return None
            place = word
        name = place + suffix
        start = suffix_start - len(place)
        canonical = self.gazetteer.alias_index.get(name) or self._known_by_shorter_place(name)
        if canonical:
            return Match(start, suffix_start + len(suffix), canonical, name)
        return Match(start, suffix_start + len(suffix), name, name, discovered=True)

    def _known_by_shorter_place(self, name: str) -> str | None:
        """The one known zone printed here with a shorter place name (a name of it ends with ``name``)."""
        zones = self._zones_ending_with(name)
        return zones.pop() if len(zones) == 1 else None

    def _zones_ending_with(self, name: str) -> set[str]:
        """Known zones one of whose longer names ends with ``name``."""
        index = self.gazetteer.alias_index
        return {zone for alias, zone in index.items() if len(alias) > len(name) and alias.endswith(name)}

    def names_place(self, text: str) -> bool:
        """Whether ``text`` names a city, a county or a zone."""
        return bool(self._place_re.search(text) or self.find(text))

    def names_county_or_zone(self, text: str) -> bool:
        """Whether ``text`` names a county or a zone (a city alone does not count)."""
        counties = self.gazetteer.place_to_county
        return any(m.group() in counties for m in self._place_re.finditer(text)) or bool(self.find(text))

    def zone_of_county(self, text: str) -> str | None:
        """The zone of the one county ``text`` names, when that county has exactly one zone."""
        counties = {
            self.gazetteer.place_to_county[m.group()].name
            for m in self._place_re.finditer(text)
            if m.group() in self.gazetteer.place_to_county
        }
        if len(counties) != 1:
            return None
        county = counties.pop()
        zones = [zone.name for zone in self.gazetteer.zones if zone.county == county and not zone.discovered]
        return zones[0] if len(zones) == 1 else None

    def short_form_of(self, text: str, zones: list[str]) -> str | None:
        """The zone among ``zones`` that ``text`` names by a short form of its name (X经开区 for
        X经济技术开发区), for zones the gazetteer does not list with their short forms."""
        for zone in zones:
            split = place_of(zone)
            if split and any(split[0] + form in text for form in KIND_SUFFIXES[split[1]][1:]):
                return zone
        return None

    def discovered_zone(self, match: Match) -> DiscoveredZone:
        suffix = next(s for s in DISCOVERY_SUFFIXES if match.zone.endswith(s))
        place = match.zone[: -len(suffix)]
        county = self.gazetteer.place_to_county.get(place)
        city = county.city if county else self._place_city.get(place)
        return DiscoveredZone(match.zone, place, suffix, city, county.name if county else None)

    def discovery_doubt(self, zone: DiscoveredZone) -> str | None:
        """Why a discovered zone may not be a new zone, or None when it plainly is one: its place is no
        county or city the reference data knows (the words before 经济开发区 may not be a place), or a
        known zone already has its county or ends with its name (the same zone printed another way)."""
        if zone.city is None:
            return f"“{zone.place}”不是已知的县市名"
        endings = sorted(self._zones_ending_with(zone.name))
        same_county = [
            known.name
            for known in self.gazetteer.zones
            if zone.county and known.county == zone.county and not known.discovered
        ]
        similar = list(dict.fromkeys(endings + same_county))
        if similar:
            return f"可能就是已知的{'、'.join(similar[:3])}"
        return None

    def mentions(self, text: str) -> list[ZoneMention]:
        return [ZoneMention(m.zone, m.surface, m.discovered) for m in self.find(text)]

    # --- cities -------------------------------------------------------------------------------
    def city_of(self, zone: str, discovered: dict[str, DiscoveredZone]) -> str | None:
        city = self.gazetteer.city_of_zone(zone)
        if city is None and zone in discovered:
            city = self.gazetteer.city_short(discovered[zone].city)
        return city

    def single_city(self, text: str) -> str | None:
        """The one prefecture city ``text`` names (directly or by a county), or None if none or several.

        An enumeration ("大同等5市") names several.
        """
        cities = set()
        for m in self._place_re.finditer(text):
            if text[m.end() : m.end() + 1] in ("等", "、"):
                return None
            cities.add(self._place_city[m.group()])
        if len(cities) == 1:
            return self.gazetteer.city_short(cities.pop())
        return None


def _without_overlaps(candidates: list[Match]) -> list[Match]:
    """Left to right; where matches overlap, the longest wins."""
    chosen: list[Match] = []
    for cand in sorted(candidates, key=lambda c: (c.start, -(c.end - c.start))):
        if chosen and cand.start < chosen[-1].end:
            if cand.end - cand.start > chosen[-1].end - chosen[-1].start:
                chosen[-1] = cand
            continue
        chosen.append(cand)
    return chosen


def _alternation(words: list[str]) -> re.Pattern[str]:
    """One pattern for any of ``words`` (longest first wins); with no words, one that never matches."""
    return re.compile("|".join(re.escape(w) for w in words) or "(?!)")
