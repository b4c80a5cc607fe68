"""One article as plain data: the shape of ``export_articles`` lines and of the API's article records."""

from .models import Article


def printed_on(article: Article) -> str | None:
    """The day the article's issue was printed (ISO), or None when unknown."""
    issue = article.page.issue
    return issue.date.isoformat() if issue is not None and issue.date else None


def article_record(article: Article) -> dict:
    """Cheap on querysets made with ``Article.objects.with_related()``."""
    page = article.page
    # Primary zone first, then the others by name (the M2M keeps no order).
    zones = sorted(article.zones.all(), key=lambda zone: (zone.pk != article.zone_id, zone.name))
    issue = page.issue
    return {
        "id": article.pk,
        "url": article.get_absolute_url(),
        "date": printed_on(article),
        "issue": issue.label if issue else None,
        "page": page.label or None,
        "source_file": page.source_file,
        "position": article.position,
        "zone": article.zone.name if article.zone else None,
        "zones": [zone.name for zone in zones],
        "city": article.city.short if article.city else None,
        "kicker": article.kicker or None,
        "title": article.title or None,
        "subtitle": article.subtitle or None,
        "dateline": article.dateline or None,
        "byline": article.byline or None,
        "authors": article.author_names(),
        "body": article.body_text,
        "captions": [
            {"text": caption.text, "credit": caption.credit, "photographer": caption.photographer}
            for caption in article.captions.all()
        ],
        "continued_from": article.continued_from or None,
        "continued_to": article.continued_to or None,
        "published": article.is_published and page.is_published and (issue is None or issue.is_published),
    }
