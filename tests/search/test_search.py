"""What a reader of Chinese notices: the right articles, exact phrases, exact facet counts."""

import pytest

from articles.models import Article, Author
from articles.search import get_search_engine, search

from .helpers import containing, db_facets, facet_values, ids, visible

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_everything_visible_is_indexed():
    assert sorted(ids("")) == sorted(article.pk for article in visible())


def test_yabao_pharma_finds_fenglingdu_and_health_base_in_top_three():
    top = search("亚宝药业").hits[:3]
    zones = {hit.article.zone.name for hit in top if hit.article.zone}
    titles = {hit.article.title for hit in top}
    assert "风陵渡经济开发区" in zones
    assert "亚宝大健康创新基地项目一期建设正酣" in titles
    # The articles with the whole name rank above the one that only has 亚宝, and each says which.
    whole = search("亚宝药业")
    assert whole.exact_count == len(containing("亚宝药业"))
    assert all(not hit.partial for hit in whole.hits[: whole.exact_count])
    health = next(hit for hit in whole.hits if hit.article.title.startswith("亚宝大健康"))
    assert health.partial and health.matched == ["亚宝"]


def test_unisplendour_cloud_puts_linfen_base_first():
    first = search("紫光云智").hits[0].article
    assert first.title == "紫光云智智能制造（临汾）基地启动"
    assert first.zone.name == "临汾经济开发区"


def test_jujube_seed_finds_the_untitled_shuozhou_article():
    hits = search("酸枣仁").hits
    assert [(hit.article.title, hit.article.zone.name) for hit in hits] == [("", "朔州经济开发区")]
    assert "<mark>酸枣仁</mark>" in hits[0].snippet_html


def test_management_operation_separation_puts_the_reform_article_first():
    result = search("管运分离")
    assert result.hits[0].article.title == "全省开发区“管运分离”改革取得明显成效"
    assert set(ids("管运分离")) == containing("管运分离")


def test_author_field_finds_wang_bo_four_articles():
    found = ids("王波", field="author")
    assert len(found) == 4
    assert set(found) == set(Author.objects.get(name="王波").articles.values_list("pk", flat=True))


def test_city_facet_for_new_quality_productive_forces_is_exact():
    result = search("新质生产力")
    assert set(ids("新质生产力")) == containing("新质生产力")
    assert dict(result.facets["city"]) == db_facets(containing("新质生产力"))["city"]


@pytest.mark.parametrize("q", ['"开发区"', '"项目"', '"新质生产力"', ""])
def test_every_facet_count_equals_the_database_count(q):
    result = search(q)
    expected = db_facets(containing(q.strip('"')))
    for name, values in result.facets.items():
        assert dict(values) == expected.get(name, {}), name


def test_facets_combine_and_counts_follow_the_filters():
    matched = containing("开发区")
    filtered = {
        article.pk
        for article in visible()
        if article.pk in matched and facet_values(article)["city"] == ["临汾"] and "贺玉斌" in article.author_names()
    }
    result = search('"开发区"', filters={"city": ["临汾"], "author": ["贺玉斌"]})
    assert {hit.article.pk for hit in result.hits} == filtered
    assert result.count == len(filtered) > 0
    for name, values in result.facets.items():
        assert dict(values) == db_facets(filtered).get(name, {}), name


@pytest.mark.parametrize(
    "phrase",
    [
        "管运分离",
        "济开发",  # crosses jieba's 经济|开发区
        "区建设",  # crosses 开发区|建设
        "药业为龙头",  # crosses 药业|为|龙头
        "产业",
        "亿元",
        "开局战 实现",  # with the space printed in a title
        "不存在的短语甲乙丙",
    ],
)
def test_quoted_phrase_returns_exactly_the_articles_containing_it(phrase):
    assert set(ids(f'"{phrase}"')) == containing(phrase)


def test_single_character_phrase_is_exact_too():
    assert set(ids('"枣"')) == containing("枣")


def test_zone_alias_expands_both_ways():
    short, full = set(ids("长子经开区")), set(ids("长子经济技术开发区"))
    assert short == full
    assert any(Article.objects.get(pk=pk).zone.name == "长子经济技术开发区" for pk in short)
    # Quoted, the alias means exactly those characters.
    assert set(ids('"长子经开区"')) == containing("长子经开区")


def test_exclusion_and_or():
    assert set(ids('"开发区" -运城')) == containing("开发区") - containing("运城")
    assert set(ids("酸枣仁 OR 紫光云智")) == containing("酸枣仁") | containing("紫光云智")
    assert set(ids('"开发区" NOT "新质生产力"')) == containing("开发区") - containing("新质生产力")


def test_words_must_all_match():
    assert set(ids("风陵渡 医药")) == containing("风陵渡") & containing("医药")


def test_title_field_only_searches_headings():
    found = ids("管运分离", field="title")
    assert [Article.objects.get(pk=pk).title for pk in found] == ["全省开发区“管运分离”改革取得明显成效"]


def test_sort_by_date_and_pagination_cover_every_result_once():
    total = search('"开发区"').count
    seen = []
    page = 1
    while True:
        result = search('"开发区"', sort="date", page=page, per_page=4)
        assert result.count == total
        seen.extend(hit.article.pk for hit in result.hits)
        if page >= result.pages:
            break
        page += 1
    assert sorted(seen) == sorted(containing("开发区"))


def test_nothing_found_says_so_and_suggests_a_zone_and_dropping_a_filter():
    result = search("风陵渡", filters={"city": ["临汾"]})
    assert result.count == 0 and result.facets == {name: [] for name in result.facets}
    texts = [suggestion["text"] for suggestion in result.suggestions]
    assert any("去掉筛选“城市：临汾”" in text for text in texts)
    assert any("风陵渡经济开发区" in text for text in texts)


def test_unknown_filter_value_finds_nothing_and_suggests_dropping_it():
    result = search("", filters={"zone": ["没有这个开发区"]})
    assert result.count == 0
    assert any("没有这个开发区" in suggestion["text"] for suggestion in result.suggestions)


def test_a_zone_alias_added_by_another_process_is_known_from_the_next_index_change(monkeypatch):
    from articles import gazetteer_db
    from articles.models import Zone
    from articles.search import sync_articles

    zone = Zone.objects.get(name="长子经济技术开发区")
    article = Article.objects.visible().filter(zone=zone).first()
    assert ids("喵喵园") == []
    reads = []
    monkeypatch.setattr(
        gazetteer_db, "gazetteer_from_db", lambda real=gazetteer_db.gazetteer_from_db: reads.append(1) or real()
    )
    try:
        sync_articles([article.pk])  # an index change that brings no new name: the gazetteer is not read again
        assert ids("长子经开区") and reads == []
        # Written straight to the database, as another worker would: no signal reaches this process.
        Zone.objects.filter(pk=zone.pk).update(aliases=[*zone.aliases, "喵喵园"])
        sync_articles([article.pk])
        assert set(ids("喵喵园")) == set(ids("长子经济技术开发区")) != set()
        assert reads
    finally:
        get_search_engine().reset()  # the alias goes with this test's transaction
