"""Failure types of pages the parser had not seen, each on composed text (both layouts)."""

from articles.parsing import parse_page
from articles.parsing.model import SECTION_HEADING


def _narrow(text: str, width: int = 15) -> list[str]:
    """A paragraph set in a narrow column: the first line two characters short (the indent)."""
    lines, first = [], True
    while text:
        take = width - 2 if first else width
        lines.append(text[:take])
        text, first = text[take:], False
    return lines


def _column(*blocks: str | list[str]) -> str:
    """Column lines set apart by blank lines, as the extraction prints them; a block given as a list of
    lines is printed without blank lines inside (a heading of several lines)."""
    out = []
    for block in blocks:
        out.append("\n".join(block) if isinstance(block, list) else "\n\n".join(_narrow(block)))
    return "\n\n".join(out)


BODY_A = (
    "科学导报讯 记者 张强 日前，侯马经济开发区召开项目推进会，研究部署下一阶段重点工作，要求各部门压实责任，"
    "加快项目建设进度，强化要素保障，优化营商环境。"
)
BODY_A2 = "会议指出，要紧盯重点项目，强化要素保障，确保项目早开工、早投产、早见效，为全年目标打下坚实基础。"
BODY_B = "科学导报讯 近日，孝义经济开发区一批新项目集中签约，总投资超过二十亿元，涵盖新材料和装备制造等领域。"
BODY_B2 = "下一步，开发区将持续优化营商环境，做好项目服务保障工作。 刘洋"


