"""The author index: every author of a visible article once, in pinyin order, with the database's counts."""

import re

from articles.browse import name_in_pinyin
from articles.models import Article, Author


def test_surnames_are_read_as_surnames():
    assert name_in_pinyin("曾勇兰") == "zeng yong lan"
    assert name_in_pinyin("单丽") == "shan li"
    assert name_in_pinyin("王波") == "wang bo"


def test_the_index_lists_each_author_once_with_the_count_of_visible_articles(client, seeded):
    hidden = Article.objects.filter(authors__isnull=False).first()
    Article.objects.filter(pk=hidden.pk).update(is_published=False)
    html = client.get("/authors/").content.decode()
    listed = re.findall(r'<li><a href="/authors/(\d+)/">([^<]+)</a> <span class="count" data-count="(\d+)">', html)
    visible = Article.objects.visible()
    expected = {
        author.pk: visible.filter(authors=author).count()
        for author in Author.objects.all()
        if visible.filter(authors=author).exists()
    }
    assert {int(pk): int(count) for pk, _, count in listed} == expected
    assert len(listed) == len(expected)  # once each
    names = [name for _, name, _ in listed]
    readings = [name_in_pinyin(name) for name in names]
    assert readings == sorted(readings)
    letters = re.findall(r'<h2 id="h-([A-Z#])">', html)
    assert letters == sorted(letters) and all(name_in_pinyin(n)[0].upper() in letters for n in names)


def test_the_index_is_linked_from_every_page(client, seeded):
    assert 'href="/authors/"' in client.get("/").content.decode()
