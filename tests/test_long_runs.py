"""Text reaches jieba in bounded pieces: an unbroken run costs time in proportion to its length, not its
square (a 2 MiB page of one run never finished indexing, holding the index writer all along)."""

from pathlib import Path

from articles.search import analysis
from articles.search.folding import fold
from articles.search.whoosh_engine import analyzers
from tests.search.processes import site

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_pieces_are_bounded_and_cut_where_jieba_cuts_anyway():
    text = "开发区" * 500 + "，项目落地。" + "的" * 1000
    pieces = list(analysis.bounded_pieces(text, limit=400))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 400 for _, piece in pieces)
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    full_stop = text.index("。")
    assert any(offset == full_stop + 1 for offset, _ in pieces)  # the window's last cut jieba makes itself
    assert list(analysis.bounded_pieces("")) == [(0, "")]


def test_ordinary_text_is_segmented_as_a_whole():
    tokenizer = analyzers.JiebaTokenizer()
    segmenter = analysis.segmenter()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        # The tokenizer segments the folded text (０.０３０％ → 0.030%), of the same length as the text.
        whole = [t for t in segmenter.tokenize(fold(text), mode="search") if analysis.WORDLIKE.search(t[0])]
        assert [(word, start, end) for word, start, end, _ in tokenizer.pieces(text)] == whole
        assert analysis.search_words(text) == [w.lower() for w, _, _ in whole]


def test_a_one_megabyte_page_of_one_run_is_ingested_and_indexed(tmp_path):
    page = tmp_path / "D1.txt"
    page.write_text("# 一个很长的版面\n\n科学导报讯 " + "的" * 340_000 + "云中河。\n", encoding="utf-8")
    assert page.stat().st_size > 1_000_000
    with site(tmp_path / "data") as archive:
        done = archive.run("ingest", page, timeout=300)  # hours before the fix
        assert done.returncode == 0, done.stderr[-2000:]
        archive.assert_index_equals_database()
