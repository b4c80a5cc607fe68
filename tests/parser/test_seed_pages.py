"""The five seed pages as a reader must see them: boundaries, headings, bylines, zones, cities."""

import pytest

from articles.parsing.model import SECTION_HEADING

# (page, position): (kicker, title, subtitle, authors, zone, city)
EXPECTED = {
    ("000", 1): (
        "风陵渡经济开发区",
        "“延链”“补链” 做强现代医药产业",
        None,
        ["王波", "张伦", "王昱"],
        "风陵渡经济开发区",
        "运城",
    ),
    ("000", 2): (
        "运城经济技术开发区",
        "召开第四次招商引资工作调度会",
        None,
        ["何志敏", "杨润枫"],
        "运城经济技术开发区",
        "运城",
    ),
    ("000", 3): (
        "古县经济技术开发区",
        "实施五大行动 打造开发区建设升级版",
        None,
        ["贺玉斌"],
        "古县经济技术开发区",
        "临汾",
    ),
    ("000", 4): ("襄汾经济技术开发区", "浙江运达风电项目加紧建设", None, ["关婷"], "襄汾经济技术开发区", "临汾"),
    ("000", 5): ("朔州经济开发区", "召开项目评审会", None, ["沈慧"], "朔州经济开发区", "朔州"),
    ("000", 6): (
        "右玉生态文化旅游示范区",
        "构筑文旅融合新路径 加快培育新质生产力",
        None,
        ["董保彤"],
        "右玉生态文化旅游示范区",
        "朔州",
    ),
    ("000", 7): (None, None, None, [], None, None),
    ("001", 1): (
        "长子经济技术开发区",
        "扎实推动项目建设驶入“快车道”",
        None,
        ["冯毅松", "王志军"],
        "长子经济技术开发区",
        "长治",
    ),
    ("001", 2): (
        "省委常委、太原市委书记韦韬在调研新质生产力发展时强调",
        "坚持因地制宜 深化协同创新 推动产业转型 以新质生产力为太原市高质量发展注入强大动力",
        None,
        ["殷雪鸢", "胡引平"],
        None,
        "太原",
    ),
    ("001", 3): (None, None, None, [], "朔州经济开发区", "朔州"),
    ("001", 4): (None, "忻州：唱响开发区高质量发展奋进曲", None, ["畅雪", "任逢春"], "忻州经济开发区", "忻州"),
    ("002", 1): (
        None,
        "山西省（环渤海）生物医药产业推介会在津举行",
        "大同等5市签约6个项目，总投资16.8亿元",
        ["张馨"],
        None,
        None,
    ),
    ("002", 2): ("左云经济技术开发区", "打赢年初开局战 实现首季“开门红”", None, ["吕平"], "左云经济技术开发区", "大同"),
    ("002", 3): (None, "全省开发区“管运分离”改革取得明显成效", "93个开发区组建158家运营公司", ["马永亮"], None, None),
    ("002", 4): (
        "在临汾经济开发区（洪洞·甘亭）工业园区",
        "紫光云智智能制造（临汾）基地启动",
        None,
        ["贺玉斌"],
        "临汾经济开发区",
        "临汾",
    ),
    ("003", 1): (
        "高平经济技术开发区",
        "夯基固本 顺势而为 全力打造开发区建设升级版",
        None,
        ["李阳"],
        "高平经济技术开发区",
        "晋城",
    ),
    ("003", 2): (
        None,
        "做好生物医药与大健康产业大文章",
        "阳曲现代农业产业示范区引领高质量发展纪略",
        ["赵彩娥"],
        "阳曲现代农业产业示范区",
        "太原",
    ),
    ("003", 3): ("绛县经济开发区", "培育发展新质生产力 加快新型工业化步伐", None, ["王波"], "绛县经济开发区", "运城"),
    ("003", 4): (
        None,
        "厚植兴业沃土 激发澎湃动能",
        "霍州经开区建设投资有限公司标准化厂房建设项目推进记",
        ["王波"],
        "霍州经济技术开发区",
        "临汾",
    ),
    ("004", 1): (
        None,
        "加速项目建设提效能 构建转型发展新引擎",
        "刘俊义赴大同经开区现场办公",
        ["郑苗苗"],
        "大同经济技术开发区",
        "大同",
    ),
    ("004", 2): (
        "临猗现代农业产业示范区",
        "链筑产业新生态 集聚发展新动能",
        None,
        ["李阳"],
        "临猗现代农业产业示范区",
        "运城",
    ),
    ("004", 3): ("临汾经济开发区", "政企社协同发力 开展就业惠民服务", None, ["李俊萍"], "临汾经济开发区", "临汾"),
    ("004", 4): (
        "山西转型综改示范区唐槐电子装备与制造园区",
        "亚宝大健康创新基地项目一期建设正酣",
        None,
        ["叶芝花"],
        "山西转型综合改革示范区唐槐园区",
        "太原",
    ),
    ("004", 5): (
        "上党经济技术开发区",
        "锚定目标 实干争先 决胜首季“开门红”",
        None,
        ["王波"],
        "上党经济技术开发区",
        "长治",
    ),
    ("004", 6): ("襄垣经济技术开发区", "一季度企业复工复产有序推进", None, ["进晓宇"], "襄垣经济技术开发区", "长治"),
}