def test_wide_section_heading_with_a_comma_after_a_finished_sentence():
    text = "\n\n".join(
        [
            "绛县经济开发区",
            "## 聚力发展新质生产力",
            "科学导报讯 绛县经济开发区加快发展，一季度完成投资十亿元。",
            "抓服务，优化环境构建良好生态",
            "开发区推进项目建设，成效明显。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert [(p.kind, p.text) for p in article.paragraphs] == [
        ("p", "绛县经济开发区加快发展，一季度完成投资十亿元。"),
        (SECTION_HEADING, "抓服务，优化环境构建良好生态"),
        ("p", "开发区推进项目建设，成效明显。"),
    ]


def test_wide_a_short_piece_of_several_clauses_is_still_a_cut_paragraph():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 绛县经济开发区召开项目推进会。",
            "项目负责人表示，将加快建设进度，力争早日",
            "达产达效。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert [p.text for p in article.paragraphs][-1] == "项目负责人表示，将加快建设进度，力争早日达产达效。"


def test_wide_a_sentence_going_on_after_a_gap_is_not_taken_for_a_caption():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 山西科瑞再生资源综合利用有限公司已新申报成功市级企业技术中心，山西博翔",
            "\n\n汇良新材料有限公司申报省级企业技术中心的资料已提交省厅待批复。",
            "会议强调，加快高质量发展，重点在项目、关键在招商。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert not article.captions
    assert article.paragraphs[0].text.endswith("山西博翔汇良新材料有限公司申报省级企业技术中心的资料已提交省厅待批复。")


def test_wide_an_uncredited_caption_opening_with_its_day_cuts_out_of_the_sentence():
    text = "\n\n".join(
        [
            "## 生物医药产业推介会在津举行",
            "科学导报讯 开展精准招商，加强山西与环渤海地区企业集群合作，助力环渤海地区生",
            "\n\n4月25日，6个项目在山西省（环渤海）生物医药产业推介会上现场签约。",
            "物医药产业集群迈上发展新台阶。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert [c.text for c in article.captions] == ["4月25日，6个项目在山西省（环渤海）生物医药产业推介会上现场签约。"]
    assert article.paragraphs[0].text.endswith("助力环渤海地区生物医药产业集群迈上发展新台阶。")


def test_narrow_an_article_without_a_closing_byline_keeps_the_title_printed_after_it():
    text = _column(
        BODY_A,
        BODY_A2,
        "侯马县召开项目推进会",
        "一季度以来，孝义经济开发区一批新项目集中签约，涵盖新材料等领域。",
        BODY_B2,
    )
    page = parse_page(text)
    assert page.layout == "heading_last"
    first, second = page.articles
    assert first.title == "侯马县召开项目推进会"
    assert first.paragraphs[-1].text == BODY_A2
    assert second.paragraphs[0].text.startswith("一季度以来，孝义经济开发区")


def test_narrow_a_subtitle_of_figures_is_told_from_the_title_above_it():
    heading = ["浙江运达风电项目加紧建设", "11个项目集中签约，总投资82亿元"]
    page = parse_page(_column(BODY_A, BODY_A2 + " 王波", "侯马经济开发区", heading, BODY_B, BODY_B2, "新项目集中签约"))
    first = page.articles[0]
    assert (first.kicker, first.title, first.subtitle) == (
        "侯马经济开发区",
        "浙江运达风电项目加紧建设",
        "11个项目集中签约，总投资82亿元",
    )


def test_narrow_a_credit_mark_right_after_the_full_stop_closes_the_article():
    body = "会议指出，要紧盯重点项目，确保项目早开工、早投产。■沈慧"
    page = parse_page(_column(BODY_A, body, "侯马经济开发区", "新项目集中签约", BODY_B, BODY_B2, "召开推进会"))
    first = page.articles[0]
    assert (first.kicker, first.title) == ("侯马经济开发区", "新项目集中签约")
    assert "沈慧" in first.authors


def test_narrow_a_heading_block_of_three_lines_after_a_byline_is_taken_whole():
    heading = ["“延链”“补链”", "做强现代医药产业", "一季度工业增加值同比增长16%"]
    page = parse_page(_column(BODY_A, BODY_A2 + "  卢芳华 郝娜英", heading, BODY_B, BODY_B2, "新项目集中签约"))
    first, second = page.articles
    assert (first.title.replace(" ", ""), first.subtitle) == (
        "“延链”“补链”做强现代医药产业",
        "一季度工业增加值同比增长16%",
    )
    assert first.authors == ["张强", "卢芳华", "郝娜英"]
    assert second.paragraphs[0].text.startswith("近日，孝义经济开发区")


def test_narrow_a_section_heading_as_wide_as_the_column_is_not_glued_to_its_paragraph():
    heading = [
        "抓项目，优化布局释放发展潜能",
        *_narrow("一是推进项目建设，发展新质生产力，目前全省共有规模以上医药工业企业一百余家。"),
    ]
    page = parse_page(
        _column(BODY_A, heading, BODY_A2 + " 王波", "侯马经济开发区", "新项目集中签约", BODY_B, BODY_B2, "召开推进会")
    )
    kinds = [(p.kind, p.text[:6]) for p in page.articles[0].paragraphs]
    assert (SECTION_HEADING, "抓项目，优化") in kinds
    assert ("p", "一是推进项目") in kinds


def test_a_county_short_name_that_is_an_everyday_word_names_the_zone_right_before_its_kind():
    page = parse_page(
        _column(BODY_A, BODY_A2 + " 王波", "永和经济技术开发区", "新项目集中签约", BODY_B, BODY_B2, "召开推进会")
    )
    first = page.articles[0]
    assert (first.kicker, first.title, first.zone, first.city) == (
        "永和经济技术开发区",
        "新项目集中签约",
        "永和经济技术开发区",
        "临汾",
    )


def _warning_codes(article) -> list[str]:
    return [w.split("]")[0].lstrip("[") for w in article.warnings]


def test_warnings_for_a_title_run_into_the_opening_and_for_a_title_that_is_only_a_zone():
    text = "\n\n".join(
        [
            "## 永和经济技术开发区",
            "打造开发区建设升级版加快培育新质生产力日前，永和经济技术开发区召开项目推进会，部署全年工作。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert {"heading_glued", "title_is_zone"} <= set(_warning_codes(article))


def test_warnings_when_an_article_is_cut_off_and_the_next_starts_with_its_tail():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 绛县经济开发区召开项目推进会，要求各部门压实责任，为全年目标打",
            "## 新项目集中签约",
            "下坚实基础。近日，绛县经济开发区一批新项目集中签约。王波",
        ]
    )
    first, second = parse_page(text).articles
    assert "ends_mid_sentence" in _warning_codes(first)
    assert "starts_mid_sentence" in _warning_codes(second)


def test_a_paragraph_starting_mid_sentence_is_flagged():
    text = "\n\n".join(
        ["## 召开项目推进会", "科学导报讯 绛县经济开发区召开项目推进会。", "的近四千人住宿需求已解决。王波"]
    )
    (article,) = parse_page(text).articles
    assert "starts_mid_sentence" in _warning_codes(article)


def test_wide_a_title_with_its_subtitle_but_no_zone_line_starts_an_article():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 绛县经济开发区召开项目推进会，部署全年工作。",
            "激发澎湃动能 厚植兴业沃土",
            "5个项目集中签约，总投资85.8亿元",
            "日前，全省开发区组织企业参加产业链招商推介会。王波",
        ]
    )
    first, second = parse_page(text).articles
    assert (second.title, second.subtitle) == ("激发澎湃动能 厚植兴业沃土", "5个项目集中签约，总投资85.8亿元")
    assert [p.text for p in first.paragraphs] == ["绛县经济开发区召开项目推进会，部署全年工作。"]


def test_narrow_the_next_articles_first_lines_do_not_become_the_heading_before_them():
    heading = ["培育发展新质生产力", "加快新型工业化步伐"]
    opening = "近日，孝义经济开发区召开招商引资工作调度会，推动项目早开工、早投产、早见效。"
    page = parse_page(
        _column(BODY_A, BODY_A2 + " ■任娜", "侯马经济开发区", heading, opening, BODY_B2, "新项目集中签约")
    )
    first, second = page.articles
    assert (first.title, first.subtitle) == ("培育发展新质生产力 加快新型工业化步伐", None)
    assert second.paragraphs[0].text == opening


def test_narrow_a_title_broken_after_a_half_width_colon_is_not_a_byline():
    page = parse_page(
        _column(BODY_A, BODY_A2 + " 王波", "侯马经济开发区", ["全省:", "跑出项目建设加速度"], BODY_B, BODY_B2, "签约")
    )
    first = page.articles[0]
    assert (first.title, first.authors) == ("全省：跑出项目建设加速度", ["张强", "王波"])


def test_narrow_a_byline_glued_to_the_last_sentence_closes_the_article_before_its_heading():
    page = parse_page(
        _column(BODY_A, BODY_A2 + "杨刚怡", "侯马经济开发区", "新项目集中签约", BODY_B, BODY_B2, "召开推进会")
    )
    first = page.articles[0]
    assert (first.kicker, first.title, first.authors) == ("侯马经济开发区", "新项目集中签约", ["张强", "杨刚怡"])
    assert first.paragraphs[-1].text == BODY_A2


def test_narrow_a_continuation_marker_at_the_end_of_a_line_closes_the_article_before_its_heading():
    page = parse_page(
        _column(BODY_A, BODY_A2 + "（下转D4版）", "晋中经济技术开发区", ["全省开发", "区“管运", "分离”改革"])
    )
    (article,) = page.articles
    assert (article.kicker, article.title, article.continued_to) == (
        "晋中经济技术开发区",
        "全省开发区“管运分离”改革",
        "D4",
    )
    assert article.paragraphs[-1].text == BODY_A2


def test_a_heading_naming_only_a_city_takes_the_zone_of_that_city_the_opening_names():
    def article(title: str):
        text = "\n\n".join(
            [
                f"## {title}",
                "科学导报讯 近日，一批重点项目集中签约落地。这是大同经济技术开发区推进改革的一个缩影。王波",
            ]
        )
        return parse_page(text).articles[0]

    assert (article("大同：打造开发区建设升级版").zone, article("大同：打造开发区建设升级版").city) == (
        "大同经济技术开发区",
        "大同",
    )
    assert article("运城：打造开发区建设升级版").zone is None  # a zone of another city is not this one's


def test_wide_a_kicker_with_a_speech_verb_is_not_the_last_paragraph_of_the_article_before():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 绛县经济开发区召开项目推进会，部署全年工作。 许洋",
            "省开发区建设工作领导小组办公室负责同志在调研新质生产力发展时强调",
            "## 夯基固本 顺势而为",
            "科学导报讯 记者 陈怡 日前，忻州经济开发区召开项目推进会。",
        ]
    )
    first, second = parse_page(text).articles
    assert first.authors == ["许洋"]
    assert second.kicker == "省开发区建设工作领导小组办公室负责同志在调研新质生产力发展时强调"


