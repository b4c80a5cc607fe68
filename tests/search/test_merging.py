"""Small segments merged aside: an editor's save never waits for a merge, and nothing a save did while the
merge was written is lost or shown twice."""

import os

import pytest
from haystack import connections

from articles.search.whoosh_engine import backend as backend_module
from articles.search.whoosh_engine.internals import merging, searcher

from .helpers import check_index, ids, indexed_ids, visible, visible_ids, whoosh_writer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def segment_count() -> int:
    return len(searcher.get_searcher().reader().leaf_readers())


def leftovers() -> list[str]:
    return [name for name in os.listdir(searcher.index_path()) if name.startswith(merging.SCRATCH_PREFIX)]


def save_titles(article, titles) -> None:
    for title in titles:
        article.title = title
        article.save()  # a commit of its own: one small segment each


def during_swap(monkeypatch, action) -> None:
    """Run ``action`` after the merged segment is written and before it is swapped in."""
    original = merging.swap_in

    def swap_in(*args, **kwargs):
        action()
        return original(*args, **kwargs)

    monkeypatch.setattr(merging, "swap_in", swap_in)


def five_articles_saved() -> list:
    """Five different articles saved one by one: five one-article segments, a size class to merge."""
    articles = visible()[:5]
    for number, article in enumerate(articles):
        save_titles(article, [f"合并前的第{'一二三四五'[number]}篇"])
    return articles


@pytest.mark.usefixtures("two_pages")
def test_saves_made_while_a_merge_is_written_do_not_wait_and_are_kept(monkeypatch, settings):
    articles = five_articles_saved()
    before = segment_count()

    def saves_meanwhile():
        settings.KFQ_INDEX_LOCK_TIMEOUT = 0  # a save that had to wait would fail
        save_titles(articles[4], ["合并期间的标题"])  # deletes its copy in a segment being merged
        save_titles(visible()[6], ["另一篇合并期间"])
        assert ids("合并期间的标题") == [articles[4].pk]  # searchable before the merge is swapped in

    during_swap(monkeypatch, saves_meanwhile)
    assert connections["default"].get_backend().tidy() is True
    assert segment_count() <= before - 4 + 2  # five (or more) became one; the two saves added theirs
    assert ids("合并期间的标题") == [articles[4].pk]
    assert ids("合并前的第五篇") == []  # the copy deleted while merging stays deleted in the merged segment
    assert ids("合并前的第一篇") == [articles[0].pk]
    assert ids("另一篇合并期间") == [visible()[6].pk]
    assert indexed_ids() == visible_ids()  # each article once
    assert check_index()[0]
    assert leftovers() == []


@pytest.mark.usefixtures("two_pages")
def test_segments_of_an_article_saved_again_are_dropped_without_a_merge(monkeypatch):
    first = visible()[0]
    save_titles(first, ["甲次标题", "乙次标题", "丙次标题"])  # the first two segments hold only deleted copies
    before = segment_count()
    written = []
    monkeypatch.setattr(merging, "SegmentReader", lambda *args: written.append(args))  # nothing is read
    assert connections["default"].get_backend().tidy() is True
    assert segment_count() == before - 2
    assert written == []
    assert ids("丙次标题") == [first.pk] and ids("乙次标题") == []
    assert indexed_ids() == visible_ids()
    assert connections["default"].get_backend().tidy() is False  # nothing left to do


@pytest.mark.usefixtures("two_pages")
def test_a_merge_whose_segments_were_merged_by_another_writer_is_dropped(monkeypatch):
    articles = five_articles_saved()
    during_swap(monkeypatch, lambda: whoosh_writer().commit(optimize=True))  # one segment, all others gone
    assert connections["default"].get_backend().tidy() is False
    assert segment_count() == 1
    assert ids("合并前的第五篇") == [articles[4].pk]
    assert indexed_ids() == visible_ids()
    assert leftovers() == []


@pytest.mark.usefixtures("two_pages")
def test_a_merge_that_cannot_take_the_write_lock_changes_nothing(monkeypatch):
    articles = five_articles_saved()
    before = segment_count()
    holders = []
    during_swap(monkeypatch, lambda: holders.append(whoosh_writer()))  # another writer, busy
    try:
        assert connections["default"].get_backend().tidy(timeout=0.1) is False
    finally:
        for holder in holders:
            holder.cancel()
    assert segment_count() == before
    assert ids("合并前的第五篇") == [articles[4].pk]
    assert leftovers() == []


@pytest.mark.usefixtures("two_pages")
def test_one_merge_at_a_time_and_a_killed_merges_folder_is_removed():
    articles = five_articles_saved()
    before = segment_count()
    killed = searcher.index_path() / f"{merging.SCRATCH_PREFIX}killed"
    killed.mkdir()
    (killed / "MAIN_0123456789abcdef.seg").write_bytes(b"half written")
    index = searcher.open_index()
    other_merge = index.lock(merging.MERGE_LOCK)
    assert other_merge.acquire()
    try:
        assert connections["default"].get_backend().tidy() is False  # another process is merging
        assert segment_count() == before
    finally:
        other_merge.release()
    assert connections["default"].get_backend().tidy() is True
    assert segment_count() <= before - 4
    assert leftovers() == []
    assert ids("合并前的第五篇") == [articles[4].pk]


