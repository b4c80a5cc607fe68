"""The parser's Gazetteer, built from the database instead of the reference CSV files.

The database is the living list: it also holds zones discovered in articles and aliases that
editors add, and the parser should recognise those on the next page it reads.
"""

import hashlib

from .models import Author, City, County, Zone
from .parsing import gazetteer


def gazetteer_from_db() -> gazetteer.Gazetteer:
    cities = [gazetteer.City(city.name, city.short, city.code) for city in City.objects.all()]
    counties = [
        gazetteer.County(county.name, county.short, county.city.name, county.kind)
        for county in County.objects.select_related("city")
    ]
    zones = [
        gazetteer.Zone(
            name=zone.name,
            short=zone.short,
            kind=zone.kind,
            level=zone.level,
            city=zone.city.name if zone.city else None,
            county=zone.county.name if zone.county else None,
            extra_aliases=tuple(zone.aliases),
            discovered=zone.source == Zone.Source.DISCOVERED,
            uncertain=zone.uncertain,
        )
        for zone in Zone.objects.select_related("city", "county")
    ]
    return gazetteer.Gazetteer(cities, counties, zones)


def names_digest() -> str:
    """A digest of every row the gazetteer and the search dictionary are made of (cities, counties,
    zones, authors): when it is unchanged, so are they. Reading the rows costs a few milliseconds;
    building the gazetteer and the dictionary again costs several times that."""
    digest = hashlib.blake2b(digest_size=16)
    for rows in (
        City.objects.order_by("pk").values_list("pk", "name", "short", "code"),
        County.objects.order_by("pk").values_list("pk", "name", "short", "kind", "city_id"),
        Zone.objects.order_by("pk").values_list(
            "pk", "name", "short", "aliases", "kind", "level", "city_id", "county_id", "source", "uncertain"
        ),
        Author.objects.order_by("pk").values_list("pk", "name"),
    ):
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()
