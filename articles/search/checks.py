"""System checks of the search app: cheap signs that the index and the database differ."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

from .engine import get_search_engine


@checks.register("search")
def index_matches_database(app_configs=None, **kwargs):
    """Warn on cheap signs of drift: counts differ, or backlog rows wait (``check_index`` compares fully)."""
    try:
        problems = get_search_engine().problems()
    except (DatabaseError, OSError):  # no tables yet (before migrate), or no index folder
        return []
    except Exception as error:  # e.g. an index written with another schema
        hint = "运行 manage.py rebuild_index --noinput"
        return [checks.Warning(f"检索索引无法读取：{error}", hint=hint, id="search.W002")]
    hint = "运行 manage.py check_index --repair（或 rebuild_index --noinput）"
    return [checks.Warning(problem, hint=hint, id="search.W001") for problem in problems]