def test_segments_are_merged_five_of_a_size_class_at_a_time():
    class Segment:
        def __init__(self, live):
            self.live = live

        def doc_count(self):
            return self.live

    def merged(*sizes):
        return sorted(segment.live for segment in merging.segments_to_merge([Segment(n) for n in sizes]))

    assert merged(1, 1, 1, 1) == []
    assert merged(1, 2, 1, 4, 1, 20000) == [1, 1, 1, 2, 4]
    assert merged(12, 1, 1, 1, 1) == []  # a dozen articles are not merged again with every few saves
    assert merged(5, 9, 24, 6, 7, 1, 1) == [5, 6, 7, 9, 24]
    assert merged(0, 0, 0, 0, 0) == []  # empty segments are dropped, not merged


@pytest.mark.usefixtures("two_pages")
def test_saves_outside_requests_merge_once_small_segments_pile_up(monkeypatch):
    monkeypatch.setattr(backend_module, "MAX_SMALL_SEGMENTS", 4)
    first = visible()[0]
    counts = []
    for title in ["甲次标题", "乙次标题", "丙次标题", "丁次标题", "戊次标题", "己次标题", "庚次标题"]:
        save_titles(first, [title])
        counts.append(segment_count())
    assert max(counts) <= 4
    assert ids("庚次标题") == [first.pk]
    assert indexed_ids() == visible_ids()


@pytest.mark.usefixtures("two_pages")
def test_a_saved_article_keeps_its_postings_in_the_term_dictionary_and_is_found_by_word_and_phrase():
    from whoosh.codec.whoosh3 import W3Codec

    first = visible()[0]
    save_titles(first, ["孝义经济开发区测速标记"])
    reader = searcher.get_searcher().reader()
    saved = min((leaf for leaf, _ in reader.leaf_readers()), key=lambda leaf: leaf.doc_count_all())
    assert saved.doc_count_all() == 1
    terms = list(saved.all_terms())
    assert len(terms) > 100
    assert all(saved.term_info(field, text).is_inlined() for field, text in terms)  # no postings blocks
    assert type(saved.segment().codec()) is W3Codec  # the index records Whoosh's own codec
    toc = next(searcher.index_path().glob("_MAIN_*.toc")).read_bytes()
    assert b"articles.search.whoosh_engine.internals.codec" not in toc  # reading needs nothing of the writing codec
    assert ids("测速标记") == [first.pk]
    assert ids('"开发区测速"') == [first.pk]


@pytest.mark.usefixtures("two_pages")
def test_searches_go_on_at_once_after_a_segment_file_vanished_while_the_searcher_was_renewed(monkeypatch):
    import time

    import whoosh.index
    import whoosh.reading

    first = visible()[0]
    assert indexed_ids() == visible_ids()  # this process's searcher is open
    save_titles(first, ["文件消失后的标题"])  # a new generation: the next search renews the searcher
    original = whoosh.reading.SegmentReader.__init__
    vanished = []
    paused = []

    def opens(self, *args, **kwargs):
        if not vanished:  # another process's merge deleted this file just after the TOC was read
            vanished.append(True)
            raise FileNotFoundError("segment merged away")
        return original(self, *args, **kwargs)

    def sleep(seconds):
        paused.append(seconds)

    monkeypatch.setattr(whoosh.reading.SegmentReader, "__init__", opens)
    monkeypatch.setattr(whoosh.index, "sleep", sleep)  # Whoosh's reader() waits 50 ms before reading again
    monkeypatch.setattr(time, "sleep", sleep)
    assert ids("文件消失后的标题") == [first.pk]  # the table of contents is read again
    assert vanished and sum(paused) < 0.005  # at once: the newer table is written before files are deleted
    save_titles(first, ["之后的标题"])
    assert ids("之后的标题") == [first.pk]  # and the process's searches keep working


@pytest.mark.usefixtures("two_pages")
def test_a_save_in_a_request_leaves_merging_until_its_response_is_sent(monkeypatch):
    from django.core.signals import request_finished, request_started

    monkeypatch.setattr(backend_module, "MAX_SMALL_SEGMENTS", 100)
    articles = five_articles_saved()  # five small segments waiting, no merge yet
    monkeypatch.setattr(backend_module, "MAX_SMALL_SEGMENTS", 2)  # the next commit finds them piled up
    merges = []
    original = merging.merge_small_segments
    monkeypatch.setattr(merging, "merge_small_segments", lambda *args: merges.append(1) or original(*args))
    request_started.send(sender=None)  # what Django's handler sends around each request
    save_titles(articles[0], ["请求中的保存"])
    assert merges == []  # not before the response
    assert ids("请求中的保存") == [articles[0].pk]
    request_finished.send(sender=None)
    assert merges == [1]
    assert leftovers() == [] and indexed_ids() == visible_ids()
