"""The parser says where it is unsure: each doubt a warning with its code, and on the seeds only where an
editor should look."""

from pathlib import Path

import pytest

from articles.parsing import parse_page
from articles.parsing.model import WARNING_CODES, Paragraph, ParsedArticle
from articles.parsing.page import _check_article, reference_gazetteer
from articles.parsing.zones import ZoneFinder

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
BODY = "科学导报讯 记者王波 近日，运城经济技术开发区召开项目推进会，研究部署下一阶段重点工作。"


def codes(text: str) -> list[set[str]]:
    return [{w[1 : w.index("]")] for w in article.warnings} for article in parse_page(text).articles]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"# 项目推进会召开\n\n{BODY}会议要求加快进度，确保", "ends_mid_sentence"),
        (f"# 项目推进会召开\n\n，确保全年目标完成。{BODY}", "starts_mid_sentence"),
        (f"# 项目推进会召开\n\n{BODY}提供全天候7姻24小时服务。", "artifact"),
        (
            "# 项目推进会召开\n\n科学导报讯 近日，云中河经济技术开发区召开项目推进会，研究部署工作。",
            "zone_without_city",
        ),
        ("# 一则短讯\n\n签约三个项目。", "short_body"),
        ("# 只有标题", "no_body"),
    ],
)
def test_each_doubt_has_its_warning(text, code):
    (found,) = codes(text)
    assert code in found


def test_every_warning_carries_a_known_code():
    text = "# 只有标题\n\n# 一则短讯\n\n签约三个项目。"
    page = parse_page(text)
    for note in [*page.warnings, *(w for a in page.articles for w in a.warnings)]:
        assert note.startswith("[") and note[1 : note.index("]")] in WARNING_CODES


def test_the_seeds_raise_doubts_only_where_the_print_leaves_them():
    flagged = []
    for seed in sorted(SEEDS.glob("*.txt")):
        page = parse_page(seed.read_text(encoding="utf-8"))
        assert page.warnings == [], seed.name
        for article in page.articles:
            flagged += [(seed.name[:3], w[1 : w.index("]")]) for w in article.warnings]
    assert sorted(flagged) == sorted(
        [
            # Seed 001 prints a feature in untitled parts; an editor should see that they have no title.
            ("001", "no_title"),
            # Titles of three or four phrases: a kicker or a subtitle may be set in the title's lines.
            ("001", "heading_doubtful"),
            ("003", "heading_doubtful"),
            # A sentence ends at a full line and the next line is one character short: an indented first
            # line, or a full one narrowed by punctuation; the text alone cannot tell.
            ("001", "paragraphs_guessed"),
            ("001", "paragraphs_guessed"),
            ("001", "paragraphs_guessed"),
            ("003", "paragraphs_guessed"),
            ("003", "paragraphs_guessed"),
            # A dated caption printed inside a sentence, taken out of it: a guess an editor should check.
            ("002", "caption_in_body"),
        ]
    )


def test_heading_and_caption_like_paragraphs_inside_a_body_are_flagged():
    article = ParsedArticle(position=1, title="项目推进会召开")
    article.paragraphs = [
        Paragraph("近日，运城经济技术开发区召开项目推进会。"),
        Paragraph("加快推进全区重点产业项目建设"),
        Paragraph("园区新建的标准化厂房。■张三摄"),
        Paragraph("会议要求各部门加快进度。"),
    ]
    _check_article(article, ZoneFinder(reference_gazetteer()))
    assert {w[1 : w.index("]")] for w in article.warnings} == {"heading_in_body", "caption_in_body"}


def test_a_long_section_heading_is_not_glued_to_the_next_paragraph():
    text = f"# 项目推进会召开\n\n{BODY}\n\n关于进一步加快推进全区重点产业项目建设工作的若干措施\n\n各部门加快进度。"
    (article,) = parse_page(text).articles
    assert [(p.kind, p.text) for p in article.paragraphs][1:] == [
        ("h", "关于进一步加快推进全区重点产业项目建设工作的若干措施"),
        ("p", "各部门加快进度。"),
    ]


def test_a_dateline_or_a_photo_credit_inside_a_body_is_flagged():
    article = ParsedArticle(position=1, title="项目推进会召开")
    article.paragraphs = [
        Paragraph("近日，运城经济技术开发区召开项目推进会。新建标准化厂房。综改区供图会议要求加快进度。"),
        Paragraph("会议要求各部门加快进度。新项目集中签约科学导报讯 近日，孝义经济开发区一批新项目集中签约。"),
    ]
    _check_article(article, ZoneFinder(reference_gazetteer()))
    assert {"glued_articles", "caption_in_body"} <= {w[1 : w.index("]")] for w in article.warnings}


# --- parser 1.3: more doubts the text shows ----------------------------------------------------------


def _doubts(*paragraphs: str, **fields) -> set[str]:
    article = ParsedArticle(position=1, **{"title": "项目推进会召开", **fields})
    article.paragraphs = [Paragraph(text) for text in paragraphs]
    _check_article(article, ZoneFinder(reference_gazetteer()))
    return {w[1 : w.index("]")] for w in article.warnings}


OPENING = "近日，侯马经济开发区召开项目推进会，研究部署下一阶段重点工作。"


