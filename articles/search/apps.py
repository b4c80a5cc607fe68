from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over the archive's articles: its index backlog, signals, checks, commands, views and URLs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "articles.search"
    label = "search"
    verbose_name = "检索"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
