"""Several processes edit and delete articles at once; afterwards the index equals the database.

Real processes on one database (a SQLite file, or PostgreSQL when the suite runs on it) and one Whoosh
index: each save queues its article in the index backlog in its own transaction and drains it after the
commit, one Whoosh writer at a time.
"""

import json

import pytest

from bench.make_corpus import make_corpus

from .processes import finish, site
from .worker import token

WORKERS = 3
ROUNDS = 25


@pytest.fixture
def archive(tmp_path):
    make_corpus(tmp_path / "corpus", articles=80, seed=3)
    with site(tmp_path / "data") as here:
        here.manage("ingest", tmp_path / "corpus")
        yield here


def test_processes_editing_at_once_leave_the_index_equal_to_the_database(archive):
    stop = archive.data / "stop-searching"
    reader = archive.start("search", stop, module="tests.search.worker")  # a reader searching meanwhile
    processes = [archive.start("edit", n, ROUNDS, 7, module="tests.search.worker") for n in range(WORKERS)]
    results = [finish(process) for process in processes]
    stop.touch()
    searched = finish(reader)
    for result in [*results, searched]:
        assert result.returncode == 0, result.stderr[-3000:]
    searches = json.loads(searched.stdout)
    # Each save made a new generation, merges deleted merged segments' files: no search failed.
    assert searches["failures"] == 0, searches["errors"]
    assert searches["generations"] > 10

    reports = [json.loads(result.stdout) for result in results]
    assert max(report["started"] for report in reports) < min(report["ended"] for report in reports)  # at once
    done = [step for report in reports for step in report["done"]]
    outcomes = {outcome for _, _, outcome in done}
    assert {"saved", "deleted"} <= outcomes  # updates and deletes were interleaved

    state = archive.assert_index_equals_database(WORKERS, ROUNDS)
    assert (archive.data / "kfq.sqlite3").exists() == (archive.database_url is None)  # the database meant
    visible = {int(pk): title for pk, title in state["visible"].items()}
    for worker in range(WORKERS):
        for step in range(ROUNDS):
            title = token(worker, step)
            # Each title written is found exactly on the visible articles that still carry it.
            assert sorted(state["found"][title]) == sorted(pk for pk, now in visible.items() if now == title)
    deleted = {pk for pk, _, outcome in done if outcome == "deleted"}
    assert deleted and not deleted & {int(pk) for pk in state["indexed"]}
