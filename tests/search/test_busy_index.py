"""An editor's save never waits on a long index write (an ingest run): it leaves its article in the index
backlog after a short wait, and the ingest takes it before it lets the index go. Real processes: a
``manage.py ingest`` of a corpus, and an admin save in another process while the ingest writes the index."""

import json
import time
from pathlib import Path

from bench.make_corpus import make_corpus
from tests.search.processes import finish, site

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_4f498078279679f1.txt"


def test_a_save_during_an_ingests_index_write_returns_at_once_and_is_indexed_after(tmp_path):
    make_corpus(tmp_path / "corpus", articles=1500, seed=7)
    with site(tmp_path / "data") as archive:
        archive.manage("ingest", SEED)
        pk = archive.worker("state")["visible"].popitem()[0]
        exported = archive.manage("export_articles", "--all").splitlines()

        ready = tmp_path / "form-opened"
        editor = archive.start("admin-save", pk, "索引忙时保存的标题", ready, module="tests.search.worker")
        deadline = time.monotonic() + 300
        while not ready.exists() and editor.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        ingest = archive.start("ingest", tmp_path / "corpus")
        saved, done = finish(editor), finish(ingest)
        assert saved.returncode == 0, saved.stderr[-3000:]
        assert done.returncode == 0, done.stderr[-3000:]
        save = json.loads(saved.stdout)

        assert save["status"] == 302
        assert save["writer_still_busy"], "the save finished only after the ingest let the index go"
        assert save["seconds"] < 10  # the index lock is waited for 30 s at most; a save waits 1 s
        state = archive.assert_index_equals_database()  # the backlog empty, the new title indexed
        assert state["visible"][pk] == "索引忙时保存的标题"
        after = {line for line in archive.manage("export_articles", "--all").splitlines()}
        assert {line for line in exported if f'"id": {pk},' not in line} <= after  # nothing else changed
