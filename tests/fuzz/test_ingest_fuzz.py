"""Ingest of hostile page files: refused with an IngestError and nothing stored, or stored with every value
fitting its column. SQLite would accept an over-long title or an out-of-range number that PostgreSQL refuses
mid-transaction, so the columns are checked here on both."""

import json

import pytest
from django.db import models
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articles.models import Article, Author, Caption, Issue, Page, Zone
from articles.services.columns import column_range
from articles.services.ingest import MAX_ARTICLES_PER_PAGE, IngestError, ingest_page

from .conftest import CONTROLS, UNICODE

pytestmark = pytest.mark.django_db

CJK = "长子经济技术开发区风陵渡项目建设科学导报王波张伦记者通讯员山西省太原市临汾综改区唐槐园区新质生产力强调的在为深入贯彻落实"
RUNS = st.one_of(st.integers(1, 30), st.integers(90, 700)).flatmap(
    lambda n: st.text(st.sampled_from(CJK), min_size=n, max_size=n)
)
NUMBERS = st.one_of(st.integers(0, 99999), st.sampled_from([0, 1, 999, 1000, 9999, 32767, 32768, 2**31]))
LINES = st.one_of(
    RUNS.map(lambda run: f"# {run}"),  # a marked heading: the parser takes it whole
    RUNS,
    st.builds("{}年第{}期 {}年{}月{}日 {}版".format, NUMBERS, NUMBERS, NUMBERS, NUMBERS, NUMBERS, st.text(max_size=5)),
    st.builds("科学导报讯 记者{} 通讯员{} {}。".format, RUNS, RUNS, RUNS),
    st.builds("图为{}。 ■ {}摄".format, RUNS, RUNS),
    st.builds("（上接{}版）".format, st.text(max_size=30)),
    st.builds("{}经济技术开发区".format, RUNS),
    st.text(UNICODE, max_size=50),
    st.text(CONTROLS, max_size=3),
)
PAGES = st.lists(LINES, min_size=1, max_size=25).map("\n\n".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"])
HINTS = st.one_of(st.none(), st.none(), NUMBERS, st.integers(-(2**40), 2**40))


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Page, Article, Issue, Author, Caption, Zone))


def assert_fits(instance: models.Model) -> None:
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            assert "\x00" not in value, field.name
            assert field.max_length is None or len(value) <= field.max_length, (field.name, len(value))
        elif isinstance(value, int) and not isinstance(value, bool) and not field.is_relation:
            low, high = column_range(field)
            assert (low is None or low <= value) and (high is None or value <= high), (field.name, value)
        elif isinstance(value, list | dict):
            assert "\\u0000" not in json.dumps(value), field.name


def assert_stored_page_fits(page: Page) -> None:
    objects = [page, *([page.issue] if page.issue else [])]
    for article in page.articles.all():
        objects += [article, *article.captions.all(), *article.authorships.all()]
        objects += [authorship.author for authorship in article.authorships.all()]
    objects += list(Zone.objects.filter(source=Zone.Source.DISCOVERED))
    for instance in objects:
        assert_fits(instance)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(PAGES, ENCODINGS, st.text(UNICODE, min_size=1, max_size=300), HINTS, HINTS, st.text(max_size=20))
def test_hostile_pages_are_refused_or_stored_whole(text, encoding, name, year, number, label):
    data = text.encode(encoding)
    before = counts()
    try:
        result = ingest_page(data, name, issue_year=year, issue_number=number, page_label=label)
    except IngestError as error:
        event(type(error).__name__)
        assert str(error).strip()
        assert counts() == before
        return
    event("stored" + (", cut" if "过长" in str(result.warnings) else ""))
    assert_stored_page_fits(result.page)
    assert result.page.raw_bytes == data


def test_an_overlong_heading_is_cut_with_a_warning_and_the_page_keeps_it():
    heading = "项目" * 200
    text = f"# {heading}\n\n科学导报讯 长子经济技术开发区加速项目建设。\n"
    result = ingest_page(text.encode(), "D1.txt")
    article = result.page.articles.get()
    assert len(article.title) == Article._meta.get_field("title").max_length
    assert article.title.endswith("…") and heading.startswith(article.title[:-1])
    assert any("标题过长（400 字）" in warning for warning in article.warnings)
    assert heading in result.page.raw_text


def test_an_overlong_file_name_is_cut_with_a_warning():
    name = "版" * 300 + ".txt"
    result = ingest_page("# 标题\n\n科学导报讯 正文。\n".encode(), name)
    assert result.page.source_file == name[:254] + "…"
    assert any("原文件名过长" in warning for warning in result.page.warnings)


@pytest.mark.parametrize("hint", [{"issue_year": 99999}, {"issue_number": 32768}, {"issue_year": -1}])
def test_an_issue_hint_out_of_range_is_refused(hint):
    with pytest.raises(IngestError, match="超出范围"):
        ingest_page("# 标题\n\n科学导报讯 正文。\n".encode(), "D1.txt", **hint)
    assert not Page.objects.exists()


def test_utf16_text_with_nul_characters_is_refused():
    """UTF-16 files are full of NUL bytes, so decoding lets them through; a NUL *character* in the text is
    still binary junk (and PostgreSQL cannot store it in a text column)."""
    text = "# 标题\n\n科学导报讯 长子经济技术开发区加速项目建设，以项目建设为抓手，加速手续办理。\n" * 5 + "\x00"
    with pytest.raises(IngestError, match="不是文本文件"):
        ingest_page(text.encode("utf-16"), "D1.txt")
    assert not Page.objects.exists()


def test_a_page_of_narrow_lines_at_the_size_limit_is_parsed_in_linear_time():
    """Found by fuzzing: the narrow-column layout looked each line up with list.index (comparing texts), so a
    2 MB page of short lines took 8 minutes to parse, holding an admin request that long. No timing is
    asserted; before the fix this test alone ran for minutes."""
    text = "".join(f"# 第{n}个标题\n\n科学导报讯 这是正文{n}。\n\n" for n in range(40_000))
    # Parsed to the end (40,000 headed pieces), then refused as no printed page, nothing stored.
    with pytest.raises(IngestError, match="文章数量超过上限"):
        ingest_page(text.encode(), "D1.txt", max_bytes=len(text.encode()))
    assert not Page.objects.exists()


def test_a_page_of_thousands_of_articles_is_refused():
    body = "长子经济技术开发区以项目建设为抓手，加速手续办理，推动项目早落地、早投产、早见效。"
    text = "".join(f"# 标题{n}\n\n科学导报讯 {body}\n\n" for n in range(MAX_ARTICLES_PER_PAGE + 1))
    with pytest.raises(IngestError, match="文章数量超过上限"):
        ingest_page(text.encode(), "D1.txt")
    assert not Page.objects.exists()


def test_a_nul_in_the_file_name_is_replaced_with_a_warning():
    """Found by fuzzing: a file name with a NUL character (an upload can carry one) broke the insert on PostgreSQL."""
    result = ingest_page("# 标题\n\n科学导报讯 正文。\n".encode(), "D1\x00.txt")
    assert result.page.source_file == "D1\ufffd.txt"
    assert any("NUL" in warning for warning in result.page.warnings)
