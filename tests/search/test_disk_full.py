"""A full disk: a write that fails leaves no files behind (each failed attempt used to add its partial
segment: 3.6 -> 11 MB), the committed index stays as it was; and workers let go of deleted segment
files after their next request instead of holding them (and their disk space) until restarted."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.search.whoosh_engine.internals import searcher
from tests.search.processes import site

from .helpers import whoosh_writer

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# A real process whose files may grow to LIMIT bytes only (as on a disk with that much room left):
# the database stays writable, a new index segment of the seed pages does not fit.
REBUILD_ON_A_FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    import django
    django.setup()
    from django.core.management import call_command
    try:
        call_command("rebuild_index", interactive=False, procs=1, verbosity=0)
    except OSError as error:
        print("failed:", error)
    """
)


def test_a_write_that_fails_for_lack_of_room_leaves_nothing_behind(tmp_path):
    with site(tmp_path / "data") as archive:
        archive.manage("ingest", SEEDS)
        exported = archive.manage("export_articles", "--all")
        before = sorted(path.name for path in archive.index.iterdir())
        segment = max(path.stat().st_size for path in archive.index.glob("*.seg"))
        database = archive.data / "kfq.sqlite3"
        # Room for the database (SQLite) to be written in place, not for the new segment.
        limit = database.stat().st_size + 256 * 1024 if archive.database_url is None else segment // 2
        assert limit < segment, "the seed index must not fit in the room left"
        command = [sys.executable, "-c", REBUILD_ON_A_FULL_DISK, str(limit)]
        for _attempt in range(3):
            done = subprocess.run(command, env=archive.env(), capture_output=True, text=True, timeout=300)
            assert "failed:" in done.stdout, done.stdout + done.stderr[-2000:]
        assert sorted(path.name for path in archive.index.iterdir()) == before
        assert archive.manage("export_articles", "--all") == exported  # nothing of the archive lost
        archive.assert_index_equals_database()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("two_pages")
def test_a_worker_lets_go_of_deleted_segment_files_after_its_next_request(client):
    def deleted_index_files_open() -> list[str]:
        index = str(searcher.index_path())
        links = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                links.append(os.readlink(f"/proc/self/fd/{fd}"))
            except FileNotFoundError:  # the listing's own descriptor, closed by now
                continue
        return [link for link in links if link.startswith(index) and link.endswith("(deleted)")]

    assert client.get("/search/?q=开发区").status_code == 200  # this worker's searcher holds the segments
    writer = whoosh_writer()  # another process merges everything into one segment: the old files go
    writer.commit(optimize=True)
    assert deleted_index_files_open()

    client.get("/robots.txt")  # any request, not a search
    assert deleted_index_files_open() == []
    call_command("check_index")
