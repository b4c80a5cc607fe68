"""What the model admins share: the parser-warnings filter, autocomplete without NUL characters, and
change forms kept as revisions and refused when stale."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import F
from django.utils.html import format_html, format_html_join

from ..parsing.model import WARNING_CODES
from ..services import history


def warnings_html(warnings: list[str]):
    if not warnings:
        return "—"
    return format_html(
        "<ul class='kfq-warnings'>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings))
    )


class WarningsFilter(admin.SimpleListFilter):
    """Pages or articles the parser was unsure about (non-empty ``warnings``)."""

    title = "解析警告"
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return (("yes", "有警告"), ("no", "无警告"), *WARNING_CODES.items())

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(warnings=[])
        if self.value() == "no":
            return queryset.filter(warnings=[])
        if self.value() in WARNING_CODES:  # "[code] …" in the stored list's text
            return queryset.filter(warnings__icontains=f"[{self.value()}]")
        return queryset


class NulFreeSearchMixin:
    """Autocomplete's search term reaches the database unchecked; PostgreSQL refuses a NUL character in it
    (no stored text holds one, so dropping it changes no answer)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


class RevisionedChangeMixin:
    """A save through the change form is kept as a revision (django-reversion) in the save's own
    transaction, after a first revision of the object as it was; the form refuses a stale save
    (``VersionCheckedForm``) and the page then shows what the others changed."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                history.ensure_baseline([obj])
            with history.recorded("修改", request.user):
                return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            obj.version += 1
            type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if history.is_recording() and message:
            history.set_comment(entry.get_change_message())
            history.add(obj)
        return entry

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["conflict"] = getattr(context.get("adminform") and context["adminform"].form, "conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)
