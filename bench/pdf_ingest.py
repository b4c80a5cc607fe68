"""Time and memory of ingesting a 16-page A3 issue PDF: read (extract and lay out), parse, store, index
and render every page, as ``manage.py ingest`` does, into a fresh data folder.

    .venv/bin/python bench/pdf_ingest.py             # 16 pages
    .venv/bin/python bench/pdf_ingest.py --pages 8 --keep /tmp/kfq-pdf-bench

Prints a progress line per page, then the wall time of each stage and the process's peak memory (max RSS).
The issue is set by tests/pdfs/newspaper.py from generated articles (deterministic).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def issue(pages: int) -> bytes:
    from tests.pdfs.conftest import generated_specs
    from tests.pdfs.newspaper import issue_pdf

    specs = [spec for spec, _ in generated_specs(pages, start=500, masthead_every=1)]
    return issue_pdf(specs, seed=500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--keep", type=Path, help="data folder to use (kept afterwards)")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="kfq-pdf-bench-"))
    os.environ["KFQ_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kfq_archive.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    pdf = issue(args.pages)
    path = data_dir / "2024-16.pdf"
    path.write_bytes(pdf)
    print(f"{path}: {len(pdf) / 1e6:.1f} MB, {args.pages} A3 pages", flush=True)

    class Lines(io.TextIOBase):
        def write(self, text: str) -> int:
            sys.stdout.write(f"  {time.perf_counter() - start:6.1f} s  {text}")
            sys.stdout.flush()
            return len(text)

    start = time.perf_counter()
    call_command("ingest", str(path), stdout=Lines())
    total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from articles.models import Article, Page

    images = sorted((data_dir / "pages").glob("*.webp"))
    print(f"pages {Page.objects.count()}, articles {Article.objects.count()}, images {len(images)}")
    print(f"ingest (extract, parse, store, index, render): {total:.1f} s; peak memory (max RSS) {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
