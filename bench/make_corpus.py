"""Synthetic page files for benchmarks, in the two layouts of the seed pages.

    .venv/bin/python bench/make_corpus.py --pages 400 --out /tmp/corpus --seed 1
    .venv/bin/python bench/make_corpus.py --articles 2000 --out /tmp/corpus

Sentences are recombined from the seed pages' bodies; titles from the seed titles (halves joined by a
space, as printed); zones come from articles/data/shanxi_zones.csv, spread over the cities about as
in the seeds; bylines are made-up names (a few frequent ones, many rare ones). Each article is

    zone line (most of them), title, "科学导报讯 …" body paragraphs, byline at the end of the last one

in the heading-first layout (long paragraphs), or, on about 40% of the pages, the body in narrow
~15-character column lines with the byline, then the zone line and title after it (heading-last).
Four pages make an issue (D1–D4, weekly); D1 pages print the masthead (2024年第16期 …) and every page
is listed in manifest.csv, the format ``manage.py ingest`` reads. Deterministic for a given --seed.

Every page is parsed with the real parser (articles.parsing.parse_page) and compared with what was
meant (number of articles, kickers, titles, authors, zone and city); the few pages the parser reads
differently (a narrow column line that happens to look like a zone line) are drawn again, and counted
on stderr. So the corpus parses into exactly the intended articles.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.parsing import Gazetteer, parse_page  # noqa: E402
from articles.parsing.people import SURNAMES  # noqa: E402
from articles.parsing.zones import ZoneFinder  # noqa: E402

SEEDS = ROOT / "seeds"
PAGES_PER_ISSUE = 4
FIRST_ISSUE = datetime.date(2005, 1, 7)  # a Friday; one issue a week from here
NARROW_SHARE = 0.4  # seeds: 2 of 5 pages in narrow columns
NARROW_WIDTH = 15
# Articles per city in the seed pages (primary zone), plus one so every city occurs.
CITY_WEIGHTS = {
    "太原市": 4,
    "大同市": 3,
    "阳泉市": 1,
    "长治市": 5,
    "晋城市": 2,
    "朔州市": 4,
    "晋中市": 1,
    "运城市": 6,
    "忻州市": 2,
    "临汾市": 7,
    "吕梁市": 1,
}
NO_ZONE_SHARE = 0.2  # seeds: 5 of 25 articles have no zone line
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志鹏飞波宇慧晶婷雪琳浩凯亮斌彤欣怡佳悦"
OPENINGS = ("近日", "日前", "今年以来", "一季度以来", "{month}月{day}日")
ACTIONS = (
    "召开项目推进会",
    "召开招商引资工作调度会",
    "召开项目评审会",
    "实施五大行动打造开发区建设升级版",
    "扎实推动项目建设驶入“快车道”",
    "举行重点项目集中开工仪式",
    "开展优化营商环境专项行动",
    "组织企业参加产业链招商推介会",
    "加快培育新质生产力",
    "推进“管运分离”改革",
)
SENTENCE_RE = re.compile(r"[^。！？]+[。！？]+[”’」』]*")
EXCLUDED = ("科学导报讯", "上接", "下转", "■", "摄", "#", "（", "(")


@dataclass
class IntendedArticle:
    kicker: str | None
    title: str
    authors: list[str]
    zone: str | None
    city: str | None  # short name, e.g. 运城


@dataclass
class GeneratedPage:
    name: str
    text: str
    layout: str  # heading_first / heading_last
    issue_year: int
    issue_number: int
    date: datetime.date
    label: str
    articles: list[IntendedArticle] = field(default_factory=list)


@dataclass
class Material:
    sentences: list[str]
    title_parts: list[str]
    titles: list[str]
    zones_by_city: dict[str, list[str]]
    city_short: dict[str, str]


def _load_material() -> Material:
    gazetteer = Gazetteer.from_csv()
    finder = ZoneFinder(gazetteer)
    sentences: list[str] = []
    titles: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        page = parse_page(path.read_text(encoding="utf-8"), gazetteer)
        for article in page.articles:
            if article.title and 6 <= len(article.title) <= 30:
                titles.append(article.title)
            for paragraph in article.paragraphs:
                if paragraph.kind != "p":
                    continue
                for sentence in SENTENCE_RE.findall(paragraph.text):
                    sentence = sentence.strip()
                    if 12 <= len(sentence) <= 120 and not any(mark in sentence for mark in EXCLUDED):
                        sentences.append(sentence)
    parts = sorted({part for title in titles for part in title.split() if 4 <= len(part) <= 14})
    zones_by_city: dict[str, list[str]] = {}
    for zone in gazetteer.zones:
        # Only zones whose printed name the parser reads back as that zone, on a line of its own.
        found = finder.find(zone.name)
        if zone.city in CITY_WEIGHTS and found and found[0].zone == zone.name and len(found) == 1:
            zones_by_city.setdefault(zone.city, []).append(zone.name)
    city_short = {city.name: city.short for city in gazetteer.cities}
    return Material(sorted(set(sentences)), parts, sorted(set(titles)), zones_by_city, city_short)


class Generator:
    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.material = _load_material()
        self.cities = [city for city in CITY_WEIGHTS if self.material.zones_by_city.get(city)]
        self.city_weights = [CITY_WEIGHTS[city] for city in self.cities]
        names = set()
        pool_rng = random.Random(seed + 7919)
        surnames = sorted(SURNAMES)
        while len(names) < 400:
            given = "".join(pool_rng.choice(GIVEN) for _ in range(pool_rng.choice((1, 2, 2))))
            names.add(pool_rng.choice(surnames[:60]) + given)
        self.authors = sorted(names)
        pool_rng.shuffle(self.authors)
        # Zipf-like: a few staff reporters write much of the supplement.
        self.author_weights = [1.0 / (rank + 1) for rank in range(len(self.authors))]
        self.redrawn: list[str] = []  # pages drawn again because the parser read them differently

    # --- pieces --------------------------------------------------------------------------------
    def title(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(self.material.titles)
        first, second = rng.sample(self.material.title_parts, 2)
        return f"{first} {second}"

    def byline(self) -> list[str]:
        count = self.rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        chosen: list[str] = []
        while len(chosen) < count:
            name = self.rng.choices(self.authors, weights=self.author_weights)[0]
            if name not in chosen:
                chosen.append(name)
        return chosen

    def paragraphs(self, zone: str | None, city: str | None) -> list[str]:
        rng = self.rng
        opening = rng.choice(OPENINGS).format(month=rng.randint(1, 12), day=rng.randint(1, 28))
        subject = zone or f"{city}市"
        first = f"{opening}，{subject}{rng.choice(ACTIONS)}。"
        paragraphs = []
        for index in range(rng.randint(2, 6)):
            sentences = rng.sample(self.material.sentences, rng.randint(2, 5))
            if index == 0:
                sentences.insert(0, first)
            paragraphs.append("".join(sentences))
        return paragraphs

    def article(self, narrow: bool) -> tuple[IntendedArticle, list[str]]:
        """One article; in narrow columns always with a zone line: there a title-only heading after the
        body would have to be wider than the column to stand out (as in seed 001)."""
        rng = self.rng
        city = rng.choices(self.cities, weights=self.city_weights)[0]
        no_zone = not narrow and rng.random() < NO_ZONE_SHARE / (1 - NARROW_SHARE)
        zone = None if no_zone else rng.choice(self.material.zones_by_city[city])
        authors = self.byline()
        intended = IntendedArticle(
            kicker=zone,
            title=self.title(),
            authors=authors,
            zone=zone,
            city=self.material.city_short[city] if zone else None,
        )
        return intended, self.paragraphs(zone, self.material.city_short[city])

    # --- layouts -------------------------------------------------------------------------------
    @staticmethod
    def masthead(year: int, number: int, date: datetime.date, label: str) -> str:
        weekday = "一二三四五六日"[date.weekday()]
        return (
            "# 开发区建设\n\n专刊\n\n打造开发区建设升级版\n决胜高质量发展新战场\n\n山西省商务厅 指导\n\n"
            f"{year}年第{number}期 {date.year}年{date.month}月{date.day}日 星期{weekday} {label}版 "
            "邮发代号:21-465\n\n"
        )

    def heading_first(self, articles: list[tuple[IntendedArticle, list[str]]], marked: bool) -> str:
        blocks = []
        for intended, paragraphs in articles:
            if intended.kicker:
                blocks.append(intended.kicker)
            blocks.append(("## " if marked else "") + intended.title)
            body = list(paragraphs)
            body[0] = "科学导报讯 " + body[0]
            body[-1] = body[-1] + " ".join(intended.authors)
            blocks.extend(body)
        return "\n\n".join(blocks) + "\n"

    @staticmethod
    def narrow(paragraph: str) -> list[str]:
        lines, first = [], True
        while paragraph:
            take = NARROW_WIDTH - 2 if first else NARROW_WIDTH
            lines.append(paragraph[:take])
            paragraph = paragraph[take:]
            first = False
        if len(lines) > 1 and len(lines[-1]) <= 2:  # a closing quote or stop hangs at the line's end
            tail = lines.pop()
            lines[-1] += tail
        return lines

    def heading_last(self, articles: list[tuple[IntendedArticle, list[str]]]) -> str:
        blocks = []
        for intended, paragraphs in articles:
            body = list(paragraphs)
            body[0] = "科学导报讯 " + body[0]
            lines = [line for paragraph in body for line in self.narrow(paragraph)]
            # The byline stays whole at the end of the last line (which may run past the column).
            lines[-1] = lines[-1] + " " + " ".join(intended.authors)
            blocks.extend(lines)
            if intended.kicker:
                blocks.append(intended.kicker)
            blocks.append(intended.title)
        return "\n\n".join(blocks) + "\n"

    # --- pages ---------------------------------------------------------------------------------
    def page(self, index: int, count: int) -> GeneratedPage:
        issue_index, page_index = divmod(index, PAGES_PER_ISSUE)
        date = FIRST_ISSUE + datetime.timedelta(weeks=issue_index)
        number = (date - datetime.date(date.year, 1, 1)).days // 7 + 1
        label = f"D{page_index + 1}"
        narrow = self.rng.random() < NARROW_SHARE
        articles = [self.article(narrow) for _ in range(count)]
        masthead = self.masthead(date.year, number, date, label) if page_index == 0 else ""
        if narrow:
            text = masthead + self.heading_last(articles)
            layout = "heading_last"
        else:
            text = masthead + self.heading_first(articles, marked=bool(masthead))
            layout = "heading_first"
        name = f"{date.year}-{number:02d}-{label}.txt"
        return GeneratedPage(name, text, layout, date.year, number, date, label, [a for a, _ in articles])

    def pages(self, pages: int | None = None, articles: int | None = None, check: bool = True) -> list[GeneratedPage]:
        """``pages`` pages of 3–7 articles, or pages until exactly ``articles`` articles.

        With ``check``, a page the parser reads differently from what was meant (a column line that
        happens to look like a zone line, say) is drawn again; ``self.redrawn`` counts them.
        """
        out: list[GeneratedPage] = []
        total = 0
        gazetteer = Gazetteer.from_csv() if check else None
        while (pages is not None and len(out) < pages) or (articles is not None and total < articles):
            count = self.rng.randint(3, 7)
            if articles is not None:
                count = min(count, articles - total)
            for _attempt in range(20):
                page = self.page(len(out), count)
                if not check or not check_page(page, gazetteer):
                    break
                self.redrawn.append(page.name)
            else:
                raise SystemExit(f"could not draw a page that parses as meant: {page.name}")
            out.append(page)
            total += count
        return out


def check_page(page: GeneratedPage, gazetteer: Gazetteer | None = None) -> list[str]:
    """Differences between what the page was meant to hold and what the parser reads from it."""
    parsed = parse_page(page.text, gazetteer)
    problems = []
    if parsed.layout != page.layout:
        problems.append(f"{page.name}: layout {parsed.layout}, meant {page.layout}")
    if len(parsed.articles) != len(page.articles):
        problems.append(f"{page.name}: {len(parsed.articles)} articles, meant {len(page.articles)}")
        return problems
    for got, meant in zip(parsed.articles, page.articles, strict=True):
        if (got.kicker, got.title, got.authors) != (meant.kicker, meant.title, meant.authors):
            problems.append(
                f"{page.name} #{got.position}: got {(got.kicker, got.title, got.authors)}, "
                f"meant {(meant.kicker, meant.title, meant.authors)}"
            )
        elif meant.zone and (got.zone, got.city) != (meant.zone, meant.city):
            problems.append(f"{page.name} #{got.position}: zone {got.zone}/{got.city}, meant {meant.zone}/{meant.city}")
    return problems


def write_corpus(pages: list[GeneratedPage], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for page in pages:
        (out / page.name).write_text(page.text, encoding="utf-8")
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "issue_year", "issue_number", "date", "page_label", "note"])
        for page in pages:
            writer.writerow(
                [page.name, page.issue_year, page.issue_number, page.date.isoformat(), page.label, "synthetic"]
            )


def make_corpus(
    out: Path, *, pages: int | None = None, articles: int | None = None, seed: int = 0, check: bool = True
) -> list[GeneratedPage]:
    generator = Generator(seed)
    generated = generator.pages(pages=pages, articles=articles, check=check)
    if generator.redrawn:
        print(
            f"{len(generator.redrawn)} pages drawn again (the parser read them differently): "
            + ", ".join(generator.redrawn[:10]),
            file=sys.stderr,
        )
    write_corpus(generated, out)
    return generated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--pages", type=int, help="number of page files")
    size.add_argument("--articles", type=int, help="number of articles (pages × ~5)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the *.txt files and manifest.csv")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-check", action="store_true", help="skip parsing every page back")
    args = parser.parse_args(argv)
    generated = make_corpus(args.out, pages=args.pages, articles=args.articles, seed=args.seed, check=not args.no_check)
    layouts = Counter(page.layout for page in generated)
    total = sum(len(page.articles) for page in generated)
    chars = sum(len(page.text) for page in generated)
    print(
        f"{len(generated)} pages, {total} articles, {chars} characters ({dict(layouts)}) in {args.out}"
        + ("" if args.no_check else "; every page parses as meant"),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
