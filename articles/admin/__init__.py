"""The editors' admin: upload an issue's pages, check the parse, publish, correct, re-parse.

Uploads, publishing, re-parses, merges and splits go through ``articles.services`` (the same code as the
management commands); every change is written to the admin history (LogEntry). The search index follows
by one mechanism, the search app's signal handlers (``articles.search.signals``): a change reaches it right
after its transaction commits, before the request returns. The admin keeps no index bookkeeping of its own.

One module per family of models registers their admins: ``issues`` (issues and their pages), ``articles``
(articles with their authors and captions), ``zones`` (zones and the gazetteer's places); ``views`` holds
the pages that are not a model's list or form, ``common`` what the admins share.
"""

from django.contrib import admin

from . import articles, issues, zones  # noqa: F401 (importing them registers their models)

admin.site.site_header = "开发区建设专刊数字档案 · 编辑后台"
admin.site.site_title = "编辑后台"
admin.site.index_title = "编辑工作台"
