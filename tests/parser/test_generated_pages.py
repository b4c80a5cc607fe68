"""Generated pages with known gold: the generator checked on its own, then the parser measured against it.

The measurement (bench/parser_accuracy.py prints the full table per feature) guards against regressions:
its floors are what the parser achieved when they were set, minus 2 points.
"""

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from articles.parsing import parse_page

from .accuracy import CORE_FIELDS, canon, match, score, summarize
from .generator import FEATURES, HEADING_LAST, display_width, generate_page, material, page_seed

DATA = Path(__file__).resolve().parents[2] / "articles" / "data"
HALF_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


@pytest.fixture(scope="module")
def pages():
    return [generate_page(seed) for seed in range(200)]


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def reader_view(page) -> str:
    """The page as a reader takes it in: captions that cut into bodies set aside, the Founder × repaired,
    punctuation full-width, heading marks and all white space gone."""
    text = page.text.replace("\r\n", "\n")
    for line in page.interruptions:
        text = text.replace(line, "", 1)
    text = re.sub(r"(?<=\d)\s*伊\s*(?=\d)", "×", text)
    text = text.translate(HALF_TO_FULL).replace("#", "")
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


# --- the generator --------------------------------------------------------------------------------


def test_same_seed_same_page_and_seeds_differ():
    assert generate_page(11).text == generate_page(11).text
    assert generate_page(11).gold == generate_page(11).gold
    texts = {generate_page(seed).text for seed in range(50)}
    assert len(texts) == 50


def test_every_feature_occurs_in_200_seeds_and_none_is_unknown(pages):
    seen = set().union(*(page.features for page in pages))
    assert seen - set(FEATURES) == set(), "a recorded feature is missing from FEATURES"
    assert set(FEATURES) - seen == set(), "a feature never occurs"
    for page in pages:
        assert page.features == set().union(*(a.features for a in page.gold))
        assert len({f for f in page.features if f.startswith("layout_")}) == 1


def test_both_layouts_and_every_column_width(pages):
    layouts = {page.layout for page in pages}
    assert layouts == {"heading_first", HEADING_LAST}
    assert {page.column_width for page in pages if page.layout == HEADING_LAST} == set(range(12, 19))


def test_gold_articles_are_well_formed(pages):
    for page in pages:
        assert 2 <= len(page.gold) <= 5
        for article in page.gold:
            assert article.paragraphs and len(article.kinds) == len(article.paragraphs)
            assert set(article.kinds) <= {"p", "h"} and article.kinds[0] == article.kinds[-1] == "p"
            for text, kind in zip(article.paragraphs, article.kinds, strict=True):
                assert text == text.strip() and "\n" not in text and not re.search(r"\s{2}|[,;:()]", text)
                assert kind == "h" or re.search(r"[。！？][”’」』]*$", text), text
            assert len(set(article.paragraphs)) == len(article.paragraphs), "a sentence group repeated"
            assert (article.title is None) == ("continued_from" in article.features)
            assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) for name in article.authors)
            assert (not article.authors) == ("no_byline" in article.features)


def test_gold_text_is_what_the_page_prints(pages):
    """Every gold text can be read off the page: paragraphs whole (cuts rejoined), headings, names, captions."""
    for page in pages:
        view = reader_view(page)
        for article in page.gold:
            for text in [*article.paragraphs, article.kicker, article.title, article.subtitle, *article.authors]:
                if text:
                    assert canon(text) in view, (page.seed, text)
            for caption in article.captions:
                assert canon(caption.text) in re.sub(r"\s+", "", page.text.translate(HALF_TO_FULL)), caption
            for label in (article.continued_from, article.continued_to):
                if label:
                    assert re.search(rf"[（(]\s*(上接|下转)\s*{label}\s*版\s*[)）]", page.text)