@pytest.mark.parametrize(
    ("paragraphs", "fields", "code"),
    [
        # a caption printed inside a quotation was pasted into the sentence: the quote never closes
        ((OPENING, "着力打造“亲不逾侯马经开区一角。", "矩、清不逾矩”的政商关系。"), {}, "unpaired_marks"),
        # a paragraph opening with the paper's dateline opens another article
        ((OPENING, "科学导报讯 日前，孝义经济开发区一批新项目集中签约。"), {}, "glued_articles"),
        # a title run into another article's opening, inside the body
        ((OPENING, "跑出项目建设加速度日前，广灵县加快培育新质生产力。"), {}, "glued_articles"),
        # an opening byline and a closing one: two articles' worth
        ((OPENING,), {"byline": "记者 梁彤；■罗磊涛 闫凯"}, "glued_articles"),
        # 全省： on a line of its own, the rest of a title in the next paragraph
        ((OPENING, "全省：", "唱响开发区高质量发展奋进曲。"), {}, "heading_in_body"),
        # a paragraph stopping mid-sentence before the next one
        (
            (OPENING, "全省开发区“三个一批”活动如期举行。霍州经", "济技术开发区召开招商引资工作调度会。"),
            {},
            "ends_mid_sentence",
        ),
        # titles and subtitles that read like body text, a byline or a kicker
        ((OPENING,), {"title": "过渡期的公租房如何解决？（朱琳 曾明艳）"}, "heading_doubtful"),
        ((OPENING,), {"title": "省商务厅主要负责同志在调研时要求"}, "heading_doubtful"),
        ((OPENING,), {"subtitle": "2025年以来，全省开发区召开招商引资工作调度会，持"}, "heading_doubtful"),
    ],
)
def test_each_new_doubt_has_its_warning(paragraphs, fields, code):
    assert code in _doubts(*paragraphs, **fields)


def test_a_well_formed_article_raises_none_of_them():
    assert _doubts(OPENING, "会议要求各部门加快进度，确保全年目标完成。", byline="记者 王波") == set()


def test_a_section_about_another_zone_than_the_articles_is_flagged():
    article = ParsedArticle(position=1, title="锚定目标 实施五大行动", zone="盂县经济技术开发区")
    article.paragraphs = [
        Paragraph("近日，盂县经济技术开发区开展优化营商环境专项行动。"),
        Paragraph("运城：唱响开发区高质量发展奋进曲", "h"),
        Paragraph("2023年以来，临猗现代农业产业示范区实施项目建设提速行动。"),
    ]
    _check_article(article, ZoneFinder(reference_gazetteer()))
    assert any(w.startswith("[glued_articles]") for w in article.warnings)


def test_a_narrow_title_of_three_phrases_may_hold_a_kicker_or_subtitle():
    from tests.parser.test_failure_types import BODY_A, BODY_A2, BODY_B, BODY_B2, _column

    heading = ["夯基固本", "顺势而为", "全力打造开发区建设升级版"]
    page = parse_page(_column(BODY_A, BODY_A2 + " 王波", heading, BODY_B, BODY_B2, "新项目集中签约"))
    assert page.layout == "heading_last"
    assert page.articles[0].title == "夯基固本 顺势而为 全力打造开发区建设升级版"
    assert any(w.startswith("[heading_doubtful]") for w in page.articles[0].warnings)


def test_a_zone_line_without_a_title_flags_the_opening_of_the_next_article():
    from tests.parser.test_failure_types import BODY_A, BODY_A2, BODY_B2, _column

    opening = "做好生物医药与大健康产业大文章为进一步优化营商环境，孝义经济开发区一批新项目集中签约。"
    page = parse_page(_column(BODY_A, BODY_A2 + " 王波", "运城经济技术开发区", opening, BODY_B2, "新项目集中签约"))
    first, second = page.articles
    assert (first.kicker, first.title) == ("运城经济技术开发区", None)
    assert any(w.startswith("[heading_glued]") for w in second.warnings)


def test_byline_guessed_only_when_a_glued_name_was_cut_from_the_story():
    from articles.parsing.people import split_opening

    assert split_opening("记者陶伟 为深入贯彻落实省委部署").uncertain is False  # set apart: no guess
    assert split_opening("记者陶伟为深入贯彻落实省委部署").uncertain is False  # 为 opens the story
    assert split_opening("记者陶伟深入贯彻落实省委部署").uncertain is True  # where the name ends is a guess


def test_only_a_doubtful_new_zone_is_an_articles_warning():
    def zone_warnings(place_and_kind: str) -> list[str]:
        (article,) = parse_page(
            f"# 项目推进会召开\n\n科学导报讯 近日，{place_and_kind}召开项目推进会，研究部署工作。"
        ).articles
        return [w for w in article.warnings if w.startswith("[new_zone]")]

    # a known county's zone the gazetteer lacks: plainly new, listed with the page's new zones
    page = parse_page("# 项目推进会召开\n\n科学导报讯 近日，平遥经济开发区召开项目推进会，研究部署工作。")
    assert [z.name for z in page.discovered_zones] == ["平遥经济开发区"]
    assert zone_warnings("平遥经济开发区") == []
    # words before 经济开发区 that are no known place
    assert zone_warnings("东山经济开发区") != []
