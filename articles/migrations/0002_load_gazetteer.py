"""Loads Shanxi's 11 cities, 117 counties and the reference list of development zones."""

from django.db import migrations

from articles.parsing.gazetteer import Gazetteer


def load_gazetteer(apps, schema_editor):
    City = apps.get_model("articles", "City")
    County = apps.get_model("articles", "County")
    Zone = apps.get_model("articles", "Zone")
    gazetteer = Gazetteer.from_csv()

    cities = {city.name: City.objects.create(name=city.name, short=city.short, code=city.code) for city in gazetteer.cities}
    # Keyed by (city, name): county names repeat across cities (阳泉市城区, 晋城市城区).
    counties = {
        (county.city, county.name): County.objects.create(
            name=county.name, short=county.short, kind=county.kind, city=cities[county.city]
        )
        for county in gazetteer.counties
    }
    for zone in gazetteer.zones:
        county = counties.get((zone.city, zone.county))
        Zone.objects.create(
            name=zone.name,
            short=zone.short,
            aliases=gazetteer.aliases_of(zone.name)[1:],
            kind=zone.kind,
            level=zone.level,
            city=cities.get(zone.city) if zone.city else None,
            county=county,
            source="gazetteer",
            uncertain=zone.uncertain,
        )


def unload_gazetteer(apps, schema_editor):
    apps.get_model("articles", "Zone").objects.filter(source="gazetteer").delete()
    apps.get_model("articles", "County").objects.all().delete()
    apps.get_model("articles", "City").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(load_gazetteer, unload_gazetteer)]
