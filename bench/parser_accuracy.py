"""How well the page parser reads generated pages whose gold is known.

    .venv/bin/python bench/parser_accuracy.py --pages 300 --seed 1
    .venv/bin/python bench/parser_accuracy.py --pages 300 --seed 1 --failures 5 --feature caption_paren
    .venv/bin/python bench/parser_accuracy.py --pages 300 --seed 1 --json

Pages come from tests/parser/generator.py (both layouts, the variations listed in its FEATURES); the
scoring is tests/parser/accuracy.py. Prints the overall field accuracy, the accuracy per feature (over
the articles that carry it), the share of wrong articles that carry at least one warning and the share of
right articles that do. Deterministic for a given --seed and --pages.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.parsing import parse_page  # noqa: E402
from tests.parser.accuracy import CORE_FIELDS, EXTRA_FIELDS, canon, score, summarize  # noqa: E402
from tests.parser.generator import generate_page, page_seed  # noqa: E402


def run(pages: int, seed: int) -> list[tuple[object, object, dict]]:
    out = []
    for index in range(pages):
        page = generate_page(page_seed(seed, index))
        try:
            parsed = parse_page(page.text)
        except Exception as error:  # a crash is measured, not raised: every article on the page is wrong
            print(f"page seed {page.seed}: parser raised {error!r}", file=sys.stderr)
            parsed = None
        out.append((page, parsed, score(page, parsed)))
    return out


def _pct(value: float) -> str:
    return f"{100 * value:5.1f}"


def print_table(summary: dict) -> None:
    columns = ("right", *CORE_FIELDS, *EXTRA_FIELDS)
    short = {
        "paragraph_kinds": "kinds",
        "body_text": "text",
        "continuation": "contin",
        "captions": "capt",
        "subtitle": "subt",
    }
    names = [short.get(c, c) for c in columns]
    print(
        f"{summary['pages']} pages, {summary['articles']} articles, "
        f"{summary['spurious_articles']} extra parsed articles matching no gold one, "
        f"{summary['crashed_pages']} pages where the parser raised"
    )
    print("right = every core field (found, title, zone, city, authors, body) right; figures in %\n")
    header = f"{'feature':28} {'n':>5} " + " ".join(f"{n:>7}" for n in names)
    print(header)
    print("-" * len(header))
    overall = summary["overall"]
    print(f"{'OVERALL':28} {summary['articles']:5d} " + " ".join(f"{_pct(overall[c]):>7}" for c in columns))
    print("-" * len(header))
    for feature, rates in sorted(summary["per_feature"].items(), key=lambda item: (item[1]["right"], item[0])):
        print(f"{feature:28} {rates['n']:5d} " + " ".join(f"{_pct(rates[c]):>7}" for c in columns))
    print()
    print(
        f"wrong articles carrying a warning: {_pct(summary['wrong_warned']).strip()}% "
        f"({summary['wrong_articles']} wrong articles)"
    )
    print(
        f"right articles carrying a warning: {_pct(summary['right_warned']).strip()}% "
        f"({summary['right_articles']} right articles)"
    )
    print(f"extra parsed articles carrying a warning: {_pct(summary['spurious_warned']).strip()}%")


def print_failures(results: list, limit: int, feature: str | None, field: str | None) -> None:
    shown = 0
    for page, parsed, scores in results:
        for gold, row in zip(page.gold, scores["articles"], strict=True):
            if row["right"] or (feature and feature not in row["features"]):
                continue
            wrong = [f for f in CORE_FIELDS + EXTRA_FIELDS if not row["fields"][f]]
            if field and field not in wrong:
                continue
            got = parsed.articles[row["parsed"]] if parsed is not None and row["parsed"] is not None else None
            print(f"\n=== page seed {page.seed} ({page.layout}, width {page.column_width}) wrong: {', '.join(wrong)}")
            print(f"features: {', '.join(sorted(gold.features))}")
            for name in ("kicker", "title", "subtitle", "authors", "zone", "city"):
                want, have = getattr(gold, name), getattr(got, name, None) if got is not None else None
                mark = "  " if (canon(str(want)) == canon(str(have))) else "!!"
                print(f"{mark} {name:9} gold={want!r}  parsed={have!r}")
            if got is not None:
                want_p = [canon(p) for p in gold.paragraphs]
                have_p = [canon(p.text) for p in got.paragraphs]
                if want_p != have_p:
                    print(f"!! body     gold {len(want_p)} paragraphs, parsed {len(have_p)}")
                    for k in range(max(len(want_p), len(have_p))):
                        w = want_p[k] if k < len(want_p) else ""
                        h = have_p[k] if k < len(have_p) else ""
                        if w != h:
                            print(f"   [{k}] gold:   {w[:70]}…{w[-30:]}")
                            print(f"   [{k}] parsed: {h[:70]}…{h[-30:]}")
                            break
                if got.warnings:
                    print(f"   warnings: {got.warnings}")
            shown += 1
            if shown >= limit:
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON instead of a table")
    parser.add_argument("--failures", type=int, default=0, help="also show this many wrong articles")
    parser.add_argument("--feature", help="with --failures: only articles carrying this feature")
    parser.add_argument("--field", help="with --failures: only articles with this field wrong")
    args = parser.parse_args(argv)
    results = run(args.pages, args.seed)
    summary = summarize(s for _, _, s in results)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print_table(summary)
    if args.failures:
        print_failures(results, args.failures, args.feature, args.field)
    return 0


if __name__ == "__main__":
    sys.exit(main())
