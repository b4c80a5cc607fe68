from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "专刊文章"

    def ready(self):
        from kfq_archive import sqlite

        sqlite.connect()  # before haystack's processor: the log is copied before small segments merge
