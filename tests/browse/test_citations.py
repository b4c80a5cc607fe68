"""Citing an article: GB/T 7714-2015's online form on the page, Highwire meta tags for Zotero, and RIS and
BibTeX files read back by their own rules and a BibTeX parser."""

import datetime
import re
from html.parser import HTMLParser

import bibtexparser
import pytest
from django.utils import timezone

from articles.models import Article, Issue

PAPER = "科学导报·开发区建设专刊"


@pytest.fixture
def article(seeded):
    found = Article.objects.get(title__contains="做强现代医药产业")
    page = found.page
    page.issue = page.issue or Issue.objects.get_or_create(year=2024, number=16)[0]
    page.issue.date = datetime.date(2024, 4, 26)
    page.issue.save()
    page.label = page.label or "D2"
    page.save()
    return Article.objects.get(pk=found.pk)


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").startswith("citation_"):
            self.tags.append((attrs["name"], attrs["content"]))


def test_the_page_cites_the_online_form_with_its_address_and_the_day_it_was_read(client, article):
    url = f"http://testserver/articles/{article.pk}/"
    text = client.get(article.get_absolute_url()).content.decode()
    issue = article.page.issue
    today = timezone.localdate().isoformat()
    expected = f"王波, 张伦, 王昱. “延链”“补链” 做强现代医药产业[N/OL]. {PAPER}, 2024-04-26({article.page.label})[{today}]. {url}"
    assert expected in text, re.search(r'id="citation"[^>]*>(.*?)<', text).group(1)
    assert issue.number


def test_highwire_meta_tags_say_what_zotero_saves(client, article):
    parser = MetaTags()
    parser.feed(client.get(article.get_absolute_url()).content.decode())
    tags = parser.tags
    assert ("citation_title", "“延链”“补链” 做强现代医药产业") in tags
    assert [content for name, content in tags if name == "citation_author"] == ["王波", "张伦", "王昱"]
    assert ("citation_date", "2024/04/26") in tags
    assert ("citation_journal_title", PAPER) in tags
    assert ("citation_issue", str(article.page.issue.number)) in tags
    assert ("citation_firstpage", article.page.label) in tags


def test_ris_file_by_the_formats_line_rules(client, article):
    response = client.get(f"/articles/{article.pk}/cite.ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().split("\r\n")
    assert lines[0] == "TY  - NEWS" and lines[-2] == "ER  - " and lines[-1] == ""
    pairs = [(line[:2], line[6:]) for line in lines[:-1]]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    assert ("TI", "“延链”“补链” 做强现代医药产业") in pairs
    assert [value for tag, value in pairs if tag == "AU"] == ["王波", "张伦", "王昱"]
    assert ("DA", "2024/04/26") in pairs and ("T2", PAPER) in pairs and ("SP", article.page.label) in pairs
    assert ("UR", f"http://testserver/articles/{article.pk}/") in pairs


def test_bibtex_file_read_by_a_bibtex_parser(client, article):
    response = client.get(f"/articles/{article.pk}/cite.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    (entry,) = bibtexparser.loads(response.content.decode()).entries
    assert entry["ENTRYTYPE"] == "article" and entry["ID"] == f"kfq{article.pk}"
    assert entry["title"] == "“延链”“补链” 做强现代医药产业"
    assert entry["author"].split(" and ") == ["王波", "张伦", "王昱"]
    assert (entry["journal"], entry["year"], entry["date"]) == (PAPER, "2024", "2024-04-26")
    assert entry["url"] == f"http://testserver/articles/{article.pk}/"


def test_unknown_stays_unknown_and_hidden_articles_have_no_files(client, article):
    issue = article.page.issue
    issue.date = None
    issue.save()
    bib = bibtexparser.loads(client.get(f"/articles/{article.pk}/cite.bib").content.decode()).entries[0]
    assert "date" not in bib and "month" not in bib
    ris = client.get(f"/articles/{article.pk}/cite.ris").content.decode()
    assert "DA  - " not in ris
    Article.objects.filter(pk=article.pk).update(is_published=False)
    assert client.get(f"/articles/{article.pk}/cite.ris").status_code == 404
    assert client.get(f"/articles/{article.pk}/cite.txt").status_code == 404
