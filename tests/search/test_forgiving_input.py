"""Forgiving input (issue 23): traditional characters and full-width forms find what their simplified,
half-width forms find, and are marked where the article prints them; a generic short form (经开区) is
also searched as its full names. Counts are checked against the database's own text."""

from __future__ import annotations

import html
import re

import opencc
import pytest
from django.core.management import call_command
from django.utils.html import escape, strip_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.search import highlight, search
from articles.search.fields import full_text
from articles.search.folding import convert_keeping_length, fold
from articles.services.ingest import ingest_page

from .helpers import ids, visible

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded", "forms_printed")]

# Forms the seeds do not print: an article set in traditional characters with full-width figures, one
# with full-width figures in simplified text, and the 高新区 family.
PAGES = {
    "traditional.txt": "# 開發區建設提速\n\n科学导报讯 記者王波 長子經開區以項目建設為抓手，全年完成投資１６．８億元，"
    "開發區建設再上新臺階。\n",
    "fullwidth.txt": "# 园区签约项目\n\n科学导报讯 记者李明 今年一季度，园区签约项目总投资１６．８亿元，"
    "同比增长１２％。\n",
    "hightech.txt": "# 高新区培育新质生产力\n\n科学导报讯 记者张华 长治高新区聚焦新材料产业，"
    "与长治高新技术产业开发区管委会共建创新平台。\n",
    "hightech2.txt": "# 高新技术开发区招商\n\n科学导报讯 记者张华 某高新技术开发区今年引进项目八个。\n",
}


@pytest.fixture(scope="module")
def forms_printed(seeded, django_db_blocker):
    """The pages above ingested (and indexed) beside the seeds, for the module."""
    with django_db_blocker.unblock():
        for name, text in PAGES.items():
            ingest_page(text.encode(), name)
    yield


def containing(*forms: str) -> set[int]:
    """The database's answer: visible articles whose printed text holds any of ``forms`` once both are
    folded (traditional → simplified, full-width → half-width)."""
    folded = [fold(form).lower() for form in forms]
    return {article.pk for article in visible() if any(form in fold(full_text(article)).lower() for form in folded)}


def article_titled(title: str) -> Article:
    return Article.objects.visible().get(title=title)


def test_traditional_characters_find_what_simplified_ones_find():
    simplified = ids("开发区")
    assert sorted(ids("開發區")) == sorted(simplified)
    assert set(simplified) == containing("开发区")
    assert article_titled("開發區建設提速").pk in simplified  # the article printed in traditional characters


def test_full_width_figures_find_what_half_width_ones_find():
    half = ids("16.8亿元")
    assert sorted(ids("１６．８亿元")) == sorted(half) == sorted(ids("１６．８億元"))
    assert set(half) == containing("16.8亿元")
    # The seed article printing 16.8亿元, and the two printing it in full-width figures.
    assert {article_titled("開發區建設提速").pk, article_titled("园区签约项目").pk} < set(half)
    assert len(half) >= 3


def test_a_quoted_phrase_in_traditional_characters_is_exact_too():
    phrase = ids('"开发区建设"')
    assert phrase and sorted(ids('"開發區建設"')) == sorted(phrase)
    assert set(phrase) == containing("开发区建设")


def test_highlighting_marks_the_characters_the_article_prints():
    [hit] = [hit for hit in search("开发区", per_page=100).hits if hit.article.title == "開發區建設提速"]
    assert hit.title_html == "<mark>開發區</mark>建設提速"
    assert "<mark>開發區</mark>建設再上新臺階" in hit.snippet_html
    [hit] = [hit for hit in search("16.8亿元", per_page=100).hits if hit.article.title == "园区签约项目"]
    assert "总投资<mark>１６．８亿元</mark>" in hit.snippet_html


def test_the_article_page_marks_the_printed_characters_of_a_searched_form(client):
    article = article_titled("開發區建設提速")
    page = client.get(article.get_absolute_url(), {"hl": "开发区"}).content.decode()
    assert "<mark>開發區</mark>建設提速" in page


def test_a_city_typed_in_traditional_characters_is_offered_as_a_filter():
    assert ("city", "临汾") in [(name, value) for name, value, _ in search("臨汾").related]


def test_the_generic_short_form_also_finds_the_full_names():
    result = search("经开区", per_page=1000)
    found = {hit.article.pk for hit in result.hits}
    assert found == containing("经开区", "经济技术开发区", "经济开发区")
    assert len(found) > len(containing("经开区"))  # the expansion finds more than the short form alone
    assert result.also_searched == ["经济技术开发区", "经济开发区"]
    assert set(ids("經開區")) == found  # in traditional characters too
    hightech = search("高新区", per_page=1000)
    assert {hit.article.pk for hit in hightech.hits} == containing("高新区", "高新技术产业开发区", "高新技术开发区")
    assert article_titled("高新技术开发区招商").pk in {hit.article.pk for hit in hightech.hits}


def test_only_a_bare_typed_generic_form_is_expanded():
    quoted = search('"经开区"', per_page=1000)
    assert {hit.article.pk for hit in quoted.hits} == containing("经开区") and quoted.also_searched == []
    zone = search("长子经开区")  # a zone's name: its own names, not every 经济技术开发区
    assert zone.also_searched == [] and zone.count < search("经开区").count
    excluded = search("项目 -经开区", per_page=1000)  # an exclusion removes what was typed only
    assert excluded.also_searched == []
    assert {hit.article.pk for hit in excluded.hits} == containing("项目") - containing("经开区")


