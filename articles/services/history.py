"""Revisions of articles, pages and issues: who changed what, with the full text before and after.

Kept with django-reversion (chosen over django-simple-history because one revision holds an article
together with its captions and authorships, so restoring it restores what the editor saw; its two tables
serve every model). Revisions are made by hand (``recorded`` + ``add``) inside the transaction of the
change they record. An article gets its first revision, the parser's text, just before its first change
(``ensure_baseline``), so uploads cost nothing and every change has the text it replaced.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from reversion.models import Version

from ..models import Article, ArticleAuthor, Author, Caption, City, Issue, Page, Zone

BASELINE_COMMENT = "修订前的解析结果"


def register() -> None:
    """Called once from the app's ready()."""
    if reversion.is_registered(Article):
        return
    reversion.register(Article, follow=("captions", "authorships"), exclude=("body_text", "updated_at"))
    reversion.register(Caption)
    reversion.register(ArticleAuthor)
    # A page's bytes and text never change; its revisions keep what an editor or a re-parse can change.
    reversion.register(Page, fields=("issue", "label", "is_published", "version", "parser_version", "layout"))
    reversion.register(Issue)


@contextmanager
def recorded(comment: str, user=None):
    """A revision of what ``add`` is given inside the block, saved in the block's transaction."""
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(comment)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        yield


def is_recording() -> bool:
    return reversion.is_active()


def add(*objects: models.Model) -> None:
    for obj in objects:
        reversion.add_to_revision(obj)


def set_comment(comment: str) -> None:
    reversion.set_comment(comment)


def ensure_baseline(objects: Iterable[models.Model]) -> None:
    """A first revision of each object that has none yet, as it stands now (before the change that follows).

    Must run outside ``recorded``: inside it, the snapshot would join the change's own revision.
    """
    by_model: dict[type, list[models.Model]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    missing = []
    for model, instances in by_model.items():
        known = set(
            Version.objects.get_for_model(model)
            .filter(object_id__in=[str(obj.pk) for obj in instances])
            .values_list("object_id", flat=True)
        )
        missing += [obj for obj in instances if str(obj.pk) not in known]
    if missing:
        with recorded(BASELINE_COMMENT):
            add(*missing)


def versions_of(obj_or_model, pk=None):
    """The object's versions, newest first."""
    model = obj_or_model if pk is not None else type(obj_or_model)
    object_id = pk if pk is not None else obj_or_model.pk
    return Version.objects.get_for_object_reference(model, object_id).select_related("revision__user")


# --- what a version says -------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """What readers see of an article (or the editable fields of a page or issue) in one version."""

    version: Version
    fields: dict  # field name -> readable text

    @property
    def number(self) -> int | None:
        return self.version.field_dict.get("version")


ARTICLE_FIELDS = (
    ("kicker", "引题"),
    ("title", "标题"),
    ("subtitle", "副题"),
    ("dateline", "电头"),
    ("byline", "署名"),
    ("body", "正文"),
    ("authors", "作者"),
    ("captions", "图片说明"),
    ("zone", "主要开发区"),
    ("zones", "提及的开发区"),
    ("city", "地级市"),
    ("continued_from", "上接版次"),
    ("continued_to", "下转版次"),
    ("is_published", "公开"),
)
PAGE_FIELDS = (("issue", "期"), ("label", "版次"), ("is_published", "公开"), ("parser_version", "解析器版本"))
ISSUE_FIELDS = (("year", "年份"), ("number", "期号"), ("date", "出版日期"), ("is_published", "公开"))
FIELDS = {Article: ARTICLE_FIELDS, Page: PAGE_FIELDS, Issue: ISSUE_FIELDS}


def _name(model, pk) -> str:
    if pk is None:
        return "—"
    obj = model.objects.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk}（已删除）"


def _yes_no(value) -> str:
    return "是" if value else "否"


def _related(version: Version, model: type[models.Model], article_id: int) -> list[dict]:
    content_type = ContentType.objects.get_for_model(model)
    rows = []
    for related in version.revision.version_set.filter(content_type=content_type):
        data = json.loads(related.serialized_data)[0]["fields"]
        if data.get("article") == article_id:
            rows.append(data)
    return rows


def related_rows(version: Version) -> dict[str, list[dict]]:
    """The captions and authorships saved with an article's version (their serialized fields)."""
    article_id = int(version.object_id)
    return {
        "captions": _related(version, Caption, article_id),
        "authorships": _related(version, ArticleAuthor, article_id),
    }


