"""Whole newspaper pages composed with their gold, for measuring the page parser.

    from tests.parser.generator import generate_page
    page = generate_page(7)
    page.text      # the page as the PDF extraction prints it
    page.gold      # list[GoldArticle]: what a careful reader would file for each article, in reading order
    page.features  # set[str]: the variations this page exercises (see FEATURES)

Deterministic: one ``random.Random(seed)`` per page. Independent of the parser: the material comes from the
seed pages (sentences re-read from their text, titles, section headings, bylines) and the reference CSV files
(zones, cities, counties), never from ``articles.parsing``.

The gold is kept honest:
- body paragraphs are the sentences as composed (full-width punctuation, no spaces), whatever the page
  prints: column cuts, captions between two halves of a sentence, spaced digits ("2 0 2 4 年"), the Founder
  artifact 伊 for ×, half-width punctuation and CRLF are all printing effects the reader undoes;
- the body sentences taken from the seeds name no place (no city, county or zone), so the article's zone
  and city are the ones the generator put in: the kicker, the opening sentence, the second sentence, the
  subtitle or a county in the title; the city comes from the reference data;
- only variations a careful reader can undo are printed: a column cut never falls right after a sentence
  end, a byline glued to the story only precedes a word that plainly opens a sentence (近日, 为, 4月1日 …).
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bench.make_corpus import ACTIONS  # the same event phrases the benchmark corpus uses

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DATA = ROOT / "articles" / "data"

HEADING_FIRST = "heading_first"
HEADING_LAST = "heading_last"

# Every variation the generator records, page-level ones first. The per-feature accuracy is counted over the
# articles that carry the feature (page-level features are carried by every article on the page).
FEATURES: dict[str, str] = {
    "layout_heading_first": "wide paragraphs, each article's heading before its body",
    "layout_heading_last": "narrow columns, each article's body (and byline) before its heading",
    **{f"column_width_{w}": f"narrow layout, body lines {w} characters wide" for w in range(12, 19)},
    "crlf": "CRLF line endings",
    "masthead": "the page starts with the supplement's masthead (开发区建设 … 2024年第16期 …)",
    "markdown_marks": "the extraction marked headings with # / ##",
    "halfwidth_punct": "half-width , ; : ( ) printed among Chinese text",
    "narrow_line_no_blank": "narrow layout: some column lines follow the previous one without a blank line",
    # headings
    "kicker_zone": "a zone line above the title",
    "kicker_text": "a kicker that is not a zone (…在调研…时强调)",
    "no_kicker": "no kicker",
    "title_one_line": "title printed on one line",
    "title_two_lines": "title printed on two lines",
    "title_colon_break": "two-line title whose first line ends in a full-width colon (忻州：)",
    "heading_wider_than_column": "narrow layout: a title line wider than the column",
    "heading_within_column": "narrow layout: a one-line title no wider than the column",
    "heading_narrow_set": "narrow layout: the title set in lines of a few characters (扎实推动项/目建设驶入/“快车道”)",
    "subtitle_dash": "a ——— subtitle",
    "subtitle_plain": "a subtitle without dashes",
    # body
    "dateline_short": "dateline 科学导报 (without 讯)",
    "no_dateline": "the body starts without a dateline",
    "section_headings": "小标题 inside the body",
    "column_cut": "wide layout: a paragraph cut in two by a column break",
    "spaced_digits": "a number printed with spaces between its digits (2 0 2 4 年)",
    "founder_times": "the Founder artifact 伊 for × (7伊24)",
    # bylines
    "byline_start": "byline after the dateline (科学导报讯 记者王波 通讯员张伦 …)",
    "byline_start_glued": "opening byline glued to the first word of the story (王昱为深入…)",
    "byline_end_plain": "names after the last sentence (… 王波)",
    "byline_end_glued": "a name glued to the last sentence (…满堂红”。吕平)",
    "byline_end_square": "■ / 姻 names after the last sentence",
    "byline_end_paren": "（李四） after the last sentence",
    "byline_own_line": "the byline on a line of its own after the body (wide) or after the heading (narrow)",
    "no_byline": "no byline at all",
    # captions
    "caption_square": "caption credited ■ 梁琛摄 / 姻梁琛摄",
    "caption_given": "caption credited 综改区供图 / ■ 综改区供图",
    "caption_paren": "caption credited in parentheses （张三 摄）",
    "caption_uncredited": "caption without a credit, or only 资料图 / 供图",
    "caption_mid_sentence": "a caption printed between two halves of a sentence",
    # continuations
    "continued_from": "an article continued from another page, starting with （上接D1版）",
    "continued_to": "an article going on on another page, ending with （下转D2版）",
    # zones and cities
    "zone_short_form": "the zone named in the body by its short form (长子经开区)",
    "zone_second_sentence": "no zone in the heading or first sentence: the second sentence names it",
    "zone_in_subtitle": "no zone line: the ——— subtitle names the zone",
    "heading_county_only": "the heading names a county, not a zone",
    "zone_unlisted": "a zone missing from the reference list (寿阳经济技术开发区)",
    "no_zone": "an article about no particular zone",
}

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CLOSING = "，。、；：？！”’）》」』%％…"
OPENING = "“‘（《「『"
HANGING = CLOSING + ",;:?!)"  # what may not start a column line (half-width too)
SENTENCE_END = "。！？"
SENTENCE_RE = re.compile(r"[^。！？]+[。！？]+[”’」』]*")
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
FULL_TO_HALF = {"，": ",", "；": ";", "：": ":", "（": "(", "）": ")"}

# --- material ------------------------------------------------------------------------------------

# Titles as printed on the seed pages that name no place (halves separated by a space).
SEED_TITLES = (
    "“延链”“补链” 做强现代医药产业",
    "召开第四次招商引资工作调度会",
    "实施五大行动 打造开发区建设升级版",
    "浙江运达风电项目加紧建设",
    "召开项目评审会",
    "构筑文旅融合新路径 加快培育新质生产力",
    "扎实推动项目建设驶入“快车道”",
    "坚持因地制宜 深化协同创新 推动产业转型",
    "打赢年初开局战 实现首季“开门红”",
    "全省开发区“管运分离”改革取得明显成效",
    "夯基固本 顺势而为",
    "全力打造开发区建设升级版",
    "做好生物医药与大健康产业大文章",
    "培育发展新质生产力 加快新型工业化步伐",
    "厚植兴业沃土 激发澎湃动能",
    "加速项目建设提效能 构建转型发展新引擎",
    "链筑产业新生态 集聚发展新动能",
    "政企社协同发力 开展就业惠民服务",
    "亚宝大健康创新基地项目一期建设正酣",
    "锚定目标 实干争先 决胜首季“开门红”",
    "一季度企业复工复产有序推进",
    "唱响开发区高质量发展奋进曲",
    "打造开发区建设升级版 决胜高质量发展新战场",
)
# Short one-line titles in the style of the seeds (no space): they fit a narrow column.
SHORT_TITLES = (
    "召开项目评审会",
    "召开项目推进会",
    "新项目集中签约",
    "重点项目加紧建设",
    "浙江运达风电项目加紧建设",
    "一季度企业复工复产有序推进",
    "召开招商引资工作调度会",
    "举行重点项目集中开工仪式",
    "开展就业惠民服务",
    "推进“管运分离”改革",
)
# Phrases after "{place}：" in a title (忻州：唱响开发区高质量发展奋进曲).
COLON_PHRASES = (
    "唱响开发区高质量发展奋进曲",
    "跑出项目建设加速度",
    "打造开发区建设升级版",
    "奋力谱写高质量发展新篇章",
    "链筑产业新生态",
)
SECTION_HEADINGS = (
    "聚焦项目攻坚提效 夯实增长基本盘",
    "聚焦招商精准发力 培育产业新动能",
    "聚焦服务优化升级 打造营商新高地",
    "抓项目，优化布局释放发展潜能",
    "抓招商，创新方式打响“开放”招牌",
    "抓服务，优化环境构建良好生态",
    "快推进 项目建设“加速跑”",
    "优服务 入驻企业“唱主角”",
    "促发展 政策扶持“护全程”",
    "求真务实抓落实 ——“一张图”清单调度、一抓到底，全流程提速",
    "敢作善为抓落实 ——“一盘棋”领着干带着干一起干，全方位推动",
)
# Names printed in the seeds' bylines and credits, then names made up from common surnames.
SEED_NAMES = (
    "王波 张伦 王昱 何志敏 杨润枫 贺玉斌 关婷 沈慧 董保彤 冯毅松 王志军 殷雪鸢 胡引平 畅雪 任逢春 张馨 吕平 "
    "马永亮 李阳 赵彩娥 郑苗苗 李俊萍 叶芝花 进晓宇 梁琛 樊晶璟"
).split()
COMMON_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾夏付方白邹孟秦邱江尹薛闫段雷侯史陶贺顾毛郝武"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志鹏飞波宇慧晶婷雪琳浩凯亮斌彤欣怡佳悦"
WHEN = ("近日", "日前", "今年以来", "一季度以来", "{m}月{d}日", "{y}年以来")
# Openers a byline may be glued to without doubt where the name ends.
GLUE_SAFE = ("近日", "日前", "今年以来", "为", "{m}月{d}日")
PURPOSES = (
    "为深入贯彻落实省委、省政府关于重点产业链链长制决策部署",
    "为切实做好重点项目服务保障工作",
    "为进一步优化营商环境",
)
TAILS = (
    "为全年目标打下坚实基础",
    "全力以赴跑出高质量发展加速度",
    "推动项目早开工、早投产、早见效",
    "持续优化营商环境",
    "为高质量发展注入强劲动力",
)
EVENTS = (
    "一批重点项目集中签约落地，涵盖新材料、装备制造等领域",
    "全省开发区“三个一批”活动如期举行",
    "一季度重点项目建设现场一派繁忙景象",
    "春潮涌动，项目建设按下“快进键”",
)
SECOND_SENTENCES = (
    "{zone}{action}，{tail}。",
    "这是{zone}{action}的一个缩影。",
    "{zone}相关负责人介绍，园区将{tail}。",
)
FOUNDER_SENTENCES = (
    "营商环境持续优化，建成“7×24不打烊”自助服务超市，为中小微企业提供登记注册、代记账、税务、融资等服务。",
    "政务服务大厅推行“7×24小时”自助办理，企业办事更加便捷高效。",
)
OFFICIALS = ("省委常委、副省长", "省商务厅主要负责同志", "省开发区建设工作领导小组办公室负责同志")
KICKER_TOPICS = ("调研新质生产力发展", "调研开发区建设", "检查重点项目建设", "出席招商推介会")
SPEECH_VERBS = ("强调", "指出", "要求")
SUBTITLE_DASH_TAILS = ("引领高质量发展纪略", "标准化厂房建设项目推进记", "打造开发区建设升级版纪实", "项目建设观察")
PLAIN_SUBTITLES = (
    "93个开发区组建158家运营公司",
    "{n}个项目集中签约，总投资{x}亿元",
    "一季度工业增加值同比增长{p}%",
    "全年目标任务完成过半",
)
CAPTION_SCENES = (
    "项目建设现场。",
    "一角。",
    "生产车间内，工人正在观察参数。",
    "重点项目施工现场。",
    "招商推介会现场。",
    "企业生产线一角。",
    "标准化厂房建设现场。",
)
GIVEN_ORGS = ("综改区", "开发区管委会", "园区服务中心")
# 综改区 parks as their names are printed in the seeds' kicker lines.
PRINTED_PARK_NAMES = {
    "山西转型综合改革示范区唐槐园区": ("山西转型综改示范区唐槐电子装备与制造园区", "唐槐园区"),
    "山西转型综合改革示范区潇河园区": ("山西转型综改示范区潇河产业园区", "潇河园区"),
    "山西转型综合改革示范区": ("山西转型综合改革示范区", "综改区"),
}
# County short names that are everyday words: never used to filter sentences.
EVERYDAY_COUNTY_SHORTS = ("城区", "矿区", "郊区")
SHORT_FORM_KINDS = {"经济技术开发区": "经开区", "经济开发区": "经开区", "高新技术产业开发区": "高新区"}


@dataclass(frozen=True)
class ZoneEntry:
    name: str  # canonical full name (the gold)
    city: str  # prefecture city short name (the gold)
    kicker: str  # as printed on a zone line
    short: str | None  # short form for the body (长子经开区), when unambiguous
    county: str | None  # county full name when known
    listed: bool = True


@dataclass(frozen=True)
class County:
    name: str  # 襄垣县
    short: str  # 襄垣
    city: str  # prefecture short: 长治


@dataclass
class Material:
    sentences: list[str]
    zones: list[ZoneEntry]
    unlisted: list[ZoneEntry]
    counties: list[County]
    zones_by_county: dict[str, list[ZoneEntry]]
    counties_without_zone: list[County]  # no row of the reference list (placeholders included) is in them


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def display_width(text: str) -> float:
    """Width in em: Chinese characters and full-width punctuation 1, ASCII half, spaces none."""
    return sum(0 if ch.isspace() else (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5) for ch in text)


def to_fullwidth(text: str) -> str:
    """Half-width punctuation among Chinese text to full-width (seed 002 prints it half-width)."""
    out = []
    for k, ch in enumerate(text):
        before = text[k - 1] if k else ""
        after = text[k + 1] if k + 1 < len(text) else ""
        if ch in HALF_TO_FULL and not (ch in ",:" and before.isdigit() and after.isdigit()):
            out.append(HALF_TO_FULL[ch])
        else:
            out.append(ch)
    return "".join(out)


def _place_words(divisions: list[dict[str, str]], zones: list[dict[str, str]]) -> set[str]:
    words = {"综改", "唐槐", "学府", "潇河", "科创城", "武宿", "杏花村", "示范区", "经开区", "高新区"}
    for row in divisions:
        words |= {row["prefecture_city"], row["prefecture_short"], row["county"]}
        if len(row["county_short"]) >= 2 and row["county_short"] not in EVERYDAY_COUNTY_SHORTS:
            words.add(row["county_short"])
    for row in zones:
        words |= {row["name"], row["short"]}
    words.discard("")
    return words


def _usable_sentence(sentence: str, places: set[str]) -> bool:
    return (
        12 <= len(sentence) <= 110
        and not re.search(r"\s|[,;:?!()]", sentence)
        and not any(mark in sentence for mark in ("科学导报", "摄", "供图", "上接", "下转", "■", "……", "×"))
        and sentence.count("“") == sentence.count("”")
        and sentence.count("（") == sentence.count("）")
        and sentence[0] not in CLOSING
        and not any(place in sentence for place in places)
    )


def _seed_sentences(places: set[str]) -> list[str]:
    """Whole sentences from the seed pages' bodies (wide pages line by line, narrow columns rejoined)."""
    found: list[str] = []
    for prefix in ("000", "002", "004"):  # wide: one paragraph (or part of one) a line
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        previous_ended = True
        for raw in path.read_text(encoding="utf-8").split("\n"):
            line = to_fullwidth(raw.strip())
            if not line or line.startswith("#") or len(line) < 40:
                continue
            pieces = SENTENCE_RE.findall(line)
            if not previous_ended and pieces:
                pieces = pieces[1:]  # the end of a sentence cut by a column break
            previous_ended = bool(re.search(r"[。！？][”’」』]*$", line))
            found.extend(p.strip() for p in pieces)
    byline_end = re.compile(r"[。！？”]\s+\S{2,3}(?:\s+\S{2,3})*$")
    for prefix in ("001", "003"):  # narrow: column lines rejoined up to a heading, caption or byline
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        runs: list[list[str]] = [[]]
        for raw in path.read_text(encoding="utf-8").split("\n"):
            line = raw.strip()
            if not line:
                continue
            if byline_end.search(line):
                runs[-1].append(line)
                runs.append([])
            elif 9 <= display_width(line) <= 20:
                runs[-1].append(line)
            else:
                runs.append([])
        for run in runs:
            text = to_fullwidth(re.sub(r"\s+", "", "".join(run)))
            found.extend(p.strip() for p in SENTENCE_RE.findall(text)[1:])
    return sorted({s for s in found if _usable_sentence(s, places)})


