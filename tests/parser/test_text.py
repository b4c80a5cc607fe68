import pytest

from articles.parsing.text import display_width, ends_sentence, join_fragments, normalize_inline


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("3 月 20 日，复工率达到 100%，", "3月20日，复工率达到100%，"),
        ("建成“7伊24 不打烊”自助服务超市", "建成“7×24不打烊”自助服务超市"),
        ("情况。 姻 梁琛摄", "情况。■梁琛摄"),
        ("姻 畅雪 任逢春", "■畅雪 任逢春"),
        ("婚姻 登记", "婚姻 登记"),  # a real 姻 stays
        ("4月25日,山西省(环渤海)生物医药", "4月25日，山西省（环渤海）生物医药"),
        ("同比增长6.7%,形成", "同比增长6.7%，形成"),
        ("主任;副主任:何岗?是!", "主任；副主任：何岗？是！"),
        ("时间 10:30，金额 12,000 元", "时间10:30，金额12,000元"),
        ("见 http://example.com 网站", "见http://example.com网站"),
        ("认真落实 《晋城市决定》", "认真落实《晋城市决定》"),
        ("“延链”“补链” 做强现代医药产业", "“延链”“补链” 做强现代医药产业"),  # title separators stay
        ("夯基固本 顺势而为", "夯基固本 顺势而为"),
        ("政府 + 链主企业 + 产业园", "政府+链主企业+产业园"),
        ("酸枣仁皂苷 A 和斯皮诺素", "酸枣仁皂苷A和斯皮诺素"),
        ("信息技术(ICT)领域", "信息技术（ICT）领域"),
        ("f(x) = 1", "f(x) = 1"),  # no Chinese around: left alone
    ],
)
def test_normalize_inline(raw, clean):
    assert normalize_inline(raw) == clean


def test_display_width_counts_half_width_as_half():
    assert display_width("截至目前，续建项目复工率达到 100%，") == 17.0
    assert display_width("ABCD") == 2.0


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("好局。", True),
        ("“至关重要。”", True),
        ("何岗介绍，“怀仁经济", False),
        ("是吗？", True),
        ("链主企业亚宝药业与", False),
    ],
)
def test_ends_sentence(text, ends):
    assert ends_sentence(text) is ends


def test_join_fragments_keeps_latin_words_apart():
    assert join_fragments(["扎实推动项", "目建设驶入", "“快车道”"]) == "扎实推动项目建设驶入“快车道”"
    assert join_fragments(["PC", "server"]) == "PC server"
    assert join_fragments(["3000", "人就餐"]) == "3000人就餐"


def test_a_times_artifact_cut_by_a_line_break_is_repaired_when_the_lines_are_joined():
    assert join_fragments([normalize_inline("提供 7 伊"), normalize_inline("24 小时服务")]) == "提供7×24小时服务"
    assert join_fragments([normalize_inline("提供 7"), normalize_inline("伊 24 小时")]) == "提供7×24小时"


@pytest.mark.parametrize(
    ("printed", "read"),
    [("2 0 2 3 年以来", "2023年以来"), ("总投资1 6 . 8亿元", "总投资16.8亿元"), ("增长 6 . 7 %", "增长6.7%")],
)
def test_digits_printed_one_by_one_are_one_number(printed, read):
    assert normalize_inline(printed) == read
