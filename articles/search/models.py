"""The search app's one model: the index backlog."""

from django.db import models


class IndexBacklog(models.Model):
    """An article whose search index entry must be brought up to date (the index's outbox).

    A row is written in the same transaction as the change it follows, and deleted only after the
    index's commit that took the change in; whatever dies in between leaves the row for the next drain
    (``sync``). No foreign key: the row outlives a deleted article, whose entry must go.
    """

    article_id = models.BigIntegerField("文章编号")
    enqueued_at = models.DateTimeField("入队时间", auto_now_add=True)

    class Meta:
        db_table = "articles_indexbacklog"  # made by the articles app's migration 0004, before this app
        ordering = ("pk",)
        indexes = (models.Index(fields=["article_id"]),)
        verbose_name = "待索引文章"
        verbose_name_plural = "待索引文章"

    def __str__(self) -> str:
        return f"#{self.article_id}"
