"""The parser's Gazetteer, built from the database instead of the reference CSV files.

The database is the living list: it also holds zones discovered in articles and aliases that
editors add, and the parser should recognise those on the next page it reads.
"""

from .models import City, County, Zone
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
