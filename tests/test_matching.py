"""Which stored article a re-parsed article is (``articles.services.matching``, pure Python)."""

from articles.services.matching import Parsed, Stored, plan_reparse

# Distinct texts, long enough that chance trigram overlaps between them stay small.
A = "风陵渡经济开发区依托资源优势重点发展以亚宝药业为龙头的现代医药产业链条加快研发创新资源集聚"
B = "运城经济技术开发区召开第四次招商引资工作调度会听取各部门招商中心近期工作开展情况汇报"
C = "古县经济技术开发区实施五大行动打造开发区建设升级版全力以赴跑出开发区高质量发展加速度"
D = "襄汾经济技术开发区高端装备制造产业园内的浙江运达风电设备制造项目正在加紧建设之中"
E = "朔州经济开发区新能源产业园签约落地一批储能项目总投资超过四十亿元预计明年投产见效"


def stored(*articles, edited=()):
    return [
        Stored(id=100 + number, position=number, title=title, text=title + text, edited=100 + number in edited)
        for number, (title, text) in enumerate(articles, start=1)
    ]


def parsed(*articles):
    return [Parsed(title, title + text) for title, text in articles]


def test_the_same_page_keeps_every_id_in_place():
    plan = plan_reparse(stored(("甲", A), ("乙", B), ("丙", C)), parsed(("甲", A), ("乙", B), ("丙", C)))
    assert plan.updates == {0: 101, 1: 102, 2: 103}
    assert plan.created == [] and plan.retired == {}
    assert plan.order == [("parsed", 0), ("parsed", 1), ("parsed", 2)]


def test_reordered_articles_keep_their_ids():
    plan = plan_reparse(stored(("甲", A), ("乙", B), ("丙", C)), parsed(("丙", C), ("甲", A), ("乙", B)))
    assert plan.updates == {0: 103, 1: 101, 2: 102}


def test_a_changed_title_is_found_by_its_text():
    plan = plan_reparse(stored(("", A), ("乙", B)), parsed(("风陵渡做强医药产业", A), ("乙", B)))
    assert plan.updates == {0: 101, 1: 102}


def test_a_split_keeps_the_id_for_the_part_with_the_title_and_creates_the_rest():
    plan = plan_reparse(stored(("甲", A + C), ("乙", B)), parsed(("甲", A), ("丙", C), ("乙", B)))
    assert plan.updates == {0: 101, 2: 102}
    assert plan.created == [1]
    assert plan.retired == {}


def test_a_merge_keeps_the_first_id_and_the_second_redirects_to_it():
    plan = plan_reparse(stored(("甲", A), ("乙", B), ("丙", C)), parsed(("甲", A + B), ("丙", C)))
    assert plan.updates == {0: 101, 1: 103}
    assert plan.retired == {102: ("parsed", 0)}


def test_an_article_no_longer_found_is_gone_and_a_new_one_is_created():
    plan = plan_reparse(stored(("甲", A), ("乙", B)), parsed(("甲", A), ("丁", D)))
    assert plan.updates == {0: 101}
    assert plan.created == [1]
    assert plan.retired == {102: None}


def test_an_untitled_fragment_that_joins_its_article_redirects_there():
    fragment = B[:20]
    plan = plan_reparse(stored(("", fragment), ("乙", B[20:])), parsed(("乙", B)))
    assert list(plan.updates.values()) == [102]
    assert plan.retired == {101: ("parsed", 0)}


def test_a_hand_edited_article_stands_for_the_parsed_articles_it_covers():
    # The editor merged 乙 and 丙 into article 102 (and 丙's id was retired then).
    articles = stored(("甲", A), ("乙", B + C), ("丁", D), edited={102})
    plan = plan_reparse(articles, parsed(("甲", A), ("乙", B), ("丙", C), ("丁", D)))
    assert plan.covered == {1: 102, 2: 102}
    assert plan.updates == {0: 101, 3: 103}
    assert plan.created == [] and plan.retired == {}
    assert plan.order == [("parsed", 0), ("stored", 102), ("parsed", 3)]


def test_an_editors_split_covers_the_article_the_parser_still_finds_whole():
    articles = stored(("甲", A), ("甲（上）", B[:25]), ("甲（下）", B[25:]), edited={102, 103})
    plan = plan_reparse(articles, parsed(("甲", A), ("乙", B)))
    assert plan.covered == {1: 102}
    assert plan.order == [("parsed", 0), ("stored", 102), ("stored", 103)]


def test_a_hand_edited_article_covering_nothing_stays_after_the_article_it_followed():
    articles = stored(("甲", A), ("编者按", E), ("乙", B), edited={102})
    plan = plan_reparse(articles, parsed(("甲", A), ("乙", B)))
    assert plan.order == [("parsed", 0), ("stored", 102), ("parsed", 1)]
    assert plan.retired == {}


def test_an_article_an_editor_deleted_is_not_brought_back():
    plan = plan_reparse(stored(("甲", A)), parsed(("甲", A), ("乙", B)), deleted_texts=["乙" + B])
    assert plan.repeats_deleted == [1]
    assert plan.order == [("parsed", 0)]
    assert plan.created == []


def test_empty_pages_and_empty_texts():
    assert plan_reparse([], []).order == []
    plan = plan_reparse(stored(("", "")), parsed(("", "")))
    assert plan.created == [0] and plan.retired == {101: None}
