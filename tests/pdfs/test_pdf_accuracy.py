"""The PDF path reads what the text path reads: generated articles and the seeds' articles set as issue
PDFs (reportlab), read back through pypdfium2 and the layout reader, parse to the same articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.parsing import parse_page
from articles.pdfs.document import read_pages
from tests.parser.accuracy import CORE_FIELDS, canon, score, summarize
from tests.parser.generator import GoldArticle, GoldCaption, generate_page

from .conftest import generated_specs
from .newspaper import PageSpec, issue_pdf

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PAGES = 30


def pdf_text(spec: PageSpec, seed: int = 0) -> str:
    return read_pages(issue_pdf([spec], seed=seed), max_pages=4)[0].text.text


def core_mean(summary) -> float:
    return sum(summary["overall"][name] for name in CORE_FIELDS) / len(CORE_FIELDS)


@pytest.fixture(scope="module")
def generated_pairs():
    return generated_specs(PAGES, start=1000)


def test_generated_issue_pdfs_parse_to_their_gold_as_well_as_their_text_does(generated_pairs):
    pdf_path = summarize(score(page, parse_page(pdf_text(spec, page.seed))) for spec, page in generated_pairs)
    text_path = summarize(score(page, parse_page(page.text)) for spec, page in generated_pairs)
    assert pdf_path["crashed_pages"] == 0
    assert core_mean(pdf_path) >= 0.95, pdf_path["overall"]
    assert core_mean(pdf_path) >= core_mean(text_path) - 0.01, (pdf_path["overall"], text_path["overall"])
    assert all(pdf_path["overall"][name] >= 0.85 for name in CORE_FIELDS), pdf_path["overall"]


def fold(text: str) -> str:
    return canon(text).replace("(", "（").replace(")", "）")


def gold_of(article) -> GoldArticle:
    """What the text path read of a seed article, as the gold its PDF must give back."""
    return GoldArticle(
        kicker=article.kicker,
        title=article.title,
        subtitle=article.subtitle,
        authors=list(article.authors),
        zone=article.zone,
        city=article.city,
        paragraphs=[paragraph.text for paragraph in article.paragraphs],
        kinds=[paragraph.kind for paragraph in article.paragraphs],
        captions=[GoldCaption(c.text, c.credit, c.photographer) for c in article.captions],
        continued_from=article.continued_from,
        continued_to=article.continued_to,
    )


def test_seed_articles_set_as_pdf_pages_parse_as_the_text_pages_do():
    compared = authors_same = 0
    for seed_file in sorted(SEEDS.glob("*.txt")):
        text_path = parse_page(seed_file.read_text(encoding="utf-8"))
        gold = [gold_of(article) for article in text_path.articles if article.title and article.paragraphs]
        # One article a page: the seed pages' articles are long.
        pdf = issue_pdf([PageSpec([article], columns=4, masthead=(2024, 16, "D1")) for article in gold])
        pages = read_pages(pdf, max_pages=10)
        found = {canon(a.title): a for page in pages for a in parse_page(page.text.text).articles}
        for expected in gold:
            article = found.get(canon(expected.title))
            assert article is not None, (seed_file.name, expected.title, list(found))
            assert (article.zone, article.city) == (expected.zone, expected.city)
            # The text path keeps the half-width brackets of narrow pages; the PDF path's become full-width.
            assert fold("".join(p.text for p in article.paragraphs)) == fold("".join(expected.paragraphs))
            compared += 1
            authors_same += sorted(article.authors) == sorted(expected.authors)
    assert compared >= 15
    assert authors_same / compared >= 0.9, (authors_same, compared)


def test_narrow_columns_with_headings_after_the_body_are_read_heading_last():
    page = generate_page(7)
    gold = [article for article in page.gold if article.title][:2]  # what six narrow columns of A3 hold
    text = pdf_text(PageSpec(gold, columns=6, layout="heading_last"))
    parsed = parse_page(text)
    assert parsed.layout == "heading_last"
    assert [canon(a.title) for a in parsed.articles if a.title] == [canon(g.title) for g in gold]
