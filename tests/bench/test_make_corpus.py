"""The benchmark corpus generator (bench/make_corpus.py) keeps producing pages the parser reads as meant."""

from articles.parsing import parse_page
from bench.make_corpus import Generator, check_page, make_corpus


def test_three_pages_in_both_layouts_parse_into_the_intended_articles():
    # Seed 2 without redrawing: the first three pages are two narrow-column pages and a heading-first one.
    pages = Generator(seed=2).pages(pages=3, check=False)
    assert {page.layout for page in pages} == {"heading_first", "heading_last"}
    for page in pages:
        parsed = parse_page(page.text)
        assert parsed.layout == page.layout
        assert [(a.kicker, a.title, a.authors) for a in parsed.articles] == [
            (a.kicker, a.title, a.authors) for a in page.articles
        ]
        assert check_page(page) == []
        assert all(a.paragraphs and a.dateline == "科学导报讯" for a in parsed.articles)


def test_corpus_files_and_manifest_are_deterministic(tmp_path):
    first = make_corpus(tmp_path / "a", articles=12, seed=5)
    second = make_corpus(tmp_path / "b", articles=12, seed=5)
    assert sum(len(page.articles) for page in first) == 12
    assert [page.text for page in first] == [page.text for page in second]
    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert names == sorted([page.name for page in first] + ["manifest.csv"])
    manifest = (tmp_path / "a" / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "file,issue_year,issue_number,date,page_label,note"
    assert manifest[1].startswith(f"{first[0].name},2005,1,2005-01-07,D1,")