def test_article_counts(seed_pages):
    counts = {prefix: len(page.articles) for prefix, page in seed_pages.items()}
    assert counts == {"000": 7, "001": 4, "002": 4, "003": 4, "004": 6}
    assert sum(counts.values()) == 25


@pytest.mark.parametrize(("prefix", "position"), sorted(EXPECTED))
def test_article_heading_byline_zone_city(seed_pages, prefix, position):
    article = seed_pages[prefix].articles[position - 1]
    kicker, title, subtitle, authors, zone, city = EXPECTED[prefix, position]
    assert (article.kicker, article.title, article.subtitle) == (kicker, title, subtitle)
    assert article.authors == authors
    assert (article.zone, article.city) == (zone, city)
    assert article.paragraphs, "every article has a body"
    for paragraph in article.paragraphs:
        assert "\n" not in paragraph.text


def test_layouts(seed_pages):
    assert {p: page.layout for p, page in seed_pages.items()} == {
        "000": "heading_first",
        "001": "heading_last",
        "002": "heading_first",
        "003": "heading_last",
        "004": "heading_first",
    }


def test_masthead_gives_issue(seed_pages):
    page = seed_pages["002"]
    assert (page.issue_year, page.issue_number) == (2024, 16)
    assert "开发区建设" in page.masthead and "2024年第16期" in page.masthead
    assert all(p.issue_year is None for k, p in seed_pages.items() if k != "002")


def test_continuation_article_is_last_on_its_page(seed_pages):
    article = seed_pages["000"].articles[-1]
    assert article.continued_from == "D1"
    assert article.continuation_markers == ["（上接D1版）"]
    assert article.body.startswith("“启动建设潇河绿智城")
    assert "山西转型综合改革示范区潇河园区" in article.zones
    headings = [p.text for p in article.paragraphs if p.kind == SECTION_HEADING]
    assert headings == [
        "求真务实抓落实 ——“一张图”清单调度、一抓到底，全流程提速",
        "敢作善为抓落实 ——“一盘棋”领着干带着干一起干，全方位推动",
    ]


def test_opening_byline_and_dateline(seed_pages):
    article = seed_pages["000"].articles[0]
    assert article.dateline == "科学导报讯"
    assert article.byline == "记者王波 通讯员张伦 王昱"
    assert article.body.startswith("为深入贯彻落实")


def test_paragraphs_cut_by_column_breaks_are_rejoined(seed_pages):
    body = seed_pages["000"].articles[0].body
    assert "链主企业亚宝药业与40多家科研院所" in body
    assert "成立5个“招商服务工作组”" in body
    assert len(seed_pages["000"].articles[0].paragraphs) == 6


