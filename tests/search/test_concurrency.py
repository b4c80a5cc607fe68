"""Several processes edit and delete articles at once; afterwards the index equals the database.

Real processes on one SQLite file and one Whoosh index: each save queues its article in the index backlog
in its own transaction and drains it after the commit, one Whoosh writer at a time.
"""

import json
import time

from bench.make_corpus import make_corpus

from .processes import assert_index_equals_database, finish, manage, start
from .worker import token

WORKERS = 3
ROUNDS = 25


def test_processes_editing_at_once_leave_the_index_equal_to_the_database(tmp_path):
    data = tmp_path / "data"
    make_corpus(tmp_path / "corpus", articles=80, seed=3)
    manage(data, "migrate", "--noinput")
    manage(data, "ingest", tmp_path / "corpus")

    started = time.monotonic()
    processes = [start(data, "edit", n, ROUNDS, 7, module="tests.search.worker") for n in range(WORKERS)]
    results = [finish(process) for process in processes]
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    assert time.monotonic() - started < 600

    reports = [json.loads(result.stdout) for result in results]
    assert max(report["started"] for report in reports) < min(report["ended"] for report in reports)  # at once
    done = [step for report in reports for step in report["done"]]
    outcomes = {outcome for _, _, outcome in done}
    assert {"saved", "deleted"} <= outcomes  # updates and deletes were interleaved

    state = assert_index_equals_database(data, WORKERS, ROUNDS)
    visible = {int(pk): title for pk, title in state["visible"].items()}
    for worker in range(WORKERS):
        for step in range(ROUNDS):
            title = token(worker, step)
            # Each title written is found exactly on the visible articles that still carry it.
            assert sorted(state["found"][title]) == sorted(pk for pk, now in visible.items() if now == title)
    deleted = {pk for pk, _, outcome in done if outcome == "deleted"}
    assert deleted and not deleted & {int(pk) for pk in state["indexed"]}
