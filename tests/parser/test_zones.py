import pytest

from articles.parsing import Gazetteer, parse_page
from articles.parsing.gazetteer import Zone
from articles.parsing.page import reference_gazetteer
from articles.parsing.zones import ZoneFinder


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_csv()


@pytest.fixture(scope="module")
def finder(gazetteer):
    return ZoneFinder(gazetteer)


def test_reference_data_loads(gazetteer):
    assert len(gazetteer.cities) == 11
    assert len(gazetteer.counties) == 117
    assert len(gazetteer.zones) == 71
    assert gazetteer.city_by_short["运城"].code == "140800"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("据了解，长子经开区建立清单", "长子经济技术开发区"),
        ("风陵渡开发区依托资源优势", "风陵渡经济开发区"),
        ("在朔州经开区企业山西欣晋元", "朔州经济开发区"),
        ("霍州经开区建设投资有限公司", "霍州经济技术开发区"),
        ("综改区新能源招商中心", "山西转型综合改革示范区"),
        ("山西转型综改示范区唐槐电子装备与制造园区的亚宝项目", "山西转型综合改革示范区唐槐园区"),
        ("潇河园区积极对接", "山西转型综合改革示范区潇河园区"),
        ("太原高新区企业", "太原高新技术产业开发区"),
        ("临猗示范区入驻企业", "临猗现代农业产业示范区"),
    ],
)
def test_printed_forms_map_to_the_gazetteer(finder, text, zone):
    assert [m.zone for m in finder.find(text)] == [zone]


def test_alias_shared_by_two_zones_names_neither(gazetteer):
    # 平顺 has an economic zone and a tourism zone: 平顺示范区 is the tourism one, 平顺开发区 the economic one.
    assert gazetteer.alias_index["平顺示范区"] == "平顺生态文化旅游示范区"
    assert gazetteer.alias_index["平顺开发区"] == "平顺经济技术开发区"
    assert gazetteer.aliases_of("长子经济技术开发区")[:1] == ["长子经济技术开发区"]
    assert "长子经开区" in gazetteer.aliases_of("长子经济技术开发区")


@pytest.mark.parametrize(
    ("text", "name", "city"),
    [
        ("推进万荣经济开发区建设", "万荣经济开发区", "运城市"),
        ("在寿阳经济技术开发区调研", "寿阳经济技术开发区", "晋中市"),
        ("山西省应县高新技术产业开发区", "应县高新技术产业开发区", "朔州市"),
        ("在青龙现代农业产业示范区", "青龙现代农业产业示范区", None),  # a place the county table does not know
    ],
)
def test_zones_not_in_the_gazetteer_are_discovered(finder, text, name, city):
    (match,) = finder.find(text)
    assert (match.zone, match.discovered) == (name, True)
    assert finder.discovered_zone(match).city == city


def test_no_zone_from_generic_words(finder):
    assert finder.find("全省开发区“管运分离”改革，我省93个开发区") == []
    assert finder.find("在建设武宁经济开发区") == []  # 建设武宁 is no place name


def test_single_city(finder):
    assert finder.single_city("省委常委、太原市委书记韦韬") == "太原"
    assert finder.single_city("大同等5市签约6个项目") is None
    assert finder.single_city("大同、朔州、阳泉现场签约") is None
    assert finder.single_city("阳曲中医药健康小镇") == "太原"
    assert finder.single_city("和顺发展") is None  # 和顺 is also a common word


def test_editor_aliases_are_recognised():
    base = Gazetteer.from_csv()
    extra = Zone(
        "襄垣经济技术开发区", "襄垣", "经济技术开发区", "省级", "长治市", "襄垣县", extra_aliases=("襄垣园区",)
    )
    gazetteer = Gazetteer(base.cities, base.counties, [z for z in base.zones if z.name != extra.name] + [extra])
    assert [m.zone for m in ZoneFinder(gazetteer).find("襄垣园区企业")] == ["襄垣经济技术开发区"]


def test_an_empty_gazetteer_does_not_crash():
    from articles.parsing import parse_page

    empty = Gazetteer([], [], [])
    finder = ZoneFinder(empty)
    assert [(m.zone, m.discovered) for m in finder.find("风陵渡经济开发区")] == [("风陵渡经济开发区", True)]
    assert finder.single_city("太原市委书记") is None
    page = parse_page("运城经济技术开发区\n\n召开会议\n\n科学导报讯 太原市委书记到会。王波", empty)
    assert [a.title for a in page.articles] == ["召开会议"]


def _one(text: str):
    (article,) = parse_page(text).articles
    return article


def test_a_zone_first_named_in_the_second_sentence_is_the_primary_zone():
    article = _one(
        "# 召开项目推进会\n\n科学导报讯 4月1日，一季度项目推进会召开。会议由运城经济技术开发区党工委主持，"
        "研究部署下一步重点工作。\n\n会议要求，各部门要压实责任，加快项目建设进度，确保完成全年目标任务。\n"
    )
    assert (article.zone, article.city) == ("运城经济技术开发区", "运城")


def test_a_heading_naming_a_county_with_one_zone_gives_that_zone():
    gazetteer = reference_gazetteer()
    (zone,) = [z.name for z in gazetteer.zones if z.county == "清徐县"]
    article = _one(
        "# 清徐县举办重点项目集中签约仪式\n\n科学导报讯 日前，重点项目集中签约仪式举行，共签约项目12个，"
        "总投资35亿元。\n\n签约项目涵盖新材料、现代物流等领域。\n"
    )
    assert (article.zone, article.city) == (zone, "太原")


def test_a_short_form_in_the_title_links_the_full_name_the_body_gives_later():
    article = _one(
        "# 云中河经开区签约十个项目\n\n科学导报讯 日前，一批重点项目集中签约，总投资35亿元。"
        "据介绍，云中河经济技术开发区今年将新建标准化厂房20万平方米。\n"
    )
    assert article.zone == "云中河经济技术开发区"


def test_a_known_zone_printed_with_a_shorter_place_name_is_not_a_new_zone():
    page = parse_page(
        "# 杏花村经济技术开发区新项目开工\n\n科学导报讯 日前，杏花村经济技术开发区白酒包装产业园项目开工建设。\n"
    )
    assert page.discovered_zones == []
    assert page.articles[0].zone == "汾阳杏花村经济技术开发区"


def test_an_article_about_several_places_gets_no_zone_by_fallback():
    article = _one(
        "# 大同朔州两市签约六个项目\n\n科学导报讯 4月25日，推介会在天津举行。会上，怀仁经济技术开发区等签约项目，"
        "怀仁经济技术开发区签约2个。\n"
    )
    assert article.zone is None
