"""Issue PDFs for the tests, set by reportlab from generated pages whose gold is known."""

from __future__ import annotations

import io
import random

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.parser.generator import generate_page
from tests.pdfs.newspaper import PageOverflow, PageSpec, issue_pdf, printing_for


def generated_specs(count: int, start: int = 0, *, masthead_every: int = 2):
    """(spec, generated page) pairs for ``count`` generated pages that fit an A3 page."""
    pairs = []
    seed = start
    while len(pairs) < count:
        page = generate_page(seed)
        rng = random.Random(seed)
        spec = PageSpec(
            page.gold,
            columns=rng.choice((3, 4, 5)),
            masthead=(2024, 16, f"D{len(pairs) + 1}") if len(pairs) % masthead_every == 0 else None,
            side_by_side=rng.random() < 0.3,
        )
        printing_rng = random.Random(seed)  # each page printed the same alone or in an issue
        spec.printings = [printing_for(article, printing_rng) for article in page.gold]
        try:
            issue_pdf([spec], seed=seed)
        except PageOverflow:
            seed += 1
            continue
        pairs.append((spec, page))
        seed += 1
    return pairs


def two_page_issue() -> bytes:
    """Pages D1 and D2 of issue 2024-16 (the masthead prints the number on each)."""
    specs = [spec for spec, _ in generated_specs(2, start=3, masthead_every=1)]
    return issue_pdf(specs, seed=3)


def image_only_pdf() -> bytes:
    """A scanned page: a picture, no text layer."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setFillGray(0.5)
    c.rect(50, 50, 400, 600, stroke=0, fill=1)
    c.showPage()
    c.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "secret page")
    c.showPage()
    c.save()
    return buffer.getvalue()
