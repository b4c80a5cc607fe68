"""What the page parser returns: plain data, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field

PARAGRAPH = "p"
SECTION_HEADING = "h"


@dataclass
class Paragraph:
    text: str
    kind: str = PARAGRAPH  # PARAGRAPH or SECTION_HEADING (a 小标题 inside the body)


@dataclass
class Caption:
    """A photo caption as printed: ``text`` without its credit, ``credit`` as printed ("梁琛摄", "综改区供图")."""

    text: str
    credit: str | None = None
    photographer: str | None = None  # the person in a "■ 梁琛摄" credit; None for "供图" credits


@dataclass
class ZoneMention:
    """A development zone found in text, by its canonical (gazetteer or discovered) full name."""

    name: str
    surface: str  # the form printed in the text, e.g. 长子经开区
    discovered: bool = False  # True when the zone is not in the gazetteer


@dataclass
class DiscoveredZone:
    """A zone named in text by pattern that the gazetteer does not know."""

    name: str
    place: str  # the place part, e.g. 怀仁
    kind: str  # 经济技术开发区, 经济开发区, ...
    city: str | None = None  # prefecture city full name (太原市) when the place is a known county or city
    county: str | None = None  # county full name when known


@dataclass
class ParsedArticle:
    position: int  # 1-based, in reading order on the page
    kicker: str | None = None  # 引题 / zone line above the title
    title: str | None = None
    subtitle: str | None = None  # 副题, e.g. ———…纪略 (dashes stripped)
    dateline: str | None = None  # "科学导报讯" as printed at the start of the body
    byline: str | None = None  # the byline exactly as printed, e.g. "记者王波 通讯员张伦 王昱"
    authors: list[str] = field(default_factory=list)  # names only
    paragraphs: list[Paragraph] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    continued_from: str | None = None  # page label of "(上接 D1 版)": "D1"
    continued_to: str | None = None  # page label of "(下转 D2 版)"
    continuation_markers: list[str] = field(default_factory=list)  # the markers as printed
    zone: str | None = None  # primary zone, canonical full name
    zones: list[str] = field(default_factory=list)  # every zone mentioned (primary first), canonical names
    city: str | None = None  # prefecture city short name, e.g. "运城"
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """Paragraphs joined by newlines; a paragraph never holds a line break."""
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class ParsedPage:
    parser_version: str
    layout: str  # "heading_first" or "heading_last"
    articles: list[ParsedArticle] = field(default_factory=list)
    masthead: str | None = None  # masthead block as printed (normalised)
    issue_year: int | None = None  # from "2024年第16期"
    issue_number: int | None = None
    issue_date: str | None = None  # ISO date when the masthead prints one
    page_label: str | None = None  # "D1" when the masthead prints one
    leftovers: list[str] = field(default_factory=list)  # page text that belongs to no article, kept verbatim
    discovered_zones: list[DiscoveredZone] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# What the parser may doubt, each with the Chinese name editors filter by. A warning reads
# "[code] 中文说明 (English)"; the code in brackets is what the admin's filter looks for.
WARNING_CODES = {
    "no_articles": "版面无文章",
    "page_too_short": "版面文字过少",
    "short_body": "正文过短",
    "no_title": "缺少标题",
    "title_is_zone": "标题只是开发区名",
    "heading_glued": "标题粘在正文开头",
    "no_body": "缺少正文",
    "byline_guessed": "署名分界为推测",
    "new_zone": "新发现的开发区",
    "ends_mid_sentence": "正文在句中结束",
    "starts_mid_sentence": "正文从句中开始",
    "heading_in_body": "正文中像标题的短行",
    "glued_articles": "正文中粘连了另一篇",
    "caption_in_body": "正文中像图片说明的文字",
    "heading_doubtful": "标题或副题可疑",
    "paragraphs_guessed": "段落分界为推测",
    "unpaired_marks": "引号或括号不成对",
    "artifact": "未修复的排版符号",
    "zone_without_city": "有开发区无城市",
}


def warning(code: str, text: str) -> str:
    """A warning as stored: its code in brackets, then what it says."""
    assert code in WARNING_CODES, code
    return f"[{code}] {text}"


def has_warning(warnings: list[str], code: str) -> bool:
    """Whether ``warnings`` (as ``warning`` writes them) hold one of ``code``."""
    return any(w.startswith(f"[{code}]") for w in warnings)
