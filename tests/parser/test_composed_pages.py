"""Pages composed for the parser's other cases: line endings, BOM, markers, mastheads, narrow columns."""

from articles.parsing import parse_page
from articles.parsing.model import SECTION_HEADING

WIDE_PAGE = """# 开发区建设
专刊
2025年第3期 2025年1月17日 星期五 D1版

寿阳经济技术开发区

## 新项目落地投产

科学导报讯 记者 李明 近日，寿阳经济技术开发区新项目落地投产。项目总投资 5 亿元，年产值 8 亿元。

项目负责人表示，将加快建设进度，力争早日

达产达效。(下转 D2 版)

忻州经济开发区

召开招商推介会

科学导报讯 1月10日，忻州经开区召开招商推介会。
"""


def test_wide_page_with_crlf_bom_masthead_and_markers():
    page = parse_page("\ufeff" + WIDE_PAGE.replace("\n", "\r\n"))
    assert page.layout == "heading_first"
    assert (page.issue_year, page.issue_number, page.issue_date, page.page_label) == (2025, 3, "2025-01-17", "D1")
    first, second = page.articles
    assert (first.kicker, first.title) == ("寿阳经济技术开发区", "新项目落地投产")
    assert first.authors == ["李明"]
    assert first.paragraphs[0].text == "近日，寿阳经济技术开发区新项目落地投产。项目总投资5亿元，年产值8亿元。"
    assert first.paragraphs[1].text == "项目负责人表示，将加快建设进度，力争早日达产达效。"
    assert first.continued_to == "D2"
    assert first.zone == "寿阳经济技术开发区"  # not in the reference list: discovered by pattern
    assert first.city == "晋中"
    assert [z.name for z in page.discovered_zones] == ["寿阳经济技术开发区"]
    assert second.zone == "忻州经济开发区"
    assert all("\r" not in p.text for a in page.articles for p in a.paragraphs)


def _narrow(text: str, width: int = 15) -> str:
    """Set text in a narrow column the way the PDF extraction prints it: a line every ``width`` characters."""
    lines = []
    for paragraph in text.split("\n"):
        first = True
        while paragraph:
            take = width - 2 if first else width
            lines.append(paragraph[:take])
            paragraph = paragraph[take:]
            first = False
    return "\n\n".join(lines)


NARROW_BODY_1 = (
    "科学导报讯 日前，侯马经济开发区召开项目推进会，研究部署下一阶段重点工作，要求各部门压实责任、加快进度。\n"
    "会议指出，要紧盯重点项目，强化要素保障，确保项目早开工、早投产、早见效，为全年目标打下坚实基础。 张强"
)
NARROW_BODY_2 = (
    "科学导报讯 近日，孝义经济开发区一批新项目集中签约，总投资超过二十亿元，涵盖新材料和装备制造等领域。\n"
    "下一步，开发区将持续优化营商环境，做好项目服务保障工作。 刘洋 陈晨"
)


def test_narrow_columns_with_headings_after_bodies():
    text = "\n\n".join(
        [
            _narrow(NARROW_BODY_1),
            "侯马经济开发区",
            "召开项目推进会 加快重点项目建设",
            _narrow(NARROW_BODY_2),
            "孝义经济开发区",
            "新项目集中签约",
        ]
    )
    page = parse_page(text)
    assert page.layout == "heading_last"
    first, second = page.articles
    assert (first.kicker, first.title, first.authors) == ("侯马经济开发区", "召开项目推进会 加快重点项目建设", ["张强"])
    assert [p.text for p in first.paragraphs] == [
        "日前，侯马经济开发区召开项目推进会，研究部署下一阶段重点工作，要求各部门压实责任、加快进度。",
        "会议指出，要紧盯重点项目，强化要素保障，确保项目早开工、早投产、早见效，为全年目标打下坚实基础。",
    ]
    assert (second.kicker, second.title, second.authors) == ("孝义经济开发区", "新项目集中签约", ["刘洋", "陈晨"])
    assert (first.city, second.city) == ("临汾", "吕梁")


