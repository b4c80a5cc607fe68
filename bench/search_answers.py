"""The search answers of the benchmark's query set, saved so that two versions of the code can be compared
byte for byte.

    .venv/bin/python bench/search_answers.py --out /tmp/answers-before.txt
    .venv/bin/python bench/search_answers.py --out /tmp/answers-after.txt && cmp /tmp/answers-{before,after}.txt

A fresh data folder (temporary) gets the seeds and a small synthetic corpus (bench/make_corpus.py,
fixed seed), then ``rebuild_index`` with one writer; every query of ``bench/run.py``'s set is asked
of ``/api/v1/search/`` and ``/search/`` as it is, on page 2, sorted by date, in titles only and with
its first facet value chosen, plus queries that find nothing (so that suggestions answer). Each answer
is written with its request line; nothing in it depends on the time or the folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Queries that find nothing in these pages, so that the answers carry suggestions and related filters.
EXTRA_QUERIES = [
    ("nothing_with_filter", {"q": "招商", "filters": {"city": ["运城"], "year": ["1990"]}}),
    ("title_only_nothing", {"q": "硅酸钙板 厂房", "field": "title"}),
    ("zone_like_word", {"q": "经济开发区"}),
    ("excluded_word", {"q": "项目 -建设"}),
    ("either_word", {"q": "临汾 OR 运城"}),
]
# A CSP nonce differs on every response: it is not part of the answer.
NONCE = re.compile(r'nonce="[^"]*"')


def variants(kwargs: dict) -> list[dict]:
    from bench.run import api_params

    params = api_params(kwargs)
    return [
        params,
        {**params, "page": "2"},
        {**params, "sort": "date"},
        {**params, "field": "title"},
    ]


def answers(out, with_pages: bool) -> None:
    from django.test import Client

    from bench.run import query_set

    client = Client(HTTP_HOST="127.0.0.1")
    queries = query_set() + EXTRA_QUERIES
    for name, kwargs in queries:
        asked = variants(kwargs)
        first = client.get("/api/v1/search/", asked[0]).json()
        for facet, values in first.get("facets", {}).items():
            if values:  # the most frequent value of the first facet that has one
                asked.append({**asked[0], facet: [next(iter(values))]})
                break
        for params in asked:
            query = urllib.parse.urlencode(params, doseq=True)
            for path in ("/api/v1/search/", "/search/") if with_pages else ("/api/v1/search/",):
                response = client.get(f"{path}?{query}")
                body = NONCE.sub('nonce=""', response.content.decode())
                out.write(f"== {name} GET {path}?{query} -> {response.status_code}\n{body}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=600, help="synthetic articles besides the seeds")
    parser.add_argument("--no-pages", action="store_true", help="the JSON answers only, not the search pages")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="kfq-answers-"))
    try:
        os.environ["KFQ_SEARCH_RATE"] = "100000/m"
        from bench.run import setup_django

        setup_django(data_dir)
        from django.core.management import call_command

        from bench.make_corpus import make_corpus

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("ingest", str(ROOT / "seeds"), verbosity=0)
        if args.articles:
            make_corpus(data_dir / "corpus", articles=args.articles, seed=1)
            call_command("ingest", str(data_dir / "corpus"), verbosity=0)
        # One writer process: the index's document order (which breaks ties in relevance) is the same every run.
        call_command("rebuild_index", interactive=False, verbosity=0, procs=1)
        with open(args.out, "w", encoding="utf-8") as out:
            answers(out, with_pages=not args.no_pages)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