@lru_cache(maxsize=1)
def material() -> Material:
    divisions = _read_csv(DATA / "shanxi_divisions.csv")
    zone_rows = _read_csv(DATA / "shanxi_zones.csv")
    city_short = {row["prefecture_city"]: row["prefecture_short"] for row in divisions}
    county_city = {row["county"]: row["prefecture_short"] for row in divisions}
    places = _place_words(divisions, zone_rows)
    # Short forms (长子经开区) that name exactly one zone.
    claims: dict[str, list[str]] = {}
    for row in zone_rows:
        for kind, short_kind in SHORT_FORM_KINDS.items():
            if row["name"].endswith(kind) and not row["name"].startswith("山西"):
                claims.setdefault(row["name"][: -len(kind)] + short_kind, []).append(row["name"])
    short_of = {names[0]: form for form, names in claims.items() if len(names) == 1}
    zones = []
    for row in zone_rows:
        name = row["name"]
        if "未核实" in name:  # placeholders whose full names are unknown
            continue
        kicker, short = PRINTED_PARK_NAMES.get(name, (name, short_of.get(name)))
        zones.append(ZoneEntry(name, city_short[row["prefecture_city"]], kicker, short, row["county"] or None))
    zone_places = [z.name for z in zones]
    counties, unlisted = [], []
    for row in divisions:
        if row["kind"] != "县":
            continue
        county = County(row["county"], row["county_short"], county_city[row["county"]])
        counties.append(county)
        if len(county.short) == 2 and not any(county.short in name for name in zone_places):
            for kind in ("经济技术开发区", "经济开发区"):
                unlisted.append(
                    ZoneEntry(county.short + kind, county.city, county.short + kind, None, county.name, False)
                )
    zones_by_county: dict[str, list[ZoneEntry]] = {}
    for zone in zones:
        if zone.county:
            zones_by_county.setdefault(zone.county, []).append(zone)
    with_zone = {row["county"] for row in zone_rows} | {row["short"] for row in zone_rows}
    without = [c for c in counties if c.name not in with_zone and c.short not in with_zone]
    return Material(_seed_sentences(places), zones, unlisted, counties, zones_by_county, without)


