"""The WSGI module loads the search dictionary and reads the index before gunicorn forks its workers
(``--preload``); a failing request leaves its traceback in the server's log."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Defined in the scripts below: True when ``check()`` holds in a forked copy of the process, as in a
# gunicorn worker forked from the master.
IN_A_FORKED_WORKER = textwrap.dedent(
    """
    import os

    def in_a_forked_worker(check) -> bool:
        pid = os.fork()
        if pid == 0:
            os._exit(0 if check() else 1)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0
    """
)


def run_in_archive(tmp_path, script: str, *commands: list[str], unset=()) -> subprocess.CompletedProcess:
    """``script`` run by Python in a new archive in ``tmp_path`` (SQLite) after the ``manage.py``
    ``commands``; environment variables ``unset`` are left out."""
    env = {**os.environ, "KFQ_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kfq_archive.settings"}
    for name in ("DATABASE_URL", *unset):
        env.pop(name, None)
    for command in commands:
        manage = [sys.executable, str(ROOT / "manage.py"), *command, "-v", "0"]
        subprocess.run(manage, env=env, cwd=ROOT, check=True, timeout=300)
    run = [sys.executable, "-c", IN_A_FORKED_WORKER + script]
    return subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


CHECK = textwrap.dedent(
    """
    import kfq_archive.wsgi  # what gunicorn --preload imports in the master
    from django.db import connection

    from articles.search import analysis

    built = analysis._jieba
    assert built is not None, "the dictionary was not built at import"
    assert analysis._from_db, "the archive's words were not read from the database"
    assert "长子经开区" in analysis._known_words  # a zone's printed alias, from the database
    assert connection.connection is None, "a database connection would cross the fork"
    assert in_a_forked_worker(  # the master's dictionary, nothing built again
        lambda: analysis.segmenter() is built and analysis.words("长子经开区") == ["长子经开区"]
    ), "the forked worker did not use the master's dictionary"
    print("ok")
    """
)


def test_importing_the_wsgi_module_builds_the_dictionary_once_for_the_forked_workers(tmp_path):
    done = run_in_archive(tmp_path, CHECK, ["migrate", "--noinput"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


WARMED = textwrap.dedent(
    """
    import kfq_archive.wsgi  # what gunicorn --preload imports in the master
    from articles.models import Article
    from articles.search import search
    from articles.search.whoosh_engine import testing
    from articles.search.whoosh_engine.internals import arrays, searcher

    assert getattr(searcher._local, "searcher", None) is None, "index files open in the master would cross the fork"
    assert arrays._segments, "the index's arrays were not read before the fork"
    reads = []
    original = arrays.read_postings
    arrays.read_postings = lambda *args: reads.append(args[1:]) or original(*args)


    def first_search_builds_nothing() -> bool:
        # Every facet of the archive, read from the master's arrays.
        testing.forget_answers()  # not the master's answer: computed again, from the arrays
        result = search("")
        return result.count == Article.objects.visible().count() and bool(result.facets["city"]) and not reads


    assert in_a_forked_worker(first_search_builds_nothing), "the worker's first search built the facet arrays again"
    print("ok")
    """
)


def test_the_wsgi_module_reads_the_index_ahead_so_a_workers_first_search_builds_nothing(tmp_path):
    commands = (["migrate", "--noinput"], ["ingest", str(ROOT / "seeds")], ["update_index", "--remove"])
    done = run_in_archive(tmp_path, WARMED, *commands)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


FAILING_REQUEST = textwrap.dedent(
    """
    import django
    from django.conf import settings

    django.setup()
    from pathlib import Path

    from django.test import Client

    folder = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_MAIN_1.toc").write_bytes(b"not a whoosh index" * 10)  # a damaged index volume
    response = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1").get("/search/", {"q": "项目"})
    print(response.status_code)
    """
)


def test_a_request_that_fails_prints_its_traceback_for_the_server_log_without_debug(tmp_path):
    # As served: migrated, and the error page has its stylesheet.
    commands = (["migrate", "--noinput"], ["collectstatic", "--noinput"])
    done = run_in_archive(tmp_path, FAILING_REQUEST, *commands, unset=("DJANGO_DEBUG",))
    assert done.stdout.strip() == "503", done.stderr[-2000:]  # the reader gets a page saying so, not a 500
    assert "Service Unavailable: /search/" in done.stderr  # what gunicorn's log shows
    assert "Traceback (most recent call last)" in done.stderr and "different architecture" in done.stderr