def test_sentence_cut_by_a_caption_reads_whole(seed_pages):
    article = seed_pages["002"].articles[0]
    assert "助力环渤海地区生物医药产业集群迈上发展新台阶。" in article.body
    assert [c.text for c in article.captions] == ["4月25日，6个项目在山西省（环渤海）生物医药产业推介会上现场签约。"]
    assert "现场签约。物医药" not in article.body


def test_narrow_column_title_after_body(seed_pages):
    article = seed_pages["001"].articles[0]
    assert article.title == "扎实推动项目建设驶入“快车道”"
    assert article.body.startswith("日前，长子经济技术开发区以项目建设为抓手")
    assert article.body.endswith("有力推进项目建设。")
    assert "续建项目复工率达到100%" in article.body  # spaces around digits dropped


def test_narrow_column_paragraphs(seed_pages):
    paragraphs = [p.text for p in seed_pages["001"].articles[0].paragraphs]
    assert len(paragraphs) == 2
    assert paragraphs[1].startswith("据了解，今年以来，长子经开区建立“五个清单一张网”。")
    韦韬 = [p.text for p in seed_pages["001"].articles[1].paragraphs]
    assert any("重要着力点。全市各级各部门要牢牢把握" in p for p in 韦韬), "a full line ending a sentence goes on"


def test_captions_attach_to_the_right_article(seed_pages):
    page = seed_pages["001"]
    assert [c.photographer for c in page.articles[1].captions] == ["梁琛"]
    assert [c.photographer for c in page.articles[3].captions] == ["樊晶璟"]
    assert page.articles[3].captions[0].credit == "樊晶璟摄"
    assert page.articles[2].captions == []
    page = seed_pages["004"]
    assert [(c.text, c.credit) for c in page.articles[2].captions] == [("招聘会现场。", "临汾经开区供图")]
    assert [(c.text, c.credit) for c in page.articles[3].captions] == [
        ("亚宝大健康创新基地项目一期现场。", "综改区供图")
    ]


def test_captions_are_never_articles(seed_pages):
    for page in seed_pages.values():
        for article in page.articles:
            assert not article.body.endswith("摄")
            assert "供图" not in article.body


def test_untitled_article_about_xinjinyuan(seed_pages):
    article = seed_pages["001"].articles[2]
    assert article.title is None
    assert article.body.startswith("在朔州经开区企业山西欣晋元中药科技有限公司的化验室")
    assert "酸枣仁" in article.body
    assert any("无标题" in w or "no title" in w for w in article.warnings) or article.title is None


def test_section_headings_inside_narrow_columns(seed_pages):
    headings = [p.text for p in seed_pages["001"].articles[3].paragraphs if p.kind == SECTION_HEADING]
    assert headings == [
        "抓项目，优化布局释放发展潜能",
        "抓招商，创新方式打响“开放”招牌",
        "抓服务，优化环境构建良好生态",
    ]
    headings = [p.text for p in seed_pages["003"].articles[3].paragraphs if p.kind == SECTION_HEADING]
    assert headings == ["快推进 项目建设“加速跑”", "优服务 入驻企业“唱主角”", "促发展 政策扶持“护全程”"]


def test_founder_times_artifact_repaired(seed_pages):
    body = seed_pages["003"].articles[3].body
    assert "“7×24不打烊”自助服务超市" in body
    assert "伊" not in body


def test_mentioned_zones(seed_pages):
    zones = seed_pages["001"].articles[3].zones
    assert zones[0] == "忻州经济开发区"
    assert {
        "岢岚经济技术开发区",
        "五寨现代农业产业示范区",
        "原平经济技术开发区",
        "繁峙经济技术开发区",
        "定襄经济技术开发区",
    } <= set(zones)
    assert "怀仁经济技术开发区" in seed_pages["002"].articles[0].zones


def test_no_leftovers_or_discovered_zones_on_seeds(seed_pages):
    for page in seed_pages.values():
        assert page.leftovers == []
        assert page.discovered_zones == []
