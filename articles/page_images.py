"""Page images of PDF pages for readers: the files rendered at ingest, served with long cache headers,
and the regions of the page's articles in the image's pixels (for the SVG the page templates draw)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Article, Page
from .pdfs.document import RENDER_VERSION
from .services.pdf_ingest import page_image_path, write_images

# The image of a page never changes (named by the page's SHA-256 and the render version): a year.
IMMUTABLE = "public, max-age=31536000, immutable"


@require_safe
def page_image(request, pk: int, size: str):
    if size not in ("full", "thumb"):
        raise Http404("no such image size")
    page = get_object_or_404(Page.objects.visible().exclude(pdf=None).defer("raw_bytes"), pk=pk)
    etag = f'"{page.sha256[:40]}-{RENDER_VERSION}-{size}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        path = page_image_path(page, thumbnail=size == "thumb")
        if not path.exists():  # never rendered (or removed): once now, from the stored PDF
            write_images(page)
        if not path.exists():
            raise Http404("no image")
        response = FileResponse(path.open("rb"), content_type="image/webp")
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE
    return response


def image_url(page: Page, size: str = "full") -> str:
    return f"{reverse('page_image', args=[page.pk, size])}?v={RENDER_VERSION}"


def page_figure(page: Page, articles: list[Article]) -> dict | None:
    """What the templates need to draw the page image with its articles' regions (None for text pages)."""
    if page.pdf_id is None or not page.geometry.get("width"):
        return None
    width = page.geometry.get("image_width") or 1600
    height = page.geometry.get("image_height") or round(width * page.geometry["height"] / page.geometry["width"])
    regions = []
    for article in articles:
        for left, top, w, h in article.regions or []:
            regions.append(
                {
                    "article": article,
                    "x": round(left * width),
                    "y": round(top * height),
                    "width": round(w * width),
                    "height": round(h * height),
                }
            )
    return {"url": image_url(page), "width": width, "height": height, "regions": regions, "page": page}