def snapshot(version: Version) -> Snapshot:
    from ..forms import paragraphs_to_text

    model = version.content_type.model_class()
    data = version.field_dict
    if model is Article:
        article_id = int(version.object_id)
        authors = sorted(_related(version, ArticleAuthor, article_id), key=lambda row: row["order"])
        captions = sorted(_related(version, Caption, article_id), key=lambda row: row["position"])
        fields = {
            "kicker": data.get("kicker", ""),
            "title": data.get("title", ""),
            "subtitle": data.get("subtitle", ""),
            "dateline": data.get("dateline", ""),
            "byline": data.get("byline", ""),
            "body": paragraphs_to_text(data.get("paragraphs") or []),
            "authors": "、".join(_name(Author, row["author"]) for row in authors),
            "captions": "\n".join(
                row["text"] + (f"（{row['credit']}）" if row.get("credit") else "") for row in captions
            ),
            "zone": _name(Zone, data.get("zone_id")),
            "zones": "、".join(sorted(_name(Zone, pk) for pk in data.get("zones") or [])),
            "city": _name(City, data.get("city_id")),
            "continued_from": data.get("continued_from", ""),
            "continued_to": data.get("continued_to", ""),
            "is_published": _yes_no(data.get("is_published")),
        }
    elif model is Page:
        fields = {
            "issue": _name(Issue, data.get("issue_id")),
            "label": data.get("label", ""),
            "is_published": _yes_no(data.get("is_published")),
            "parser_version": data.get("parser_version", ""),
        }
    else:
        fields = {
            "year": str(data.get("year") or ""),
            "number": str(data.get("number") or ""),
            "date": str(data.get("date") or ""),
            "is_published": _yes_no(data.get("is_published")),
        }
    return Snapshot(version, fields)


@dataclass
class FieldChange:
    label: str
    html: SafeString  # the old text with deletions and insertions marked


def changes(before: Snapshot | None, after: Snapshot) -> list[FieldChange]:
    model = after.version.content_type.model_class()
    found = []
    for name, label in FIELDS[model]:
        old = before.fields.get(name, "") if before is not None else ""
        new = after.fields.get(name, "")
        if old != new:
            found.append(FieldChange(label, diff_html(old, new)))
    return found


def diff_html(old: str, new: str) -> SafeString:
    """``old`` turned into ``new``: removed text in <del>, added text in <ins>, lines kept.

    Lines (paragraphs) are paired first; a changed line is compared character by character, the unit
    Chinese text is read in.
    """
    old_lines, new_lines = old.split("\n"), new.split("\n")
    out = []
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            out.extend(escape(line) for line in old_lines[i1:i2])
        elif tag == "replace":
            out.append(_characters("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])))
        elif tag == "delete":
            out.extend(f"<del>{escape(line)}</del>" for line in old_lines[i1:i2])
        else:
            out.extend(f"<ins>{escape(line)}</ins>" for line in new_lines[j1:j2])
    return mark_safe("\n".join(out))


def _characters(old: str, new: str) -> str:
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if tag in ("replace", "insert"):
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
        if tag == "equal":
            parts.append(escape(old[i1:i2]))
    return "".join(parts)


# --- concurrent edits ----------------------------------------------------------------------------------


@dataclass
class Conflict:
    """What was saved by others since an editor opened a form at ``opened``."""

    opened: int
    current: int
    by: list[str]  # "张三 2026-12-05 14:03：comment"
    changes: list[FieldChange]

    def summary(self) -> str:
        labels = "、".join(change.label for change in self.changes) or "（无可见字段）"
        who = "；".join(self.by) or "另一位编辑或系统操作"
        return (
            f"保存未成功：您打开此表单（第 {self.opened} 版）之后，已有新的修改保存为第 {self.current} 版"
            f"（{who}），改动了：{labels}。对方的改动见上方；您的输入保留在下方。"
            "请核对后再次保存（再次保存将以您的内容为准）。"
        )


def conflict(model: type[models.Model], pk, opened: int, current: int) -> Conflict:
    versions = list(versions_of(model, pk))  # newest first
    numbers = [version.field_dict.get("version") for version in versions]
    seen = next((version for version, number in zip(versions, numbers, strict=True) if number == opened), None)
    by = [
        f"{version.revision.user or '系统'} {localtime(version.revision.date_created):%Y-%m-%d %H:%M}"
        f"：{version.revision.get_comment() or '修改'}"
        for version, number in reversed(list(zip(versions, numbers, strict=True)))
        if number is not None and number > opened
    ]
    # Only the version the editor saw and the newest are read in full (names, captions, authors).
    found = changes(snapshot(seen), snapshot(versions[0])) if seen is not None and versions[0] != seen else []
    return Conflict(opened, current, by, found)
