"""Real child processes on a real SQLite file database and Whoosh index in a temporary data folder.

tests/settings.py gives each process that imports it a fresh temporary KFQ_DATA_DIR, so children get
an explicit environment instead: the real settings module and the test's own data folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def child_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_DEBUG")}
    env.update(
        KFQ_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="kfq_archive.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",  # progress lines arrive as they are written
    )
    return env


def start(data_dir: Path, *args, module: str | None = None) -> subprocess.Popen:
    """``manage.py ARGS`` (or ``python -m MODULE ARGS``) running, stdout and stderr piped."""
    command = [sys.executable, "-m", module] if module else [sys.executable, str(ROOT / "manage.py")]
    return subprocess.Popen(
        [*command, *map(str, args)],
        cwd=ROOT,
        env=child_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: float = 600) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def run(data_dir: Path, *args, module: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return finish(start(data_dir, *args, module=module), timeout)


def manage(data_dir: Path, *args, timeout: float = 600) -> str:
    """``manage.py ARGS``, which must succeed; its stdout."""
    done = run(data_dir, *args, timeout=timeout)
    assert done.returncode == 0, f"manage.py {' '.join(map(str, args))}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done.stdout


def worker(data_dir: Path, *args) -> object:
    """``tests.search.worker ARGS``, which must succeed; its JSON answer."""
    done = run(data_dir, *args, module="tests.search.worker")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def assert_index_equals_database(data_dir: Path, workers: int = 0, rounds: int = 0) -> dict:
    """The index holds each visible article once and nothing else, the backlog is empty, check_index agrees."""
    state = worker(data_dir, "state", workers, rounds)
    assert state["backlog"] == 0
    assert state["strays"] == 0
    assert sorted(map(int, state["indexed"])) == sorted(map(int, state["visible"]))
    assert set(state["indexed"].values()) <= {1}
    check = run(data_dir, "check_index")
    assert check.returncode == 0, check.stdout + check.stderr
    return state
