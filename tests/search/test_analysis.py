"""The tokenizers: zone names stay whole (and have parts), positions count tokens, not characters."""

import pytest

from articles.search import analysis
from articles.search.whoosh_engine import analyzers

pytestmark = pytest.mark.django_db


def test_zone_names_are_whole_words_with_their_parts():
    assert analysis.words("风陵渡经济开发区") == ["风陵渡经济开发区"]
    parts = analysis.search_words("风陵渡经济开发区")
    assert {"风陵渡", "风陵渡经济开发区"} <= set(parts)
    assert analysis.words("长子经开区") == ["长子经开区"]


def test_names_seen_at_ingest_join_the_dictionary():
    assert analysis.words("慕容紫英来到园区")[0] != "慕容紫英"
    analysis.add_words(["慕容紫英"])
    assert analysis.words("慕容紫英来到园区")[0] == "慕容紫英"


def test_jieba_positions_are_token_numbers_not_character_offsets():
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzers.JiebaAnalyzer()("全省开发区“管运分离”改革", positions=True, chars=True)
    ]
    assert [pos for _, pos, _, _ in tokens] == list(range(len(tokens)))
    assert all("“" not in text for text, *_ in tokens)  # punctuation is not a token
    text = "全省开发区“管运分离”改革"
    assert all(text[start:end].lower() == word for word, _, start, end in tokens)


def test_bigrams_cover_every_character_position():
    tokens = [(t.text, t.pos) for t in analyzers.BigramAnalyzer()("亚宝 AI", positions=True)]
    assert tokens == [("亚宝", 0), ("宝 ", 1), (" a", 2), ("ai", 3), ("i", 4)]
