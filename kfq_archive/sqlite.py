"""SQLite, the embedded database: a write-ahead log, synced and checkpointed after the response.

Why: in SQLite's default rollback-journal mode with full sync, a commit waits for the disk to sync,
and with it whatever else the machine has written (such as index segments): now and then hundreds of
times the commit's own work, an editor's save held up with it, and the other worker's searches waiting
for that commit's lock (bench/README.md has the measurements). In WAL mode readers never wait for a writer; with
``synchronous=NORMAL`` a commit writes the log without syncing it, and the log is synced (and copied
into the database file) by a checkpoint: right after the response of each request that wrote, and at
the exit of a process that wrote (a management command). A crash of the process loses nothing
committed; a power cut between a commit and its checkpoint (milliseconds after the response) can undo
that commit, never corrupting the database.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

# Django is imported in the functions: the settings import this module.

log = logging.getLogger(__name__)

# Every connection. BEGIN IMMEDIATE: a transaction that reads, then writes (an admin save) takes the
# write lock at its start, waiting up to the timeout for another writer; a deferred one failed at once
# with "database is locked" when another editor saved between its read and its write.
# The timeout (seconds; Python's default is 5) covers a burst of another process's short transactions
# (an ingest run stores page after page) that SQLite's busy handler may wait through before it gets in.
OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

_local = threading.local()


def database_options(database: dict) -> dict:
    """``DATABASES[alias]`` with the options above when it is SQLite (others unchanged)."""
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return database
    return {**database, "OPTIONS": {**OPTIONS, **database.get("OPTIONS", {})}}


def _open_sqlite():
    """The default connection's open SQLite connection, or None."""
    from django.db import connection

    return connection.connection if connection.vendor == "sqlite" else None


def checkpoint() -> None:
    """Sync the log and copy it into the database file, as far as readers allow (never waiting)."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            _, frames, copied = cursor.fetchone()
        if frames > copied:  # a reader still uses older frames: SQLite may not have synced the log
            log_file = os.open(f"{connection.settings_dict['NAME']}-wal", os.O_RDONLY)
            try:
                os.fdatasync(log_file)
            finally:
                os.close(log_file)
    except (DatabaseError, OSError):  # the next checkpoint syncs it
        log.exception("checkpointing the database's write-ahead log failed")


def _remember_changes(**kwargs) -> None:
    sqlite = _open_sqlite()
    _local.changes = sqlite.total_changes if sqlite else 0  # a connection opened later counts from 0


def _checkpoint_if_written(**kwargs) -> None:
    before, _local.changes = getattr(_local, "changes", 0), 0
    _checkpoint_if_changed(since=before)


def _checkpoint_if_changed(since: int = 0) -> None:
    """Checkpoint if the open connection changed rows since it counted ``since`` (0: since it opened)."""
    sqlite = _open_sqlite()
    if sqlite is not None and sqlite.total_changes > since:
        checkpoint()


def connect() -> None:
    """Checkpoint after each response whose request wrote (the response is sent by then), and at exit."""
    from django.core.signals import request_finished, request_started

    request_started.connect(_remember_changes, dispatch_uid="kfq_sqlite_remember_changes")
    request_finished.connect(_checkpoint_if_written, dispatch_uid="kfq_sqlite_checkpoint")
    atexit.register(_checkpoint_if_changed)
