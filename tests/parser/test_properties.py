"""Property tests: the parser never crashes, and every Chinese character printed ends up somewhere."""

import re
import unicodedata
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.parsing import parse_page

from .conftest import seed_text

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Repaired Founder-font artifacts: 姻 before a credit or name, 伊 between numbers (the spec, written independently).
SQUARE_ARTIFACT = re.compile(r"(?:^|(?<=[\s。！？”]))姻(?=\s|[\u4e00-\u9fff]{2,4}摄)")
TIMES_ARTIFACT = re.compile(r"(?<=\d)\s*伊\s*(?=\d)")


def cjk_in(text: str) -> Counter:
    return Counter(CJK.findall(text))


def expected_cjk(raw: str) -> Counter:
    counts = Counter()
    for line in unicodedata.normalize("NFC", raw.replace("\r", "\n")).split("\n"):
        line = line.strip().lstrip("#").strip()
        counts += cjk_in(line)
        counts -= Counter({"姻": len(SQUARE_ARTIFACT.findall(line)), "伊": len(TIMES_ARTIFACT.findall(line))})
    return counts


def printed_cjk(page) -> Counter:
    parts = [page.masthead or "", *page.leftovers]
    for article in page.articles:
        parts += [article.kicker, article.title, article.subtitle, article.dateline, article.byline]
        parts += [p.text for p in article.paragraphs]
        parts += [f"{c.text} {c.credit or ''}" for c in article.captions]
        parts += article.continuation_markers
    return cjk_in(" ".join(p for p in parts if p))


def assert_nothing_lost(raw: str) -> None:
    page = parse_page(raw)
    missing = expected_cjk(raw) - printed_cjk(page)
    assert not missing, f"characters lost: {dict(missing)}"


TOKENS = [
    "科学导报讯",
    "记者",
    "通讯员",
    "王波",
    "张伦",
    "欧阳明",
    "经济技术开发区",
    "经开区",
    "开发区",
    "示范区",
    "长子",
    "风陵渡",
    "综改区",
    "唐槐",
    "园区",
    "摄",
    "供图",
    "上接",
    "下转",
    "版",
    "D1",
    "年第",
    "期",
    "2024",
    "姻",
    "伊",
    "■",
    "——",
    "—",
    "“",
    "”",
    "。",
    "，",
    "、",
    "；",
    "：",
    "？",
    "！",
    "（",
    "）",
    "(",
    ")",
    ",",
    ".",
    ":",
    ";",
    "!",
    "?",
    "#",
    "##",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n\n\n",
    "\r\n",
    "\t",
    "\u3000",
    "7",
    "24",
    "3 月 20 日",
    "项目",
    "建设",
    "新质生产力",
    "强调",
    "的",
    "在",
    "为",
    "深入",
    "贯彻",
    "落实",
    "婚姻",
    "\uf900",
    "e\u0301",
    "A",
    "z",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=120).map("".join))
def test_never_crashes_and_loses_nothing_on_token_soup(raw):
    assert_nothing_lost(raw)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_never_crashes_on_arbitrary_unicode(raw):
    assert_nothing_lost(raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["000", "001", "002", "003", "004"]),
    st.lists(st.integers(min_value=0, max_value=800), max_size=30),
    st.randoms(use_true_random=False),
)
def test_seed_pages_with_lines_dropped_or_shuffled(prefix, drops, rnd):
    lines = seed_text(prefix).split("\n")
    for index in sorted(set(drops), reverse=True):
        if index < len(lines):
            del lines[index]
    if rnd.random() < 0.3:
        start = rnd.randrange(len(lines))
        chunk = lines[start : start + 12]
        rnd.shuffle(chunk)
        lines[start : start + 12] = chunk
    assert_nothing_lost("\n".join(lines))


def test_seed_pages_lose_nothing():
    for prefix in ("000", "001", "002", "003", "004"):
        assert_nothing_lost(seed_text(prefix))
