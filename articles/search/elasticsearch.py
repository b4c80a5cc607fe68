"""Haystack's Elasticsearch 7 backend, mapped like the archive's Whoosh index.

articles/search_indexes.py stays the one definition of what is indexed; the ``kfq_kind`` of each field
(articles/search/fields.py) says how Elasticsearch stores it, as ``backend.ArchiveWhooshBackend`` does
for Whoosh:

* ``words`` (jieba words in Whoosh, for ranking): text with the smartcn analyzer (Lucene's Smart Chinese),
  which needs the ``analysis-smartcn`` plugin on every node;
* ``bigram``: text cut into every two-character window (an ngram tokenizer of exactly 2, all characters,
  lowercased), positions kept, so a phrase query is an exact-substring test as in Whoosh;
* ``exact``: keyword, so facets count 朔州经济开发区 whole; integer fields: long (date order).

Searches that fail (server down, unreachable, refusing) raise SearchUnavailable (a 503 for readers);
settings turn haystack's SILENTLY_FAIL off, so a failure is never shown as "nothing found".
"""

from __future__ import annotations

import copy

import elasticsearch
from elasticsearch.helpers import bulk
from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchBackend, Elasticsearch7SearchEngine
from haystack.constants import ID
from haystack.utils import get_identifier

from .contract import SearchUnavailable
from .fields import prepared
from .haystack_engine import HaystackSearchEngine

WORDS_ANALYZER = "kfq_words"
BIGRAM_ANALYZER = "kfq_bigram"
BIGRAM_TOKENIZER = "kfq_bigram"
# Analysis parts that do not come with Elasticsearch: name → the plugin to install on every node.
PLUGIN_TOKENIZERS = {"smartcn_tokenizer": "analysis-smartcn"}


def index_settings() -> dict:
    """The index's settings: haystack's own analyzers plus the archive's bigram and Chinese-word analyzers."""
    settings = copy.deepcopy(Elasticsearch7SearchBackend.DEFAULT_SETTINGS)
    analysis = settings["settings"]["analysis"]
    analysis.setdefault("tokenizer", {})[BIGRAM_TOKENIZER] = {"type": "ngram", "min_gram": 2, "max_gram": 2}
    analysis["analyzer"][BIGRAM_ANALYZER] = {"type": "custom", "tokenizer": BIGRAM_TOKENIZER, "filter": ["lowercase"]}
    analysis["analyzer"][WORDS_ANALYZER] = {
        "type": "custom",
        "tokenizer": "smartcn_tokenizer",
        "filter": ["lowercase"],
    }
    return settings


class ArchiveElasticsearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = index_settings()
    date_order = ("-sort_date", "sort_seq")  # newest issue first, then page and position

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field_class in fields.values():
            kind = getattr(field_class, "kfq_kind", None)
            if kind == "exact":
                field_mapping = {"type": "keyword"}
            elif kind == "bigram":
                field_mapping = {"type": "text", "analyzer": BIGRAM_ANALYZER}
            elif kind == "words":
                field_mapping = {"type": "text", "analyzer": WORDS_ANALYZER}
            else:
                field_mapping = mapping[field_class.index_fieldname]
            # Mapping boosts are deprecated in Elasticsearch 7 (and refused by 8): weights belong in queries.
            field_mapping.pop("boost", None)
            mapping[field_class.index_fieldname] = field_mapping
        return content_field_name, mapping

    def search(self, query_string, **kwargs):
        try:
            return super().search(query_string, **kwargs)
        except elasticsearch.ElasticsearchException as error:
            # Unreachable, timed out, refused (authentication, a bad request) or not Elasticsearch at all.
            raise SearchUnavailable(f"Elasticsearch, index {self.index_name!r}: {error!r}") from error

    def document(self, index, obj) -> dict | None:
        """The object as Elasticsearch stores it (None when the index skips it)."""
        doc = prepared(self, index, obj)
        if doc is None:
            return None
        doc["_id"] = doc[ID]
        return doc

    def bulk_actions(self, index, objects, remove_identifiers) -> list[dict]:
        """One bulk request's actions: delete ``remove_identifiers``, (re)index ``objects``."""
        actions: list[dict] = [{"_op_type": "delete", "_id": identifier} for identifier in remove_identifiers]
        for obj in objects:
            doc = self.document(index, obj)
            if doc is None:
                actions.append({"_op_type": "delete", "_id": get_identifier(obj)})
            else:
                actions.append(doc)
        return actions

    def apply(self, index, objects, remove_identifiers) -> None:
        """(Re)index ``objects`` and delete ``remove_identifiers`` in one bulk request (articles.search.sync)."""
        actions = self.bulk_actions(index, objects, remove_identifiers)
        if not actions:
            return
        if not self.setup_complete:
            self.setup()
        # Deleting what is not in the index (404) is fine: the result is the same.
        bulk(self.conn, actions, index=self.index_name, ignore_status=(404,))
        self.conn.indices.refresh(index=self.index_name)


class ElasticsearchSearchEngine(HaystackSearchEngine):
    name = "Elasticsearch"


class ArchiveElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = ArchiveElasticsearchBackend
    archive_engine = "articles.search.elasticsearch.ElasticsearchSearchEngine"