def test_section_heading_in_wide_layout():
    text = "\n\n".join(
        [
            "绛县经济开发区",
            "聚力发展新质生产力",
            "科学导报讯 绛县经济开发区加快发展。",
            "聚焦项目建设 夯实发展基础",
            "开发区推进项目建设，成效明显。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert [(p.kind, p.text) for p in article.paragraphs] == [
        ("p", "绛县经济开发区加快发展。"),
        (SECTION_HEADING, "聚焦项目建设 夯实发展基础"),
        ("p", "开发区推进项目建设，成效明显。"),
    ]
    assert article.authors == ["王波"]


def test_heading_with_no_body_is_flagged():
    page = parse_page(
        "古县经济技术开发区\n\n实施五大行动\n\n科学导报讯 正文一段。贺玉斌\n\n襄汾经济技术开发区\n\n项目加紧建设"
    )
    assert [a.title for a in page.articles] == ["实施五大行动", "项目加紧建设"]
    assert page.articles[1].paragraphs == []
    assert any("no body" in w for w in page.articles[1].warnings)


def test_text_without_headings_is_one_untitled_article():
    page = parse_page("近日，某地召开会议。\n\n会议要求加快项目建设。")
    (article,) = page.articles
    assert article.title is None
    assert article.body == "近日，某地召开会议。\n会议要求加快项目建设。"


def test_empty_and_blank_pages():
    assert parse_page("").articles == []
    assert parse_page(" \n\r\n\t\n").articles == []


def test_lonely_caption_is_kept_as_leftover():
    page = parse_page("园区一角。■张三摄")
    assert page.articles == []
    assert page.leftovers == ["园区一角。 张三摄"]


def test_a_column_line_starting_with_a_zone_name_is_not_a_zone_line():
    from articles.parsing.page import _is_zone_label, reference_gazetteer
    from articles.parsing.zones import ZoneFinder

    finder = ZoneFinder(reference_gazetteer())
    assert not _is_zone_label("风陵渡经济开发区着力做好园", finder)
    assert _is_zone_label("在临汾经济开发区（洪洞·甘亭）工业园区", finder)
    assert _is_zone_label("山西转型综改示范区唐槐电子装备与制造园区", finder)
    assert _is_zone_label("运城经济技术开发区", finder)


def test_a_masthead_date_no_calendar_has_is_left_unknown():
    for printed in ("2025年2月30日", "0000年0月0日"):
        page = parse_page(WIDE_PAGE.replace("2025年1月17日", printed))
        assert (page.issue_year, page.issue_number, page.issue_date, page.page_label) == (2025, 3, None, "D1")
        assert len(page.articles) == 2


def test_a_title_broken_after_a_colon_stays_one_title():
    text = "\n\n".join(
        [
            _narrow(NARROW_BODY_1),
            "侯马经济开发区",
            "聚焦项目建设：",
            "召开项目推进会 加快重点项目建设",
            _narrow(NARROW_BODY_2),
            "孝义经济开发区",
            "新项目集中签约",
        ]
    )
    first, second = parse_page(text).articles
    assert (first.kicker, first.title) == ("侯马经济开发区", "聚焦项目建设：召开项目推进会 加快重点项目建设")
    assert first.authors == ["张强"]
    assert (second.title, second.authors) == ("新项目集中签约", ["刘洋", "陈晨"])
    assert second.paragraphs[0].text.startswith("近日，孝义经济开发区")


def test_a_caption_inside_a_sentence_broken_after_a_colon_or_semicolon_is_cut_out():
    for mark in ("：", "；"):
        text = (
            "运城经济技术开发区\n\n# 项目建设提速\n\n"
            f"科学导报讯 记者王波 近日，运城经济技术开发区召开会议，部署三项工作{mark}\n\n\n\n"
            "园区新建的标准化厂房。■张三摄\n\n\n\n"
            "加快项目建设、优化营商环境、强化要素保障。会议要求各部门抓好落实。\n"
        )
        (article,) = parse_page(text).articles
        assert [p.text for p in article.paragraphs] == [
            f"近日，运城经济技术开发区召开会议，部署三项工作{mark}加快项目建设、优化营商环境、强化要素保障。"
            "会议要求各部门抓好落实。"
        ]
        assert [c.text for c in article.captions] == ["园区新建的标准化厂房。"]


def test_narrow_columns_a_byline_in_parentheses_closes_an_article_and_a_title_precedes_the_next_dateline():
    text = "\n\n".join(
        [
            _narrow(NARROW_BODY_1.replace(" 张强", "（张强）")),
            "侯马经济开发区召开项目推进会加快推进全区重点项目建设",
            _narrow(NARROW_BODY_2),
            "孝义经济开发区",
            "新项目集中签约",
        ]
    )
    first, second = parse_page(text).articles
    assert (first.title, first.authors) == ("侯马经济开发区召开项目推进会加快推进全区重点项目建设", ["张强"])
    assert second.paragraphs[0].text.startswith("近日，孝义经济开发区")