def test_narrow_a_caption_like_line_inside_a_sentence_is_flagged():
    body = "会议指出，要紧盯重点项目，强化要素保障，确保项目早开工、早投产、早见效，为全年目标打下坚实基础。 王波"
    lines = _narrow(body)
    lines.insert(2, "侯马经济开发区标准化厂房建设现场。")  # wider than the column, inside a sentence
    rest = _column("侯马经济开发区", "新项目集中签约", BODY_B, BODY_B2, "签约")
    page = parse_page("\n\n".join([_column(BODY_A), *lines, rest]))
    assert "caption_in_body" in _warning_codes(page.articles[0])


def test_a_news_opening_after_a_section_heading_is_flagged_as_a_missed_article():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 绛县经济开发区召开项目推进会，部署全年工作。",
            "加速项目建设提效能 “延链”“补链”",
            "近日，襄汾经开区开展优化营商环境专项行动。王波",
        ]
    )
    assert "glued_articles" in _warning_codes(parse_page(text).articles[0])


# --- parser 1.3 -------------------------------------------------------------------------------------

CUT_PARAGRAPH = (
    "为进一步优化营商环境，侯马经济开发区召开项目推进会研究部署下一阶段重点工作要求各部门压实责任加快项目建设进度。"
)


def _narrow_page(*middle: str) -> str:
    """A narrow page: an article whose body is ``middle`` (blocks of column lines), its byline and
    heading, then a second article."""
    return "\n\n".join(
        [
            _column(BODY_A),
            *middle,
            _column(BODY_A2 + " 王波", "侯马经济开发区", "新项目集中签约", BODY_B, BODY_B2, "签约"),
        ]
    )


