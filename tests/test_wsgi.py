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
