import pytest

from articles.parsing.model import Caption
from articles.parsing.people import Ending, is_byline_only, parse_caption, split_opening, split_trailing_byline


def test_opening_byline_glued_to_the_story():
    opening = split_opening("科学导报讯 记者王波 通讯员张伦 王昱为深入贯彻落实省委决策部署。")
    assert opening.dateline == "科学导报讯"
    assert opening.byline == "记者王波 通讯员张伦 王昱"
    assert opening.authors == ["王波", "张伦", "王昱"]
    assert opening.text == "为深入贯彻落实省委决策部署。"
    assert not opening.uncertain


def test_opening_byline_with_three_character_name_and_space():
    opening = split_opening("科学导报讯 记者 欧阳明远 近日，某开发区召开会议。")
    assert opening.authors == ["欧阳明远"]
    assert opening.text == "近日，某开发区召开会议。"


def test_dateline_without_byline():
    opening = split_opening("科学导报 4月4日，大同市委副书记调研。")
    assert (opening.dateline, opening.byline, opening.text) == ("科学导报", None, "4月4日，大同市委副书记调研。")


def test_no_dateline_no_byline():
    opening = split_opening("春潮涌动，战鼓催征。")
    assert (opening.dateline, opening.byline, opening.text) == (None, None, "春潮涌动，战鼓催征。")


@pytest.mark.parametrize(
    ("paragraph", "text", "authors"),
    [
        ("推动工作再上新台阶。何志敏 杨润枫", "推动工作再上新台阶。", ["何志敏", "杨润枫"]),
        ("有力推进项目建设。冯毅松 王志军", "有力推进项目建设。", ["冯毅松", "王志军"]),
        ("张馨", None, ["张馨"]),
        ("■畅雪 任逢春", None, ["畅雪", "任逢春"]),
        ("贡献开发区力量。进晓宇", "贡献开发区力量。", ["进晓宇"]),
        ("夯实开发区高质量发展硬支撑。", "夯实开发区高质量发展硬支撑。", []),
        ("营造更好环境。综合报道", "营造更好环境。综合报道", []),  # not a person's name
    ],
)
def test_trailing_byline(paragraph, text, authors):
    ending = split_trailing_byline(paragraph)
    assert ending.text == text
    assert ending.authors == authors


def test_byline_only():
    assert is_byline_only("张馨")
    assert is_byline_only("■ 畅雪 任逢春")
    assert is_byline_only("记者 王波")
    assert not is_byline_only("专刊")
    assert not is_byline_only("求真务实抓落实")


def test_captions_with_credits():
    caption = parse_caption("省委常委在太重调研智能装备制造产业发展情况。■梁琛摄")
    assert (caption.text, caption.credit, caption.photographer) == (
        "省委常委在太重调研智能装备制造产业发展情况。",
        "梁琛摄",
        "梁琛",
    )
    caption = parse_caption("招聘会现场。临汾经开区供图")
    assert (caption.text, caption.credit, caption.photographer) == ("招聘会现场。", "临汾经开区供图", None)
    assert parse_caption("这是一段普通的正文，没有署名。") is None
    assert parse_caption("他说要拍摄") is None


@pytest.mark.parametrize(
    ("text", "caption", "credit", "photographer"),
    [
        ("园区新建的标准化厂房。（张三 摄）", "园区新建的标准化厂房。", "张三摄", "张三"),
        ("园区新建的标准化厂房(张三 摄)", "园区新建的标准化厂房", "张三摄", "张三"),
        ("工人在生产线上作业。（本报记者 张三 李四 摄）", "工人在生产线上作业。", "本报记者张三李四摄", "张三 李四"),
        ("园区全景（临汾经开区供图）", "园区全景", "临汾经开区供图", None),
        ("园区鸟瞰。资料图", "园区鸟瞰。", "资料图", None),
        ("临猗现代农业产业示范区一角。供图", "临猗现代农业产业示范区一角。", "供图", None),
    ],
)
def test_credits_in_parentheses_and_bare_sources_make_captions(text, caption, credit, photographer):
    assert parse_caption(text) == Caption(caption, credit, photographer)


@pytest.mark.parametrize("text", ["项目总投资5亿元（含二期）", "他说：“我们一定完成任务（李四）。”", "园区资料图"])
def test_parentheses_and_words_that_are_not_credits_make_no_caption(text):
    assert parse_caption(text) is None


def test_bylines_in_parentheses_at_the_end_and_a_role_word_set_apart_at_the_start():
    assert split_trailing_byline("……保持良好发展态势。（陆勇）") == Ending("……保持良好发展态势。", "陆勇", ["陆勇"])
    assert split_trailing_byline("……态势。（陆勇、张伦）").authors == ["陆勇", "张伦"]
    opening = split_opening("科学导报讯 记者 任逢春为深入贯彻落实省委决策部署。")
    assert (opening.authors, opening.text) == (["任逢春"], "为深入贯彻落实省委决策部署。")


def test_a_given_credit_after_a_square_makes_a_caption():
    caption = parse_caption("黎城经开区重点项目施工现场。 ■ 黎城经开区供图")
    assert caption == Caption("黎城经开区重点项目施工现场。", "黎城经开区供图", None)