def test_narrow_a_short_caption_between_two_full_lines_of_a_sentence_is_taken_out():
    lines = _narrow(CUT_PARAGRAPH)
    page = parse_page(_narrow_page("\n\n".join([*lines[:2], "侯马经开区标准化厂房。", *lines[2:]])))
    first = page.articles[0]
    assert CUT_PARAGRAPH in [p.text for p in first.paragraphs]
    assert "侯马经开区标准化厂房。" in [c.text for c in first.captions]
    assert "caption_in_body" in _warning_codes(first)  # taken out on a guess: an editor should look


def test_narrow_a_figure_cut_at_a_line_end_is_not_a_section_heading():
    # seed 003 prints "可容纳 3000" and "人就餐的" without a blank line between them
    lines = "目前，已成功建成3\n条生产线，包括两条全自动化生产线，日产能稳步提升。"
    page = parse_page(_narrow_page(lines))
    paragraphs = page.articles[0].paragraphs
    assert all(p.kind != SECTION_HEADING for p in paragraphs)
    assert "目前，已成功建成3条生产线，包括两条全自动化生产线，日产能稳步提升。" in [p.text for p in paragraphs]


def test_narrow_a_last_sentence_on_a_line_of_its_own_stays_in_its_paragraph():
    lines = [
        "会议要求各部门压实责任，加快",
        "项目建设进度，优化营商环境。",
        "锚定新发展，开启新征程。",
        *_narrow(BODY_A2),
    ]
    page = parse_page(_narrow_page("\n\n".join(lines)))
    texts = [p.text for p in page.articles[0].paragraphs]
    assert "会议要求各部门压实责任，加快项目建设进度，优化营商环境。锚定新发展，开启新征程。" in texts