def test_the_page_and_the_api_say_what_was_also_searched(client):
    page = client.get("/search/", {"q": "经开区"}).content.decode()
    assert "也查了：经济技术开发区、经济开发区" in page
    answer = client.get("/api/v1/search/", {"q": "经开区"}).json()
    assert answer["also_searched"] == ["经济技术开发区", "经济开发区"]
    assert answer["count"] == len(containing("经开区", "经济技术开发区", "经济开发区"))
    plain = client.get("/api/v1/search/", {"q": "开发区"}).json()
    assert plain["also_searched"] == []
    assert "也查了" not in client.get("/search/", {"q": "开发区"}).content.decode()


def test_the_author_scope_folds_a_name_typed_in_traditional_characters():
    by_name = ids("张华", field="author")
    assert by_name and sorted(ids("張華", field="author")) == sorted(by_name)


def test_folding_keeps_offsets_and_is_stable():
    text = "開發區１６．８億元，ＡＢＣ　⼯业 … ㎡ ½"
    folded = fold(text)
    assert folded == "开发区16.8亿元,ABC 工业 … ㎡ ½"  # what NFKC would expand (…, ㎡, ½) stays
    assert len(folded) == len(text) and fold(folded) == folded
    assert fold("\ud800開\x00發") == "\ud800开\x00发"  # what OpenCC cannot take is kept, never an error


# Traditional and simplified characters, full-width and half-width forms, what NFKC expands, what OpenCC
# converts as phrases (乾隆, 頭髮), the character OpenCC converts twice (薴 → 苧 → 苎), one beyond the BMP (𝐀).
MIXED = st.text(
    st.sampled_from(list("開發區开发区經濟技术乾隆頭髮薴苧１６．８16.8ＡａAa，,　 …㎡½²⼯𝐀\n")), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(text=MIXED, start=st.integers(0, 40), length=st.integers(1, 6))
def test_any_text_folds_to_its_own_length_and_marks_the_original_characters(text, start, length):
    folded = fold(text)
    assert len(folded) == len(text) and fold(folded) == folded
    piece = text[start : start + length]
    if piece.strip():
        # A piece searched in any of its forms is marked where it stands, in the original characters.
        form = folded[start : start + length]
        marked = highlight(text, [form])
        marks = [html.unescape(mark) for mark in re.findall(r"<mark>(.*?)</mark>", marked, re.S)]
        assert marks and all(fold(mark).lower() == form.lower() for mark in marks)
        assert strip_tags(marked) == escape(text)  # nothing added, nothing lost


def test_a_conversion_that_changes_a_length_falls_back_to_single_characters():
    # OpenCC's Taiwan-phrase table turns U盘 into 隨身碟 (two characters into three); t2s has no such
    # phrase today, but offsets must survive one.
    taiwan = opencc.OpenCC("s2twp")
    assert taiwan.convert("我的U盘坏了") == "我的隨身碟壞了"
    assert convert_keeping_length(taiwan, "我的U盘坏了") == "我的U盤壞了"


def test_an_index_analysed_before_the_folding_is_reported_until_it_is_rebuilt():
    """An index written before this change (its schema without the analysis mark, its documents without
    it) is not silently searched: readers, ``manage.py check`` and ``check_index`` say so, still after an
    editor's save has rewritten one document (and with it the index's schema), until ``rebuild_index``."""
    import copy

    from haystack import connections
    from whoosh import index as whoosh_index

    from articles.search import get_search_engine, sync_articles
    from articles.search.checks import index_matches_database
    from articles.search.folding import ANALYSIS_FIELD
    from articles.search.whoosh_engine.internals import searcher

    from .helpers import check_index, prepared

    backend = connections["default"].get_backend()
    old_schema = copy.deepcopy(backend.schema)
    old_schema.remove(ANALYSIS_FIELD)
    writer = whoosh_index.create_in(str(searcher.index_path()), old_schema, indexname="MAIN").writer()
    articles = visible()
    for article in articles:
        writer.add_document(**{k: v for k, v in prepared(article).items() if k != ANALYSIS_FIELD})
    writer.commit()
    get_search_engine().reset()
    try:
        result = search("开发区")
        assert f"检索索引中有 {len(articles)} 篇文章尚未按现行方式重建" in " ".join(result.notes)
        [warning] = index_matches_database()
        assert f"{len(articles)} index documents were analysed before" in warning.msg
        assert "rebuild_index" in warning.msg
        clean, report = check_index()
        assert not clean and f"changed (indexed differently): {len(articles)}" in report

        sync_articles([articles[0].pk])  # an editor's save: one document rewritten, the schema with it
        assert f"检索索引中有 {len(articles) - 1} 篇文章" in " ".join(search("开发区").notes)
    finally:
        call_command("rebuild_index", interactive=False, verbosity=0, procs=1)
        get_search_engine().reset()
    assert not any("重建" in note for note in search("开发区").notes)
    assert index_matches_database() == []
    assert check_index()[0]
