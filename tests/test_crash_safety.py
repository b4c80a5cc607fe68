"""A process killed (SIGKILL) in the middle of an ingest or of an index write leaves the database whole
and the index repairable: ``check_index`` sees the drift, ``check_index --repair`` ends it.

Real processes (``manage.py ingest``) on a database of their own (a SQLite file, or PostgreSQL when the
suite runs on it) and a Whoosh index in a temporary folder.
"""

import signal
import time
from pathlib import Path

import pytest

from bench.make_corpus import make_corpus
from tests.search.processes import Site, site
from tests.search.worker import writer_busy

WAIT = 300  # seconds to wait for a sign of progress (slow, loaded machines)


@pytest.fixture
def corpus(tmp_path) -> Path:
    make_corpus(tmp_path / "corpus", articles=150, seed=4)
    return tmp_path / "corpus"


@pytest.fixture
def archive(tmp_path) -> Site:
    with site(tmp_path / "data") as here:
        yield here


def assert_no_half_pages(archive: Site) -> int:
    """Every stored page holds all the articles its text parses into; returns the number of pages."""
    pages = archive.worker("pages")
    for source_file, stored, parsed in pages:
        assert stored == parsed, source_file
    return len(pages)


def kill(process) -> None:
    assert process.poll() is None, "the process finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def repair_and_compare(archive: Site) -> None:
    check = archive.run("check_index")
    assert check.returncode == 1, check.stdout + check.stderr  # drift is seen and reported
    assert "missing" in check.stdout
    archive.manage("check_index", "--repair")
    archive.assert_index_equals_database()


def test_killed_during_an_ingest_run(corpus, archive):
    process = archive.start("ingest", corpus)
    created = 0
    deadline = time.monotonic() + WAIT
    while created < 8 and time.monotonic() < deadline:  # pages are being stored, one transaction each
        created += process.stdout.readline().startswith("created")
    kill(process)

    stored = assert_no_half_pages(archive)
    assert created <= stored < len(list(corpus.glob("*.txt")))
    repair_and_compare(archive)

    # Running the ingest again stores the rest; the index follows.
    archive.manage("ingest", corpus)
    assert assert_no_half_pages(archive) == len(list(corpus.glob("*.txt")))
    archive.assert_index_equals_database()


def test_killed_while_writing_the_index(corpus, archive):
    process = archive.start("ingest", corpus)
    deadline = time.monotonic() + WAIT
    while not writer_busy(archive.index):  # the run writes the index once its pages are stored
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()[-3000:]
        time.sleep(0.01)
    time.sleep(0.5)  # well inside: preparing and adding 150 documents takes seconds
    assert writer_busy(archive.index)
    kill(process)

    assert assert_no_half_pages(archive) == len(list(corpus.glob("*.txt")))
    repair_and_compare(archive)
