"""The numbers on the map, city and zone pages are the database's (visible articles only)."""

import re

import pytest
from django.db.models import Q

from articles.models import Article, City, Zone

pytestmark = pytest.mark.django_db


def visible_in_city(city):
    return Article.objects.visible().filter(city=city).count()


def visible_for_zone(zone):
    return Article.objects.visible().filter(Q(zone=zone) | Q(zones=zone)).distinct().count()


def map_counts(html):
    return {city: int(n) for city, n in re.findall(r'data-city="([^"]+)" data-count="(\d+)"', html)}


def check_all_counts(client):
    assert map_counts(client.get("/").text) == {city.short: visible_in_city(city) for city in City.objects.all()}
    for city in City.objects.all():
        html = client.get(city.get_absolute_url()).text
        shown = int(re.search(r'id="city-article-count" data-count="(\d+)"', html).group(1))
        assert shown == visible_in_city(city), city
        rows = dict(re.findall(r'<tr data-zone="([^"]+)">.*?data-count="(\d+)"', html, re.S))
        assert {name: int(n) for name, n in rows.items()} == {
            zone.name: visible_for_zone(zone) for zone in city.zones.all()
        }, city
    listed = {}
    for block in re.findall(
        r"<li>\s*<a href=\"/zones/(\d+)/\">.*?data-count=\"(\d+)\"", client.get("/zones/").text, re.S
    ):
        listed[int(block[0])] = int(block[1])
    assert listed == {zone.pk: visible_for_zone(zone) for zone in Zone.objects.all()}
    for zone in Zone.objects.all():
        html = client.get(zone.get_absolute_url()).text
        shown = int(re.search(r'id="zone-article-count" data-count="(\d+)"', html).group(1))
        assert shown == visible_for_zone(zone), zone


def test_counts_match_the_database(client, seeded):
    assert map_counts(client.get("/").text)["运城"] == 4
    check_all_counts(client)


def test_counts_leave_out_hidden_articles(client, seeded):
    first = Article.objects.filter(city__short="运城").first()
    Article.objects.filter(pk=first.pk).update(is_published=False)
    Article.objects.filter(page__source_file__startswith="002").update(is_published=False)
    assert map_counts(client.get("/").text)["运城"] == 3
    check_all_counts(client)


def test_counts_with_an_empty_database(client):
    assert set(map_counts(client.get("/").text).values()) == {0}
    check_all_counts(client)
