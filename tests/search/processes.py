"""Real child processes sharing one database and one Whoosh index in a temporary data folder.

tests/settings.py gives each process that imports it a fresh temporary KFQ_DATA_DIR, so children get
an explicit environment instead: the real settings module, the test's own data folder, and a database
of their own: a SQLite file there, or, when the suite runs on PostgreSQL (KFQ_TEST_DATABASE_URL), a
throwaway database on that server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Site:
    data: Path  # KFQ_DATA_DIR: the index (and the SQLite file, without database_url)
    database_url: str | None = None

    @property
    def index(self) -> Path:
        return self.data / "whoosh_index"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_DEBUG")}
        env.update(
            KFQ_DATA_DIR=str(self.data),
            DJANGO_SETTINGS_MODULE="kfq_archive.settings",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",  # progress lines arrive as they are written
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def start(self, *args, module: str | None = None) -> subprocess.Popen:
        """``manage.py ARGS`` (or ``python -m MODULE ARGS``) running, stdout and stderr piped."""
        command = [sys.executable, "-m", module] if module else [sys.executable, str(ROOT / "manage.py")]
        return subprocess.Popen(
            [*command, *map(str, args)],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args, module: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        return finish(self.start(*args, module=module), timeout)

    def manage(self, *args, timeout: float = 600) -> str:
        """``manage.py ARGS``, which must succeed; its stdout."""
        done = self.run(*args, timeout=timeout)
        assert done.returncode == 0, f"manage.py {' '.join(map(str, args))}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
        return done.stdout

    def worker(self, *args) -> object:
        """``tests.search.worker ARGS``, which must succeed; its JSON answer."""
        done = self.run(*args, module="tests.search.worker")
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)

    def assert_index_equals_database(self, workers: int = 0, rounds: int = 0) -> dict:
        """The index holds each visible article once and nothing else, the backlog is empty, check_index agrees."""
        state = self.worker("state", workers, rounds)
        assert state["backlog"] == 0
        assert state["strays"] == 0
        assert sorted(map(int, state["indexed"])) == sorted(map(int, state["visible"]))
        assert set(state["indexed"].values()) <= {1}
        check = self.run("check_index")
        assert check.returncode == 0, check.stdout + check.stderr
        return state


def finish(process: subprocess.Popen, timeout: float = 600) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@contextmanager
def site(data: Path) -> Iterator[Site]:
    """A migrated site for child processes; its PostgreSQL database (if any) is dropped afterwards."""
    server = os.environ.get("KFQ_TEST_DATABASE_URL")
    if not server:
        here = Site(data)
        here.manage("migrate", "--noinput")
        yield here
        return
    import psycopg

    name = f"kfq_processes_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        try:
            here = Site(data, database_url=_with_database(server, name))
            here.manage("migrate", "--noinput")
            yield here
        finally:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(url: str, name: str) -> str:
    """The server URL naming database ``name`` (the path of the URL) instead of its own."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