def test_gold_zone_and_city_come_from_the_reference_data(pages):
    zones = {row["name"]: row["prefecture_city"] for row in _rows("shanxi_zones.csv")}
    shorts = {row["prefecture_city"]: row["prefecture_short"] for row in _rows("shanxi_divisions.csv")}
    county_city = {row["county"]: row["prefecture_short"] for row in _rows("shanxi_divisions.csv")}
    short_city = {row["county_short"]: row["prefecture_short"] for row in _rows("shanxi_divisions.csv")}
    forms = {z.name: {z.name, z.kicker, z.short} - {None} for z in material().zones + material().unlisted}
    for page in pages:
        for article in page.gold:
            if article.zone is None:
                assert article.city is None or "heading_county_only" in article.features
                if article.city:
                    county = next(c for c in county_city if article.title.startswith(c))
                    assert county_city[county] == article.city
                continue
            if "zone_unlisted" in article.features:
                assert article.zone not in zones
                place = article.zone.removesuffix("经济技术开发区").removesuffix("经济开发区")
                assert short_city[place] == article.city
            else:
                assert shorts[zones[article.zone]] == article.city
            # the zone is named where a reader looks for it: heading, or the first two sentences
            heading = "".join(t for t in (article.kicker, article.title, article.subtitle) if t)
            opening = "".join(re.findall(r"[^。！？]+[。！？]+[”’」』]*", article.paragraphs[0])[:2])
            assert any(form in heading or form in opening for form in forms[article.zone]), article
            if "zone_second_sentence" in article.features:
                first = re.match(r"[^。！？]+[。！？]", article.paragraphs[0]).group()
                assert not any(form in first or form in heading for form in forms[article.zone])


def test_narrow_pages_are_set_in_columns(pages):
    for page in pages:
        if page.layout != HEADING_LAST:
            continue
        widths = [display_width(line) for line in page.text.split("\n") if line.strip()]
        in_column = [w for w in widths if w <= page.column_width + 1]
        assert len(in_column) >= 0.6 * len(widths), page.seed


def test_scoring_a_perfect_reading_and_a_miss():
    page = generate_page(3)
    parsed = parse_page(page.text)
    scores = score(page, parsed)
    assert len(scores["articles"]) == len(page.gold)
    assert set(match(page.gold, parsed.articles)) <= set(range(len(page.gold)))
    crashed = score(page, None)
    assert crashed["crashed"] and not any(row["found"] or row["right"] for row in crashed["articles"])


# --- the parser, measured -------------------------------------------------------------------------

# The property: on many generated pages, articles found, titles, zones and authors are at least
# 95 % right (floors at the target). The other floors are what parser 1.3 achieves on these 100 pages
# (345 articles), minus 2 points: right 0.930, body 0.948 (found 0.986, title 0.971, zone 0.980, city
# 0.977, authors 0.977). Raise them as the parser improves; never lower them to let a change through.
# A change to the generator changes the pages: measure again and set the floors anew
# (bench/parser_accuracy.py shows where the errors are).
FLOORS = {
    "right": 0.91,
    "found": 0.95,
    "title": 0.95,
    "zone": 0.95,
    "city": 0.95,
    "authors": 0.95,
    "body": 0.92,
}
# The target for warnings: at least 90 % of the wrongly parsed articles carry one, at most 15 % of
# the right ones (parser 1.3 on these pages: 95.8 % of 24 wrong, 13.7 % of 321 right).
WRONG_WARNED_AT_LEAST = 0.90
RIGHT_WARNED_AT_MOST = 0.15


def test_parser_accuracy_on_100_generated_pages_does_not_regress():
    pages = [generate_page(page_seed(0, index)) for index in range(100)]
    summary = summarize(score(page, parse_page(page.text)) for page in pages)
    overall = summary["overall"]
    assert set(FLOORS) == {"right", *CORE_FIELDS}
    below = {f: round(overall[f], 3) for f, floor in FLOORS.items() if overall[f] < floor}
    assert not below, f"accuracy fell below its floor: {below} (floors {FLOORS})"
    assert summary["crashed_pages"] == 0
    assert summary["wrong_warned"] >= WRONG_WARNED_AT_LEAST, summary["wrong_warned"]
    assert summary["right_warned"] <= RIGHT_WARNED_AT_MOST, summary["right_warned"]