# --- what is generated ---------------------------------------------------------------------------


@dataclass
class GoldCaption:
    text: str  # the description as a reader files it, without its credit
    credit: str | None = None  # 梁琛摄, 综改区供图, 资料图, or None
    photographer: str | None = None


@dataclass
class GoldArticle:
    kicker: str | None
    title: str | None
    subtitle: str | None
    authors: list[str]
    zone: str | None
    city: str | None
    paragraphs: list[str]
    kinds: list[str]  # "p" or "h" (section heading), one per paragraph
    captions: list[GoldCaption] = field(default_factory=list)
    continued_from: str | None = None
    continued_to: str | None = None
    features: set[str] = field(default_factory=set)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class GeneratedPage:
    seed: int
    layout: str
    text: str
    gold: list[GoldArticle]
    features: set[str]
    column_width: int | None = None
    interruptions: list[str] = field(default_factory=list)  # printed lines that cut into a body (captions)


@dataclass
class _Printed:
    """One article's parts as printed, before they are laid out on the page."""

    marker_from: str | None = None
    kicker: str | None = None
    title_lines: list[str] = field(default_factory=list)
    subtitle: str | None = None
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (printed text, kind)
    tail: str = ""  # printed after the last sentence, on the same line: byline, 下转 marker
    byline_line: str | None = None  # a byline printed on a line of its own
    marker_to_line: str | None = None  # a 下转 marker printed on a line of its own
    captions: list[_PrintedCaption] = field(default_factory=list)


