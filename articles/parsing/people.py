"""Bylines, datelines and photo captions: who wrote or photographed what."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Caption
from .text import CJK_CHARS, ends_sentence, is_cjk

# Common Chinese surnames (single character), plus rarer ones seen in this paper (畅, 进).
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦"
    "褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘"
    "池查麻苑迟邝畅进原郜智暴杭茹相权索弓阴候雒栗冀宿薄扈药"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
)

DATELINE_RE = re.compile(r"^(科学导报讯|科学导报|本报讯)(?=\s|[（(]|\d|[" + CJK_CHARS + r"])\s*")
_ROLE = r"(?:本报|特约|见习|实习)?(?:记者|通讯员|实习生)"
ROLE_RE = re.compile(_ROLE)
# The byline region at the start of a body: role words and names; the last name may be glued to the text.
OPENING_BYLINE_RE = re.compile(rf"^(?:{_ROLE}\s*[{CJK_CHARS}]{{2,4}}(?:\s+[{CJK_CHARS}]{{2,4}})*\s*)+")
# Words that begin the first sentence of a news story, to find where a glued name ends.
SENTENCE_OPENERS = (
    "为",
    "在",
    "近日",
    "日前",
    "近年来",
    "近期",
    "今年",
    "去年",
    "据",
    "随着",
    "目前",
    "截至",
    "从",
    "自",
    "当",
    "由",
    "以",
    "对",
    "经",
    "围绕",
    "按照",
    "根据",
    "日",
    "上午",
    "下午",
    "连日来",
    "年初",
    "春节",
    "本报",
)
CREDIT_MARK = "■"
PHOTO_CREDIT_RE = re.compile(
    rf"^(?P<text>.*?)\s*{CREDIT_MARK}?\s*(?P<credit>(?P<who>(?:(?:记者|通讯员)\s*)?[{CJK_CHARS}]{{2,4}}"
    rf"(?:\s+[{CJK_CHARS}]{{2,4}})*)\s*摄)$"
)
GIVEN_PHOTO_RE = re.compile(
    rf"^(?P<text>.*?[。！？”\s])\s*{CREDIT_MARK}?\s*(?P<credit>[{CJK_CHARS}A-Za-z]{{2,16}}供图)$"
)
# A credit in parentheses: "……厂房。（张三 摄）", "（临汾经开区供图）", "（资料图）".
PAREN_CREDIT_RE = re.compile(
    rf"^(?P<text>.*?)\s*[（(]\s*(?P<credit>(?:(?:本报)?(?:记者|通讯员)\s*)?(?P<who>[{CJK_CHARS}]{{2,4}}(?:[\s、]+"
    rf"[{CJK_CHARS}]{{2,4}})*)\s*摄|[{CJK_CHARS}A-Za-z]{{2,16}}供图|资料图片?)\s*[）)]$"
)
# A picture's source without a name, after its description: "……全景。资料图".
SOURCE_ONLY_RE = re.compile(r"^(?P<text>.*[。！？”])\s*(?P<credit>资料图片?|效果图|示意图|供图)$")
TRAILING_BYLINE_RE = re.compile(
    rf"^(?P<text>.*?[。！？…”」』）)])\s*(?P<byline>{CREDIT_MARK}?\s*[{CJK_CHARS}]{{2,4}}(?:\s+[{CJK_CHARS}]{{2,4}}){{0,4}})$"
)
# Names in parentheses after the last sentence: "……良好发展态势。（陆勇）".
PAREN_BYLINE_RE = re.compile(
    rf"^(?P<text>.*?[。！？…”」』])\s*[（(]\s*"
    rf"(?P<byline>[{CJK_CHARS}]{{2,4}}(?:[\s、]+[{CJK_CHARS}]{{2,4}}){{0,4}})\s*[）)]$"
)


def is_person_name(token: str) -> bool:
    if not all(is_cjk(char) for char in token):  # 全省： is a heading's lead, not 全 the surname
        return False
    if token.startswith(COMPOUND_SURNAMES):
        return 3 <= len(token) <= 4
    return 2 <= len(token) <= 3 and token[0] in SURNAMES


def names_in(byline: str) -> list[str] | None:
    """The names in a names-only byline ("■ 畅雪 任逢春", "何志敏 杨润枫"), or None if it is not one."""
    tokens = byline.replace(CREDIT_MARK, " ").split()
    names = []
    for token in tokens:
        token = ROLE_RE.sub("", token)
        if not token:
            continue
        if not is_person_name(token):
            return None
        names.append(token)
    return names or None


def is_byline_only(text: str) -> bool:
    text = text.strip()
    if text.startswith(CREDIT_MARK) or ROLE_RE.match(text):
        return names_in(ROLE_RE.sub(" ", text)) is not None
    return len(text) <= 16 and names_in(text) is not None


@dataclass
class Opening:
    dateline: str | None
    byline: str | None
    authors: list[str]
    text: str  # the paragraph with dateline and byline taken off
    uncertain: bool = False  # where a glued name ended was a guess


def split_opening(paragraph: str) -> Opening:
    """Take the dateline (科学导报讯) and an opening byline (记者王波 通讯员张伦 王昱) off a first paragraph."""
    dateline = None
    match = DATELINE_RE.match(paragraph)
    if match:
        dateline = match.group(1)
        paragraph = paragraph[match.end() :]
    if not ROLE_RE.match(paragraph):
        return Opening(dateline, None, [], paragraph)
    authors: list[str] = []
    end = 0
    uncertain = False
    after_role = False  # the token before was a role word on its own: "记者 任逢春为…"
    for token in re.finditer(r"\S+", paragraph):
        word = token.group()
        role = ROLE_RE.match(word) or after_role
        name_start = token.start() + (ROLE_RE.match(word).end() if ROLE_RE.match(word) else 0)
        name = paragraph[name_start : token.end()]
        after_role = not name
        if not name:  # a role word on its own: "记者 王波"
            end = token.end()
            continue
        if is_person_name(name):
            authors.append(name)
            end = token.end()
            continue
        # The name runs into the story: "王昱为深入贯彻落实…"
        length, guessed = _glued_name_length(name)
        if is_person_name(name[:length]) and (role or authors):
            authors.append(name[:length])
            end = name_start + length
            uncertain = guessed  # only a name taken off the story can have been cut in the wrong place
        break
    if not authors:
        return Opening(dateline, None, [], paragraph)
    return Opening(dateline, paragraph[:end].strip(), authors, paragraph[end:].lstrip(), uncertain)


def _glued_name_length(run: str) -> tuple[int, bool]:
    for length in (2, 3):
        if run[length:].startswith(SENTENCE_OPENERS) or (len(run) > length and run[length].isdigit()):
            return length, False
    return (3, True) if not run.startswith(COMPOUND_SURNAMES) else (4, True)


@dataclass
class Ending:
    text: str | None  # the paragraph without its byline; None when the paragraph was only a byline
    byline: str | None
    authors: list[str]


def split_trailing_byline(paragraph: str) -> Ending:
    """Take a byline off the end of an article's last paragraph: "…新台阶。何志敏 杨润枫"."""
    if is_byline_only(paragraph):
        return Ending(None, paragraph.strip(), names_in(ROLE_RE.sub(" ", paragraph)) or [])
    for pattern in (TRAILING_BYLINE_RE, PAREN_BYLINE_RE):
        match = pattern.match(paragraph.strip())
        if match:
            names = names_in(match.group("byline").replace("、", " "))
            if names:
                return Ending(match.group("text"), match.group("byline").strip(), names)
    return Ending(paragraph, None, [])


def parse_caption(text: str) -> Caption | None:
    """A photo caption with its credit ("… ■ 梁琛摄", "…。临汾经开区供图"), or None."""
    text = text.strip()
    match = PHOTO_CREDIT_RE.match(text)
    if match and match.group("text") and (CREDIT_MARK in text or ends_sentence(match.group("text"))):
        who = names_in(match.group("who"))
        if who:
            return Caption(match.group("text").strip(), match.group("credit").replace(" ", ""), " ".join(who))
    match = GIVEN_PHOTO_RE.match(text)
    if match and len(text) <= 120:
        return Caption(match.group("text").strip(), match.group("credit"), None)
    match = PAREN_CREDIT_RE.match(text)
    if match and match.group("text") and len(text) <= 120:
        who = names_in(match.group("who")) if match.group("who") else []
        credit = re.sub(r"\s+", "", match.group("credit"))
        return Caption(match.group("text").strip(), credit, " ".join(who) or None)
    match = SOURCE_ONLY_RE.match(text)
    if match and len(text) <= 120:
        return Caption(match.group("text").strip(), match.group("credit"), None)
    return None
