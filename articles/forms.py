"""Forms of the editors' admin: the page upload, article editing, merge and split confirmations."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings

from .models import Article, Issue, Page, Zone
from .services.upload import upload_limits

HEADING_PREFIX = "## "


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); the value is a list."""

    def __init__(self, *args, **kwargs):
        accept = ".txt,.zip,.pdf,text/plain,application/zip,application/pdf"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("allow_empty_file", True)  # the upload service names the empty file in its message
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="版面文件",
        help_text="",
        error_messages={"required": "请选择至少一个文件 / choose at least one file"},
    )
    issue_year = forms.IntegerField(label="年份", required=False, min_value=1990, max_value=2100)
    issue_number = forms.IntegerField(label="期号", required=False, min_value=1, max_value=999)
    issue_date = forms.DateField(
        label="出版日期", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="可留空"
    )
    page_label = forms.CharField(
        label="版次",
        required=False,
        max_length=10,
        help_text="如 D1；只上传一个文件时使用，多个文件时由文件名（D1.txt、2024-16-D2.txt）得出",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            f"一个或多个 .txt 版面文件，或装有它们的 .zip；每个文件不超过 {_mib(settings.KFQ_MAX_UPLOAD_BYTES)}，"
            f"一次最多 {upload_limits()['files']} 个文件、合计 {_mib(upload_limits()['total'])}。"
            "年份、期号、版次可留空：以刊头和文件名为准。"
        )

    def clean_page_label(self):
        label = self.cleaned_data["page_label"].strip().upper()
        if label and not re.fullmatch(r"[A-Z]?\d{1,2}", label):
            raise forms.ValidationError("版次格式如 D1 / a page label looks like D1")
        return label

    def clean(self):
        cleaned = super().clean()
        files = cleaned.get("files") or []
        if len(files) > upload_limits()["files"]:
            raise forms.ValidationError(
                f"一次最多上传 {upload_limits()['files']} 个文件 / at most {upload_limits()['files']} files per upload"
            )
        if cleaned.get("page_label") and len(files) > 1:
            self.add_error("page_label", "多个文件时请留空，版次由文件名得出 / leave empty for several files")
        return cleaned


def paragraphs_to_text(paragraphs: list[dict]) -> str:
    return "\n\n".join(
        (HEADING_PREFIX if paragraph.get("kind") == "h" else "") + paragraph["text"] for paragraph in paragraphs
    )


def text_to_paragraphs(text: str) -> list[dict]:
    """Paragraphs are separated by an empty line; a paragraph starting with "## " is a section heading."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        block = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if not block:
            continue
        if block.startswith(HEADING_PREFIX.strip()) and block[:3].strip() == "##":
            paragraphs.append({"kind": "h", "text": block[2:].strip()})
        else:
            paragraphs.append({"kind": "p", "text": block})
    return paragraphs


class VersionCheckedForm(forms.ModelForm):
    """A change form that carries the version it was opened at and refuses a save over a newer one.

    The check locks the row (the admin's save runs in one transaction), so two editors' saves cannot
    both pass it. On a conflict ``conflict`` says what the others changed, and the form is shown again
    with the editor's input and the current version: saving it again is a decision, not an accident.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != "opened_version"]

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if not self.instance.pk or opened is None:
            return cleaned
        model = type(self.instance)
        # order_by(): the models' orderings join tables PostgreSQL cannot lock (the nullable issue).
        rows = model.objects.select_for_update().filter(pk=self.instance.pk).order_by()
        current = rows.values_list("version", flat=True).first()
        if current is not None and current != opened:
            from .services.history import conflict

            self.conflict = conflict(model, self.instance.pk, opened, current)
            data = self.data.copy()
            data[self.add_prefix("opened_version")] = str(current)
            self.data = data
            raise forms.ValidationError(self.conflict.summary(), code="stale")
        return cleaned


class IssueForm(VersionCheckedForm):
    class Meta:
        model = Issue
        fields = ("year", "number", "date", "is_published")


class PageForm(VersionCheckedForm):
    class Meta:
        model = Page
        fields = ("issue", "label", "is_published")


class ArticleForm(VersionCheckedForm):
    """The body is edited as plain text (one paragraph per block), not as JSON."""

    body = forms.CharField(
        label="正文段落",
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text="段落之间空一行；以“## ”开头的段落是小标题。",
    )

    class Meta:
        model = Article
        fields = (
            "kicker",
            "title",
            "subtitle",
            "dateline",
            "byline",
            "zone",
            "zones",
            "city",
            "continued_from",
            "continued_to",
            "is_published",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As opened: save() puts the new body on the instance, and changed_data is asked after that.
        self.opened_paragraphs = list(self.instance.paragraphs)
        if self.instance.pk:
            self.fields["body"].initial = paragraphs_to_text(self.instance.paragraphs)

    def has_changed(self):
        return bool(self.changed_data)

    @property
    def changed_data(self):
        changed = list(super().changed_data)
        if "body" in changed and text_to_paragraphs(self.data.get(self.add_prefix("body"), "")) == (
            self.opened_paragraphs
        ):
            changed.remove("body")  # only the line endings or spacing differ
        return changed

    def save(self, commit=True):
        self.instance.paragraphs = text_to_paragraphs(self.cleaned_data.get("body") or "")
        return super().save(commit)


class MergeZoneForm(forms.Form):
    target = forms.ModelChoiceField(
        label="并入开发区",
        queryset=Zone.objects.all(),
        help_text="所选开发区将并入此开发区：文章改指向它，名称记为它的别称，然后删除所选开发区。",
    )


class SplitForm(forms.Form):
    at = forms.IntegerField(label="从这一段开始拆出新文章", min_value=1)
    title = forms.CharField(
        label="新文章标题", required=False, max_length=300, help_text="留空时：若该段是小标题，用它作标题"
    )
