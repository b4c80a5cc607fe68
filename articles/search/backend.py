"""Haystack's Whoosh backend, adjusted for this archive.

* Fields marked ``kfq_kind = "exact"`` are stored as whole values (ID, or comma-separated KEYWORD
  for lists), so facets count 朔州经济开发区 and not its analysed pieces.
* ``kfq_kind = "bigram"`` fields are indexed with positions but not stored.
* Integer fields are sortable (date order).
* Writes wait for Whoosh's lock instead of failing or finishing in a background thread, so the
  index is up to date when the call returns.
"""

from __future__ import annotations

import os

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, NUMERIC, TEXT

WRITE_LOCK_TIMEOUT = 30.0  # seconds to wait for another process's writer


class ArchiveWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            kind = getattr(field_class, "kfq_kind", None)
            if kind == "exact":
                if field_class.is_multivalued:
                    replacement = KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)
                else:
                    replacement = WHOOSH_ID(stored=True, sortable=True)
            elif kind in ("bigram", "words"):
                replacement = TEXT(
                    analyzer=field_class.analyzer, phrase=True, stored=False, field_boost=field_class.boost
                )
            elif field_class.field_type == "integer":
                replacement = NUMERIC(stored=field_class.stored, numtype=int, bits=64, sortable=True)
            else:
                continue
            schema.remove(name)
            schema.add(name, replacement)
        return content_field_name, schema

    def writer(self):
        """A blocking Whoosh writer on the latest generation of the index."""
        if not self.setup_complete or (self.use_file_storage and not os.path.isdir(self.path)):
            self.setup()  # first use, or the index folder was deleted: start an empty index
        self.index = self.index.refresh()
        return self.index.writer(timeout=WRITE_LOCK_TIMEOUT)

    def document(self, index, obj) -> dict | None:
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc.pop("boost", None)
        return doc

    def update(self, index, iterable, commit=True):
        objects = list(iterable)
        if not objects:
            return
        writer = self.writer()
        try:
            for obj in objects:
                doc = self.document(index, obj)
                if doc is not None:
                    writer.update_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def remove(self, obj_or_string, commit=True):
        writer = self.writer()
        writer.delete_by_term(ID, get_identifier(obj_or_string))
        writer.commit()

    def apply(self, index, objects, remove_identifiers) -> None:
        """(Re)index ``objects`` and delete ``remove_identifiers`` in one commit."""
        writer = self.writer()
        try:
            for identifier in remove_identifiers:
                writer.delete_by_term(ID, identifier)
            for obj in objects:
                doc = self.document(index, obj)
                if doc is not None:
                    writer.update_document(**doc)
                else:
                    writer.delete_by_term(ID, get_identifier(obj))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
