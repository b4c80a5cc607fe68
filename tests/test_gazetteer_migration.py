import pytest

from articles.gazetteer_db import gazetteer_from_db
from articles.models import City, County, Zone
from articles.parsing import Gazetteer

pytestmark = pytest.mark.django_db


def test_fresh_database_knows_cities_counties_and_zones():
    assert City.objects.count() == 11
    assert County.objects.count() == 117
    assert Zone.objects.filter(source=Zone.Source.GAZETTEER).count() == 71


def test_city_codes_and_short_names():
    taiyuan = City.objects.get(code="140100")
    assert (taiyuan.name, taiyuan.short) == ("太原市", "太原")


def test_repeated_county_names_stay_in_their_city():
    # 城区 exists in both 阳泉市 and 晋城市.
    assert County.objects.filter(name="城区").count() == 2
    zone = Zone.objects.get(name="晋城经济技术开发区")
    assert zone.county.city.name == "晋城市"


def test_zone_aliases_come_from_the_gazetteer():
    reference = Gazetteer.from_csv()
    zone = Zone.objects.get(name="长子经济技术开发区")
    assert zone.aliases == reference.aliases_of(zone.name)[1:]
    assert "长子经开区" in zone.aliases


def test_gazetteer_from_db_matches_the_reference_files():
    assert gazetteer_from_db().alias_index == Gazetteer.from_csv().alias_index


def test_gazetteer_from_db_includes_editors_aliases_and_discovered_zones():
    zone = Zone.objects.get(name="长子经济技术开发区")
    zone.aliases = [*zone.aliases, "长子园区"]
    zone.save()
    Zone.objects.create(name="怀仁经济开发区", kind="经济开发区", source=Zone.Source.DISCOVERED)
    gazetteer = gazetteer_from_db()
    assert gazetteer.alias_index["长子园区"] == "长子经济技术开发区"
    assert gazetteer.zone_by_name["怀仁经济开发区"].discovered
