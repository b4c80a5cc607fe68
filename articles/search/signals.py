"""Haystack signal processor: model changes reach the index right after their transaction commits.

``QuerySet.update()`` sends no signals; code that uses it (the admin's bulk actions) calls
``articles.search.sync_articles(ids)`` itself.
"""

from __future__ import annotations

import logging

from django.core.signals import request_finished, request_started
from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from . import analysis, planning, sync
from .engine import get_search_engine
from .sync import sync_on_commit, take_drained

log = logging.getLogger(__name__)


def _article_ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


class ArchiveSignalProcessor(BaseSignalProcessor):
    def setup(self):
        from ..models import Article, ArticleAuthor, Author, Caption, City, Issue, Page, Zone

        self.models = {
            "article": Article,
            "authorship": ArticleAuthor,
            "author": Author,
            "caption": Caption,
            "issue": Issue,
            "page": Page,
            "zone": Zone,
            "city": City,
        }
        for model in (Article, ArticleAuthor, Caption):
            signals.post_save.connect(self.article_changed, sender=model)
            signals.post_delete.connect(self.article_changed, sender=model)
        signals.m2m_changed.connect(self.zones_changed, sender=Article.zones.through)
        signals.m2m_changed.connect(self.authors_changed, sender=Article.authors.through)
        for model in (Page, Issue, Author, Zone, City):
            signals.post_save.connect(self.related_changed, sender=model)
        for model in (Zone, Issue, City):
            signals.pre_delete.connect(self.related_deleting, sender=model)
        signals.post_save.connect(self.names_changed, sender=Zone)
        signals.post_save.connect(self.names_changed, sender=Author)
        request_started.connect(self.request_started)
        request_finished.connect(self.tidy_index)

    def teardown(self):
        models = getattr(self, "models", {})
        for model in (models.get("article"), models.get("authorship"), models.get("caption")):
            signals.post_save.disconnect(self.article_changed, sender=model)
            signals.post_delete.disconnect(self.article_changed, sender=model)
        if "article" in models:
            signals.m2m_changed.disconnect(self.zones_changed, sender=models["article"].zones.through)
            signals.m2m_changed.disconnect(self.authors_changed, sender=models["article"].authors.through)
        for key in ("page", "issue", "author", "zone", "city"):
            signals.post_save.disconnect(self.related_changed, sender=models.get(key))
        for key in ("zone", "issue", "city"):
            signals.pre_delete.disconnect(self.related_deleting, sender=models.get(key))
        for key in ("zone", "author"):
            signals.post_save.disconnect(self.names_changed, sender=models.get(key))
        request_started.disconnect(self.request_started)
        request_finished.disconnect(self.tidy_index)

    # --- handlers ----------------------------------------------------------------------------
    def article_changed(self, sender, instance, using=None, raw=False, **kwargs):
        if raw:
            return
        article_id = instance.pk if sender is self.models["article"] else instance.article_id
        sync_on_commit([article_id], using=using)

    def zones_changed(self, sender, instance, action, reverse, pk_set, using=None, **kwargs):
        self._m2m_changed(instance, action, reverse, pk_set, using, "zones")

    def authors_changed(self, sender, instance, action, reverse, pk_set, using=None, **kwargs):
        self._m2m_changed(instance, action, reverse, pk_set, using, "authors")

    def _m2m_changed(self, instance, action, reverse, pk_set, using, relation):
        if not action.startswith("post_") and action != "pre_clear":
            return
        if not reverse:  # article.zones.set(...)
            sync_on_commit([instance.pk], using=using)
        elif action == "pre_clear":  # zone.articles.clear(): the articles are unknown afterwards
            sync_on_commit(_article_ids(instance.articles.all()), using=using)
        elif pk_set:  # zone.articles.add(...)
            sync_on_commit(pk_set, using=using)

    def related_changed(self, sender, instance, raw=False, using=None, **kwargs):
        if raw:
            return
        Article = self.models["article"]
        if sender is self.models["page"]:
            articles = Article.objects.filter(page=instance)
        elif sender is self.models["issue"]:
            articles = Article.objects.filter(page__issue=instance)
        elif sender is self.models["author"]:
            articles = Article.objects.filter(authors=instance)
        elif sender is self.models["city"]:  # its name is in each of its articles' entries
            articles = Article.objects.filter(city=instance)
        else:  # zone: primary or mentioned
            articles = Article.objects.filter(zone=instance) | Article.objects.filter(zones=instance)
        sync_on_commit(_article_ids(articles.distinct()), using=using)

    def related_deleting(self, sender, instance, using=None, **kwargs):
        # Deleting a zone, an issue or a city leaves articles behind (SET_NULL): reindex them after commit.
        self.related_changed(sender, instance, using=using)

    def request_started(self, **kwargs):
        sync.request_started()

    def tidy_index(self, **kwargs):
        """After a request that wrote the index (an editor's save), merge small segments if five of a size
        class wait (``merging``): the response is sent by now (``request_finished``), so the editor does
        not wait; saves in a request never merge before it."""
        sync.request_ended()
        engine = get_search_engine()
        if take_drained():
            try:
                engine.tidy()
            except Exception:  # the index is as good unmerged; the next write merges if it must
                log.exception("merging the search index's small segments failed")
        engine.after_request()

    def names_changed(self, sender, instance, raw=False, **kwargs):
        # A new or renamed zone (with aliases) or author: the dictionary and alias expansion learn it.
        planning.forget_zone_names()
        if sender is self.models["author"]:
            analysis.add_words([instance.name])
        else:
            analysis.add_words([instance.name, *(instance.aliases or [])])
