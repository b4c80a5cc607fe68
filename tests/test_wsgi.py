"""The WSGI module loads the search dictionary before gunicorn forks its workers (``--preload``)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = textwrap.dedent(
    """
    import os

    import kfq_archive.wsgi  # what gunicorn --preload imports in the master
    from django.db import connection

    from articles.search import analysis

    built = analysis._jieba
    assert built is not None, "the dictionary was not built at import"
    assert analysis._from_db, "the archive's words were not read from the database"
    assert "长子经开区" in analysis._known_words  # a zone's printed alias, from the database
    assert connection.connection is None, "a database connection would cross the fork"
    pid = os.fork()
    if pid == 0:  # a worker: the master's dictionary, nothing built again
        os._exit(0 if analysis.segmenter() is built and analysis.words("长子经开区") == ["长子经开区"] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked worker did not use the master's dictionary"
    print("ok")
    """
)


def test_importing_the_wsgi_module_builds_the_dictionary_once_for_the_forked_workers(tmp_path):
    env = {**os.environ, "KFQ_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kfq_archive.settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


WARMED = textwrap.dedent(
    """
    import os

    from articles.models import Article
    from articles.search import arrays, searcher

    import kfq_archive.wsgi  # noqa: F401  what gunicorn --preload imports in the master

    assert getattr(searcher._local, "searcher", None) is None, "index files open in the master would cross the fork"
    assert arrays._segments, "the index's arrays were not read before the fork"
    reads = []
    original = arrays.read_postings
    arrays.read_postings = lambda *args: reads.append(args[1:]) or original(*args)
    pid = os.fork()
    if pid == 0:  # a worker's first search: every facet of the archive, read from the master's arrays
        from articles.search import service

        service.forget_answers()  # not the master's answer: computed again, from the arrays
        result = service.search("")
        expected = Article.objects.visible().count()
        os._exit(0 if result.count == expected and result.facets["city"] and not reads else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the worker's first search built the facet arrays again"
    print("ok")
    """
)


def test_the_wsgi_module_reads_the_index_ahead_so_a_workers_first_search_builds_nothing(tmp_path):
    env = {**os.environ, "KFQ_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kfq_archive.settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["ingest", str(ROOT / "seeds")], ["update_index", "--remove"]):
        subprocess.run([*manage, *command, "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + WARMED],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
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
    env = {**os.environ, "KFQ_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kfq_archive.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_DEBUG", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate"], ["collectstatic"]):  # as served: the error page has its stylesheet
        subprocess.run([*manage, *command, "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-c", FAILING_REQUEST], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.stdout.strip() == "500", done.stderr[-2000:]
    assert "Internal Server Error: /search/" in done.stderr  # what gunicorn's log shows
    assert "Traceback (most recent call last)" in done.stderr