def test_narrow_a_last_sentence_with_its_byline_is_not_taken_for_a_heading():
    last = "“项目具体经营的范围有哪些？” ■ 姜萍 罗磊涛"
    page = parse_page(_column(BODY_A, last, "侯马经济开发区", "新项目集中签约", BODY_B, BODY_B2, "召开推进会"))
    first = page.articles[0]
    assert (first.kicker, first.title) == ("侯马经济开发区", "新项目集中签约")
    assert first.authors == ["张强", "姜萍", "罗磊涛"]
    assert first.paragraphs[-1].text == "“项目具体经营的范围有哪些？”"


def test_a_wide_page_with_many_short_lines_is_read_heading_first():
    article = [
        "侯马经济开发区",
        "厚植兴业沃土\n激发澎湃动能",
        "科学导报讯 近日，侯马经济开发区召开项目推进会，研究部署下一阶段重点工作，要求各部门压实责任，加快项目建设进度。",
        "一是推进项目建设。",
        "二是优化营商环境。",
        "会议指出，要紧盯重点项目，强化要素保障，确保项目早开工、早投产、早见效，为全年目标打下坚实基础。",
        "■ 王波",
    ]
    # Two lines in eight are paragraphs wider than any column; the rest are short, as on a narrow page.
    page = parse_page("\n\n".join(article * 3))
    assert page.layout == "heading_first"
    assert [a.title for a in page.articles] == ["厚植兴业沃土 激发澎湃动能"] * 3


def test_wide_a_last_paragraph_ending_in_its_byline_is_not_the_next_title():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            BODY_A,
            "过渡期的公租房、近万名产业工人临时宿舍如何解决？（朱琳 曾明艳）",
            "## 新项目集中签约",
            BODY_B,
        ]
    )
    first, second = parse_page(text).articles
    assert first.authors == ["张强", "朱琳", "曾明艳"]
    assert (second.kicker, second.title) == (None, "新项目集中签约")


def test_wide_the_rest_of_a_clause_after_a_gap_is_not_taken_for_a_caption():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 目前已解决项目2200平方米过渡公租房及今年3月底前到位的近4000人住",
            "\n\n宿需求，并已掌握满足剩余约6000人住宿需求的房源。",
            "会议强调，加快高质量发展，重点在项目、关键在招商。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert not article.captions
    assert article.paragraphs[0].text.endswith("近4000人住宿需求，并已掌握满足剩余约6000人住宿需求的房源。")


def test_wide_a_second_picture_inside_a_cut_sentence_is_taken_out_too():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 其中领卓医药是一家第三方医药供应链服务平台，致力于打造为山西、华北",
            "\n\n平顺经济开发区标准化厂房建设现场。 园区服务中心供图",
            "\n\n平顺经济开发区一角。",
            "乃至全国最新标准化全球联动医药三方前置仓。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert [c.text for c in article.captions] == ["平顺经济开发区标准化厂房建设现场。", "平顺经济开发区一角。"]
    assert article.paragraphs[0].text.endswith("打造为山西、华北乃至全国最新标准化全球联动医药三方前置仓。")


def test_wide_a_statement_with_le_is_not_a_section_heading():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 近日，侯马经济开发区召开项目推进会，研究部署下一阶段重点工作。",
            "建立了“一月一调度、一月一总结、一月一通报”的产业",
            "链发展日常调度通报机制。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert [p.kind for p in article.paragraphs] == ["p", "p"]
    assert article.paragraphs[1].text == "建立了“一月一调度、一月一总结、一月一通报”的产业链发展日常调度通报机制。"


def test_half_width_punctuation_at_a_column_cut_is_made_full_width():
    text = "\n\n".join(
        [
            "## 召开项目推进会",
            "科学导报讯 此次召开的山西省(",
            "环渤海)生物医药产业推介会，集团股份有限公司总经理助理李文江看来",
            ",天津和山西在医药产业发展各有优势。王波",
        ]
    )
    (article,) = parse_page(text).articles
    assert article.paragraphs[0].text == (
        "此次召开的山西省（环渤海）生物医药产业推介会，集团股份有限公司总经理助理李文江看来，天津和山西在医药产业发展各有优势。"
    )