@dataclass
class _PrintedCaption:
    line: str
    placement: str  # before_body / after_heading / mid_sentence (narrow); under_heading / between / mid (wide)
    kind: str  # square, given, paren, uncredited
    gold: GoldCaption
    placed: str = ""  # where the layout put it: "mid" (inside a sentence), "apart", or "dropped"


class _Composer:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.m = material()
        self.names = list(SEED_NAMES)
        pool = random.Random(4099)
        while len(self.names) < 160:
            name = pool.choice(COMMON_SURNAMES) + "".join(pool.choice(GIVEN_CHARS) for _ in range(pool.choice((1, 2))))
            if name not in self.names:
                self.names.append(name)
        self.names.append("欧阳明")

    # --- page ----------------------------------------------------------------------------------
    def page(self) -> GeneratedPage:
        rng = self.rng
        narrow = rng.random() < 0.45
        self.layout = HEADING_LAST if narrow else HEADING_FIRST
        self.width = rng.randint(12, 18) if narrow else None
        features = {f"layout_{self.layout}"}
        if narrow:
            features.add(f"column_width_{self.width}")
        self.halfwidth = rng.random() < 0.15
        self.marks = not narrow and rng.random() < 0.25
        masthead = rng.random() < 0.25
        crlf = rng.random() < 0.15
        for name, on in (("halfwidth_punct", self.halfwidth), ("markdown_marks", self.marks), ("masthead", masthead)):
            if on:
                features.add(name)
        if crlf:
            features.add("crlf")
        self.year = rng.choice((2023, 2024, 2025))
        self.label = f"D{rng.randint(1, 4)}"
        count = rng.randint(2, 4) if narrow else rng.randint(2, 5)
        fragment_at = rng.choice((0, count - 1)) if rng.random() < 0.15 else None
        going_on = count - 1 if rng.random() < 0.15 and fragment_at != count - 1 else None
        self.used_zones: set[str] = set()
        articles = []
        for index in range(count):
            gold, printed = self.article(fragment=index == fragment_at, going_on=index == going_on)
            articles.append((gold, printed))
        self.interruptions: list[str] = []
        self.line_no_blank = False
        lines = self.heading_last(articles) if narrow else self.heading_first(articles)
        if self.line_no_blank:
            features.add("narrow_line_no_blank")
        for gold, printed in articles:
            _settle_captions(gold, printed)
        text = self.render(lines, masthead, narrow)
        if crlf:
            text = text.replace("\n", "\r\n")
        gold = [g for g, _ in articles]
        for article in gold:
            article.features |= features
        features |= {f for article in gold for f in article.features}
        return GeneratedPage(self.seed, self.layout, text, gold, features, self.width, self.interruptions)

    def render(self, lines: list[tuple[str, int]], masthead: bool, narrow: bool) -> str:
        out = ["\n" * self.rng.choice((0, 1, 2))]
        if masthead:
            out.append(self.masthead())
        for k, (line, blanks) in enumerate(lines):
            if k or masthead:
                out.append("\n" * (blanks + 1))
            out.append(line)
        if narrow and not masthead and self.rng.random() < 0.5:
            out[1] = " " + out[1]  # seed 001 and 003 start with a space
        return "".join(out) + "\n"

    def masthead(self) -> str:
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        number = self.rng.randint(1, 50)
        mark = "# " if self.marks else ""
        return (
            f"{mark}开发区建设\n\n专刊\n\n打造开发区建设升级版  \n决胜高质量发展新战场\n\n山西省商务厅 指导\n\n"
            f"{self.year}年第{number}期 {self.year}年{month}月{day}日 星期五 {self.label}版 邮发代号:21-465"
        )

    # --- one article ---------------------------------------------------------------------------
    def article(self, fragment: bool, going_on: bool) -> tuple[GoldArticle, _Printed]:
        rng = self.rng
        feats: set[str] = set()
        printed = _Printed()
        gold = GoldArticle(None, None, None, [], None, None, [], [])
        if fragment:
            feats.add("continued_from")
            gold.continued_from = rng.choice([f"D{k}" for k in range(1, 9) if f"D{k}" != self.label])
            printed.marker_from = self.marker("上接", gold.continued_from)
        if going_on:
            feats.add("continued_to")
            gold.continued_to = rng.choice([f"D{k}" for k in range(1, 9) if f"D{k}" != self.label])

        # zone, and how it is named
        if fragment:
            mode = rng.choice(("opening", "none"))
        else:
            mode = rng.choices(
                ("kicker", "opening", "second", "county", "subtitle", "none"), weights=(52, 14, 9, 8, 8, 9)
            )[0]
        zone = None
        county = None
        if mode == "county":
            # Either the county's zone is named in the first sentence, or the county has no zone at all
            # (an article about a county that has one could be filed under it or not).
            if rng.random() < 0.5:
                county = rng.choice([c for c in self.m.counties if c.name in self.m.zones_by_county])
                zone = rng.choice(self.m.zones_by_county[county.name])
            else:
                county = rng.choice(self.m.counties_without_zone)
            feats.add("heading_county_only")
        elif mode != "none":
            zone = self.pick_zone()
        if zone is None and mode != "county":
            mode = "none"
            feats.add("no_zone")
        if zone is not None and not zone.listed:
            feats.add("zone_unlisted")
        gold.zone = zone.name if zone else None
        gold.city = zone.city if zone else (county.city if county else None)
        if mode == "second":
            feats.add("zone_second_sentence")
        if mode == "subtitle":
            feats.add("zone_in_subtitle")

        # heading
        if not fragment:
            self.heading(gold, printed, feats, mode, zone, county)

        # body
        self.body(gold, printed, feats, mode, zone, county, fragment)

        # bylines
        self.bylines(gold, printed, feats, fragment, going_on)
        if going_on:
            marker = self.marker("下转", gold.continued_to)  # type: ignore[arg-type]
            if rng.random() < 0.5:
                printed.tail += marker
            else:
                printed.marker_to_line = marker

        # captions
        if rng.random() < 0.3:
            for _ in range(rng.choice((1, 1, 1, 2))):
                self.caption(gold, printed, feats, zone)
        gold.features = feats
        return gold, printed

    def pick_zone(self) -> ZoneEntry:
        for _ in range(10):
            pool = self.m.unlisted if self.rng.random() < 0.08 else self.m.zones
            zone = self.rng.choice(pool)
            if zone.name not in self.used_zones:
                self.used_zones.add(zone.name)
                return zone
        return zone

    def marker(self, kind: str, label: str) -> str:
        return self.rng.choice((f"（{kind}{label}版）", f"({kind} {label} 版)", f"（{kind} {label} 版）"))

    def p(self, text: str) -> str:
        """Printing effects shared by every part of the page: half-width punctuation, the Founder ×."""
        text = re.sub(r"(?<=\d)×(?=\d)", lambda _: self.rng.choice(("伊", " 伊 ")), text)
        if self.halfwidth:
            chars = list(text)
            for k, ch in enumerate(chars):
                if ch in FULL_TO_HALF:
                    before = chars[k - 1] if k else ""
                    after = chars[k + 1] if k + 1 < len(chars) else ""
                    if not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()):
                        chars[k] = FULL_TO_HALF[ch]
            text = "".join(chars)
        if self.layout == HEADING_LAST:  # narrow columns put spaces around numbers and Latin words
            text = re.sub(f"(?<=[{CJK}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])(?=[{CJK}])", " ", text)
        return text

    def heading(
        self, gold: GoldArticle, printed: _Printed, feats: set[str], mode: str, zone: ZoneEntry | None, county
    ) -> None:
        rng = self.rng
        narrow = self.layout == HEADING_LAST
        # kicker
        if mode == "kicker":
            gold.kicker = zone.kicker  # type: ignore[union-attr]
            feats.add("kicker_zone")
        elif mode in ("opening", "second", "none") and rng.random() < 0.25:
            official = rng.choice(OFFICIALS)
            if official.endswith("副省长"):
                official += rng.choice(self.names)
            gold.kicker = f"{official}在{rng.choice(KICKER_TOPICS)}时{rng.choice(SPEECH_VERBS)}"
            feats.add("kicker_text")
        else:
            feats.add("no_kicker")
        printed.kicker = self.p(gold.kicker) if gold.kicker else None

        # title
        form = rng.choices(("one", "two", "colon", "set"), weights=(55, 20, 12, 13 if narrow else 0))[0]
        if mode == "county":
            title = county.name + rng.choice(SHORT_TITLES)
            lines = [title]
            form = "one"
        elif form == "colon":
            place = gold.city or "全省"
            phrase = rng.choice(COLON_PHRASES)
            title = f"{place}：{phrase}"
            lines = [f"{place}：", phrase]
            feats.add("title_colon_break")
        elif form == "two":
            with_space = [t for t in SEED_TITLES if " " in t]
            title = rng.choice(with_space)
            cut = rng.choice([k for k, ch in enumerate(title) if ch == " "])
            lines = [title[:cut], title[cut + 1 :]]
        elif form == "set":
            title = rng.choice([t for t in SEED_TITLES + SHORT_TITLES if " " not in t and len(t) >= 8])
            lines = _narrow_set(title, rng)
            feats.add("heading_narrow_set")
        else:
            if narrow and rng.random() < 0.35:
                fits = [t for t in SHORT_TITLES if display_width(t) <= self.width]  # type: ignore[operator]
                title = rng.choice(fits)
            elif rng.random() < 0.4:
                title = rng.choice(SEED_TITLES)
            else:
                halves = sorted({h for t in SEED_TITLES for h in t.split() if 4 <= len(h) <= 14})
                first, second = rng.sample(halves, 2)
                title = f"{first} {second}"
            lines = [title]
        feats.add("title_two_lines" if len(lines) == 2 and form != "set" else "title_one_line")
        if narrow and form != "set":
            widest = max(display_width(line) for line in lines)
            feats.add("heading_wider_than_column" if widest > self.width else "heading_within_column")  # type: ignore[operator]
        gold.title = title
        printed.title_lines = [self.p(line) for line in lines]

        # subtitle
        if mode == "subtitle":
            text = f"{zone.short or zone.name}{rng.choice(SUBTITLE_DASH_TAILS)}"  # type: ignore[union-attr]
            gold.subtitle = text
            printed.subtitle = self.p("———" + text)
            feats.add("subtitle_dash")
        elif mode != "county" and rng.random() < 0.15:
            if rng.random() < 0.4 and zone is not None and mode != "second":
                text = f"{zone.short or zone.name}{rng.choice(SUBTITLE_DASH_TAILS)}"
                gold.subtitle = text
                printed.subtitle = self.p(rng.choice(("———", "——", "—— ")) + text)
                feats.add("subtitle_dash")
            else:
                text = rng.choice(PLAIN_SUBTITLES).format(
                    n=rng.randint(3, 12), x=rng.randint(2, 90) + rng.choice((0, 0.5, 0.8)), p=rng.randint(5, 30)
                )
                gold.subtitle = text
                printed.subtitle = self.p(text)
                feats.add("subtitle_plain")

    def opening(self, mode: str, zone: ZoneEntry | None, county, feats: set[str]) -> tuple[str, str, str | None]:
        """The first paragraph's own sentences: (gold text, printed text, year printed spaced or None)."""
        rng = self.rng
        when = rng.choice(WHEN + GLUE_SAFE)
        year = None
        if when == "为":
            when = rng.choice(PURPOSES)
        elif "{y}" in when:
            year = str(self.year)
        elif when == "{m}月{d}日" and rng.random() < 0.4:
            when, year = "{y}年{m}月{d}日", str(self.year)
        when = when.format(m=rng.randint(1, 12), d=rng.randint(1, 28), y=self.year)
        subject = None
        if zone is not None:
            subject = zone.name
            if zone.short and rng.random() < 0.25:
                subject = zone.short
                feats.add("zone_short_form")
        action, tail = rng.choice(ACTIONS), rng.choice(TAILS)
        if mode == "second":
            first = f"{when}，{rng.choice(EVENTS)}。"
            second = rng.choice(SECOND_SENTENCES).format(zone=subject, action=action, tail=tail)
            text = first + second
        elif mode == "county" and zone is None:
            text = f"{when}，{county.name}{action}，{tail}。"
        elif subject is None:
            text = f"{when}，全省开发区{action}，{tail}。" if rng.random() < 0.5 else f"{when}，{rng.choice(EVENTS)}。"
        else:
            text = f"{when}，{subject}{action}，{tail}。"
        return text, when, year

    def body(self, gold, printed, feats, mode, zone, county, fragment: bool) -> None:
        rng = self.rng
        narrow = self.layout == HEADING_LAST
        sentences = self.m.sentences
        count = rng.randint(2, 4) if narrow else rng.randint(2, 5)
        sizes = [rng.randint(1, 3) if narrow else rng.randint(1, 4) for _ in range(count)]
        pool = rng.sample(sentences, sum(sizes))  # no sentence twice in one article
        paragraphs: list[str] = []
        opening_when = ""
        year = None
        for index in range(count):
            chosen, pool = pool[: sizes[index]], pool[sizes[index] :]
            if index == 0:
                if fragment:
                    if zone is not None:
                        chosen.insert(0, f"{zone.name}{rng.choice(ACTIONS)}，{rng.choice(TAILS)}。")
                else:
                    own, opening_when, year = self.opening(mode, zone, county, feats)
                    chosen = [own, *chosen[: rng.randint(0, 2)]]
            paragraphs.append("".join(chosen))
        if rng.random() < 0.08:
            index = rng.randrange(1, len(paragraphs))
            paragraphs[index] += rng.choice(FOUNDER_SENTENCES)
            feats.add("founder_times")
        kinds = ["p"] * len(paragraphs)
        if not fragment and len(paragraphs) >= 2 and rng.random() < 0.15:
            headings = rng.sample(SECTION_HEADINGS, rng.randint(1, min(3, len(paragraphs) - 1)))
            at = sorted(rng.sample(range(1, len(paragraphs)), len(headings)))
            for offset, (where, heading) in enumerate(zip(at, headings, strict=True)):
                paragraphs.insert(where + offset, heading)
                kinds.insert(where + offset, "h")
            feats.add("section_headings")
        gold.paragraphs, gold.kinds = paragraphs, kinds
        printed.paragraphs = [(self.p(text), kind) for text, kind in zip(paragraphs, kinds, strict=True)]
        if year is not None and rng.random() < 0.6:
            text, kind = printed.paragraphs[0]
            spaced = " ".join(year) + " 年"
            printed.paragraphs[0] = (re.sub(rf"{year}\s*年", spaced, text, count=1), kind)
            feats.add("spaced_digits")
        self.opening_when = opening_when
        # dateline
        if not fragment:
            dateline = rng.choices(("科学导报讯 ", "科学导报 ", ""), weights=(75, 13, 12))[0]
            if dateline == "科学导报 ":
                feats.add("dateline_short")
            elif not dateline:
                feats.add("no_dateline")
            self.dateline = dateline
        else:
            self.dateline = ""

    def bylines(self, gold, printed, feats, fragment: bool, going_on: bool) -> None:
        rng = self.rng
        names = self.pick_names(rng.choices((1, 2, 3), weights=(6, 3, 1))[0])
        where = rng.choices(("start", "end", "own", "none"), weights=(28, 50, 8, 14))[0]
        if where == "start" and (fragment or not self.dateline.startswith("科学导报")):
            where = "end"
        if going_on and where in ("end", "own"):
            where = "none"  # the byline is printed where the article ends, on the other page
        first_text, first_kind = printed.paragraphs[0]
        if where == "start":
            roles = rng.choice((("记者", "通讯员"), ("记者", "记者"), ("通讯员", "通讯员"), ("记者", "")))
            parts = [f"{roles[0]}{rng.choice(('', ' '))}{names[0]}"]
            for k, name in enumerate(names[1:]):
                parts.append(f"{roles[1]}{name}" if k == 0 and roles[1] else name)
            when = self.opening_when
            glue_safe = when in ("近日", "日前", "今年以来") or when.startswith("为") or re.match(r"\d+月\d+日$", when)
            glue = bool(glue_safe) and first_text.startswith(when) and rng.random() < 0.45
            if glue:
                feats.add("byline_start_glued")
            feats.add("byline_start")
            printed.paragraphs[0] = (self.dateline + " ".join(parts) + ("" if glue else " ") + first_text, first_kind)
            gold.authors = names
            return
        printed.paragraphs[0] = (self.dateline + first_text, first_kind)
        if where == "none":
            feats.add("no_byline")
            return
        gold.authors = names
        if where == "own":
            feats.add("byline_own_line")
            printed.byline_line = rng.choice(("", "■ ", "姻 ")) + " ".join(names)
            return
        style = rng.choices(("plain", "glued", "square", "paren"), weights=(45, 15, 22, 18))[0]
        if style == "glued" and len(names) > 1:
            style = "plain"
        if style == "plain":
            printed.tail = rng.choice((" ", "  ")) + " ".join(names)
        elif style == "glued":
            printed.tail = names[0]
        elif style == "square":
            printed.tail = rng.choice((" ■ ", " 姻 ", "■", " ■")) + " ".join(names)
        else:
            printed.tail = self.p(f"（{' '.join(names)}）")
        feats.add(f"byline_end_{style}")

    def pick_names(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            name = self.rng.choice(self.names)
            if name not in names:
                names.append(name)
        return names

    def caption(self, gold: GoldArticle, printed: _Printed, feats: set[str], zone: ZoneEntry | None) -> None:
        rng = self.rng
        subject = (zone.short or zone.name) if zone is not None else rng.choice(("园区", "开发区", "企业"))
        used = {c.text for c in gold.captions}
        text = rng.choice([subject + scene for scene in CAPTION_SCENES if subject + scene not in used])
        kind = rng.choices(("square", "given", "paren", "uncredited"), weights=(35, 25, 15, 25))[0]
        if kind == "square":
            name = rng.choice(self.names)
            credit = f"{name}摄"
            line = text + rng.choice((" 姻 ", " 姻", "■", " ■ ")) + credit
            gold.captions.append(GoldCaption(text, credit, name))
        elif kind == "given":
            org = rng.choice(GIVEN_ORGS)
            if zone is not None and zone.short and rng.random() < 0.5:
                org = zone.short
            credit = f"{org}供图"
            line = text + rng.choice(("", " ", " ■ ", "■")) + credit
            gold.captions.append(GoldCaption(text, credit, None))
        elif kind == "paren":
            name = rng.choice(self.names)
            line = text + f"（{name} 摄）"
            gold.captions.append(GoldCaption(text, f"{name}摄", name))
        else:
            credit = rng.choice((None, "资料图", "供图"))
            line = text + (rng.choice(("", " ")) + credit if credit else "")
            gold.captions.append(GoldCaption(text, credit, None))
        narrow = self.layout == HEADING_LAST
        placements = ("before_body", "after_heading", "mid_sentence") if narrow else ("under_heading", "between", "mid")
        placement = rng.choices(placements, weights=(35, 25, 40))[0]
        if kind == "uncredited" or zone is None or (gold.title is None and placement in placements[:2]):
            # A picture without a credit is told from text only where it cuts a sentence; one that names no
            # zone belongs to the article it cuts into (between two articles it could be either's).
            placement = placements[-1]
        printed.captions.append(_PrintedCaption(self.p(line), placement, kind, gold.captions[-1]))

    # --- wide layout ---------------------------------------------------------------------------
    def heading_first(self, articles: list[tuple[GoldArticle, _Printed]]) -> list[tuple[str, int]]:
        """Blocks separated by blank lines; a block's lines (a two-line title) follow each other."""
        rng = self.rng
        out: list[tuple[str, int]] = []
        for gold, pr in articles:
            if pr.marker_from:
                out.append((pr.marker_from, 1))
            if pr.kicker:
                out.append((pr.kicker, 1))
            for k, line in enumerate(pr.title_lines):
                mark = "## " if self.marks and k == 0 else ""
                out.append((mark + line, 1 if k == 0 else 0))
            if pr.subtitle:
                out.append((pr.subtitle, 1))
            for caption in pr.captions:
                if caption.placement == "under_heading":
                    out.append((caption.line, 3))
                    caption.placed = "apart"
            mids = [c for c in pr.captions if c.placement == "mid"]
            betweens = [c for c in pr.captions if c.placement == "between"]
            body_indices = [k for k, (_, kind) in enumerate(pr.paragraphs) if kind == "p"]
            last = body_indices[-1]
            pr.paragraphs[last] = (pr.paragraphs[last][0] + pr.tail, "p")
            cut_candidates = [
                k for k in body_indices if len(pr.paragraphs[k][0]) - (len(pr.tail) if k == last else 0) > 60
            ]
            cuts: dict[int, list[_PrintedCaption]] = {}
            for caption in mids:
                if cut_candidates:
                    cuts.setdefault(rng.choice(cut_candidates), []).append(caption)
                else:
                    caption.placed = "dropped"
            for k in cut_candidates:
                if k not in cuts and rng.random() < 0.2:
                    cuts[k] = []
            between_at: dict[int, list[_PrintedCaption]] = {}
            for caption in betweens:
                between_at.setdefault(rng.randrange(len(pr.paragraphs)), []).append(caption)
            for k, (text, _kind) in enumerate(pr.paragraphs):
                if k in cuts:
                    at = _cut_point(text[: len(text) - len(pr.tail)] if k == last else text, rng)
                    if at is None:
                        out.append((text, 1))
                        for caption in cuts[k]:
                            caption.placed = "dropped"
                    else:
                        if not cuts[k]:
                            gold.features.add("column_cut")
                        out.append((text[:at], 1))
                        for caption in cuts[k]:
                            out.append((caption.line, 3))
                            self.interruptions.append(caption.line)
                            caption.placed = "mid"
                        out.append((text[at:], rng.choice((1, 1, 3)) if not cuts[k] else 1))
                else:
                    out.append((text, 1))
                for caption in between_at.get(k, []):
                    out.append((caption.line, 1))
                    caption.placed = "apart"
            if pr.marker_to_line:
                out.append((pr.marker_to_line, 1))
            if pr.byline_line:
                out.append((pr.byline_line, 1))
        return out

    # --- narrow layout -------------------------------------------------------------------------
    def heading_last(self, articles: list[tuple[GoldArticle, _Printed]]) -> list[tuple[str, int]]:
        """One column line a line, a blank line between lines; the body first, the heading after it."""
        rng = self.rng
        width = self.width
        assert width is not None
        had_heading = True
        out: list[tuple[str, int]] = []
        for _gold, pr in articles:
            after_body = bool(out) and not had_heading
            for caption in pr.captions:
                if caption.placement == "before_body":  # seed 001: right under the previous article's last line
                    out.append((caption.line, rng.choice((0, 1)) if after_body else 1))
                    caption.placed = "apart"
            if pr.marker_from:
                out.append((pr.marker_from, 1))
            body: list[tuple[str, int]] = []
            for k, (text, kind) in enumerate(pr.paragraphs):
                if kind == "h":
                    body.append((text, 1))
                    continue
                after_heading = k > 0 and pr.paragraphs[k - 1][1] == "h"
                lines = _column_lines(text, width, indent=not after_heading or rng.random() < 0.5)
                if k == len(pr.paragraphs) - 1:
                    lines[-1] += pr.tail  # the byline stays whole at the end of the last line
                for n, line in enumerate(lines):
                    blank = 0 if (n == 0 and after_heading) else 1
                    if n > 0 and re.search(r"[A-Za-z0-9%]$", lines[n - 1]) and rng.random() < 0.5:
                        blank = 0  # seed 003: "可容纳 3000" then "人就餐的" with no blank line
                        self.line_no_blank = True
                    body.append((line, blank))
            for caption in pr.captions:
                if caption.placement != "mid_sentence":
                    continue
                spots = [
                    n
                    for n in range(1, len(body) - 1)
                    if body[n][1] == 1 and body[n - 1][0][-1:] not in SENTENCE_END + "”；："
                ]
                if not spots:
                    caption.placed = "dropped"
                    continue
                n = rng.choice(spots)
                body.insert(n, (caption.line, 1))
                self.interruptions.append(caption.line)
                caption.placed = "mid"
            out.extend(body)
            if pr.marker_to_line:
                out.append((pr.marker_to_line, 1))
            if pr.kicker:
                out.append((pr.kicker, 1))
            for k, line in enumerate(pr.title_lines):
                out.append((line, 1 if k == 0 else 0))
            if pr.subtitle:
                out.append((pr.subtitle, 0))
            if pr.byline_line:
                out.append((pr.byline_line, 0 if pr.title_lines else 1))
            for caption in pr.captions:
                if caption.placement == "after_heading":
                    out.append((caption.line, 1))
                    caption.placed = "apart"
            had_heading = bool(pr.title_lines)
        return out


def _settle_captions(gold: GoldArticle, printed: _Printed) -> None:
    """The gold keeps the captions the page prints; their features say how they were printed."""
    for caption in printed.captions:
        assert caption.placed, caption
    kept = [c for c in printed.captions if c.placed != "dropped"]
    gold.captions = [c.gold for c in kept]
    gold.features |= {f"caption_{c.kind}" for c in kept}
    if any(c.placed == "mid" for c in kept):
        gold.features.add("caption_mid_sentence")


def _cut_point(text: str, rng: random.Random) -> int | None:
    """Where a column break may cut a wide paragraph: inside a sentence, never right after its end."""
    spots = [
        k
        for k in range(25, len(text) - 25)  # a shorter piece could pass for a 小标题
        if text[k - 1] not in SENTENCE_END + "；：”"
        and text[k] not in CLOSING
        and text[k - 1] not in OPENING
        and not (text[k - 1].isascii() and text[k].isascii())
    ]
    return rng.choice(spots) if spots else None


def _tokens(text: str) -> list[tuple[str, float, float]]:
    """Units a column line may not split: (text, width, width of hanging punctuation at its end).

    An ASCII run (even spaced digits) stays whole; closing punctuation hangs on the unit before it,
    opening punctuation goes with the unit after it."""
    raw = re.findall(r"\d+ ?伊 ?\d+|[A-Za-z0-9.%+\-/]+(?: [A-Za-z0-9.%+\-/]+)*| |.", text)
    units: list[list[str]] = []
    pending = ""
    for piece in raw:
        if piece in OPENING or piece == "(":
            pending += piece
            continue
        if units and (piece in HANGING or piece == " ") and not pending:
            units[-1].append(piece)
            continue
        units.append([pending + piece])
        pending = ""
    if pending:
        units.append([pending])
    out = []
    for unit in units:
        base, hang = unit[0], "".join(unit[1:])
        out.append((base + hang, display_width(base + hang), display_width(hang)))
    return out


def _column_lines(text: str, width: int, indent: bool = True) -> list[str]:
    """A paragraph set in a narrow column: the first line two characters short (the indent)."""
    lines: list[str] = []
    current, used = "", 0.0
    target = width - 2 if indent else width
    for unit, unit_width, hang in _tokens(text):
        if current and used + unit_width - hang > target:
            lines.append(current.strip())
            current, used, target = "", 0.0, width
        current += unit
        used += unit_width
    if current.strip():
        lines.append(current.strip())
    return lines


def _narrow_set(title: str, rng: random.Random) -> list[str]:
    """A title set in lines of 4–6 characters, as seed 001 prints 扎实推动项/目建设驶入/“快车道”."""
    units = [u for u, _, _ in _tokens(title)]
    size = rng.randint(4, 6)
    lines, current = [], ""
    for unit in units:
        if current and display_width(current + unit) > size:
            lines.append(current)
            current = ""
        current += unit
    if current:
        lines.append(current)
    return lines


def generate_page(seed: int) -> GeneratedPage:
    """One page with its gold; the same seed always gives the same page."""
    return _Composer(seed).page()


def page_seed(run_seed: int, index: int) -> int:
    """The seed of page ``index`` in a run of pages started with ``run_seed``."""
    return run_seed * 1_000_003 + index
