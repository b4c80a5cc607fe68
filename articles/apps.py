from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "专刊文章"

    def ready(self):
        from kfq_archive import sqlite

        from .models import Article
        from .services import history, identity

        sqlite.connect()  # before haystack's processor: the log is copied before small segments merge
        history.register()
        pre_delete.connect(identity.retire_on_delete, sender=Article, dispatch_uid="articles.retire_on_delete")
