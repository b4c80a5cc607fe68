"""Run in child processes by the concurrency and crash tests:

    python -m tests.search.worker edit WORKER ROUNDS SEED   edits as editors do, prints what it did (JSON)
    python -m tests.search.worker search STOP_FILE          searches until STOP_FILE exists, prints failures
    python -m tests.search.worker state [WORKERS ROUNDS]    prints the database and index side (JSON)
    python -m tests.search.worker pages                     prints each page's stored and parsed articles
    python -m tests.search.worker admin-save PK TITLE READY an editor's save through the admin (test client),
                                                            the form opened (then READY written) before
                                                            another process takes the index writer

Each child gets its settings from the environment the test builds (``processes.child_env``): the real
settings module and a temporary KFQ_DATA_DIR holding a SQLite file database and a Whoosh index.
"""

from __future__ import annotations

import json
import random
import sys
import time

DIGITS = "零一二三四五六七八九"


def token(worker: int, step: int) -> str:
    """A title no other edit uses, in Chinese characters so search matches it as printed."""
    return "并发稿件" + "".join(DIGITS[int(d)] for d in f"{worker}{step:03d}")


def with_retries(action):
    """SQLite lets one process write at a time; a transaction that finds it busy is tried again."""
    from django.db import OperationalError

    for attempt in range(100):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.02 * (1 + attempt % 10))
    return None


def edit(worker: int, rounds: int, seed: int) -> dict:
    """Title edits, hide/show and deletes on articles chosen at random (other workers choose from the same
    articles), each in its own transaction as an admin save is."""
    from django.db import transaction

    from articles.models import Article

    rng = random.Random(seed * 1000 + worker)
    pks = sorted(Article.objects.values_list("pk", flat=True))
    started = time.time()
    done = []
    for step in range(rounds):
        pk = rng.choice(pks)
        action = rng.choices(["title", "hide", "show", "delete"], weights=[5, 2, 2, 1])[0]

        def apply(pk=pk, action=action, step=step):
            with transaction.atomic():
                article = Article.objects.filter(pk=pk).first()
                if article is None:
                    return "gone"
                if action == "title":
                    article.title = token(worker, step)
                elif action in ("hide", "show"):
                    article.is_published = action == "show"
                else:
                    article.delete()
                    return "deleted"
                article.save()
                return "saved"

        done.append([pk, action, with_retries(apply)])
    return {"started": started, "ended": time.time(), "done": done}


def searching(stop_file: str, longest: float = 300.0) -> dict:
    """Search as readers do while others save (each save a new index generation, merges deleting the
    files of merged segments), until ``stop_file`` exists; what failed, and how many generations were seen."""
    from pathlib import Path

    from articles.search import search
    from articles.search.whoosh_engine.internals.searcher import get_searcher, stamp_of

    deadline = time.time() + longest
    searches, errors, generations = 0, [], set()
    while not Path(stop_file).exists() and time.time() < deadline:
        for query in ("并发稿件", ""):
            try:
                search(query)
                generations.add(stamp_of(get_searcher()))
            except Exception as error:  # reported, not raised: every failure counts
                errors.append(repr(error))
            searches += 1
    return {"searches": searches, "errors": errors[:10], "failures": len(errors), "generations": len(generations)}


def state(workers: int = 0, rounds: int = 0) -> dict:
    """The visible articles and their titles, the index's article ids, the backlog, and what searching
    for each title the edit workers may have written finds."""
    from articles.models import Article
    from articles.search import search
    from articles.search.models import IndexBacklog
    from articles.search.whoosh_engine.consistency import index_entries
    from articles.search.whoosh_engine.internals.searcher import get_searcher

    visible = dict(Article.objects.visible().values_list("pk", "title"))
    entries, strays = index_entries(get_searcher().reader())
    titles = [token(worker, step) for worker in range(workers) for step in range(rounds)]
    found = {title: [hit.article.pk for hit in search(f'"{title}"', per_page=50).hits] for title in titles}
    return {
        "visible": visible,
        "indexed": {str(pk): len(docs) for pk, docs in entries.items()},
        "strays": len(strays),
        "backlog": IndexBacklog.objects.count(),
        "found": found,
    }


def pages() -> list[list]:
    """Each stored page: its file, its articles, and how many articles its stored text parses into."""
    from articles.gazetteer_db import gazetteer_from_db
    from articles.models import Page
    from articles.parsing import parse_page
    from articles.services.ingest import parser_input

    gazetteer = gazetteer_from_db()
    return [
        [page.source_file, page.articles.count(), len(parse_page(parser_input(page.raw_text), gazetteer).articles)]
        for page in Page.objects.order_by("pk")
    ]


def writer_busy(index) -> bool:
    """Whether some process holds the Whoosh writer lock (taken and released at once when free)."""
    import fcntl
    import os

    lock = index / "MAIN_WRITELOCK"
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_WRONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def admin_save(pk: str, title: str, ready_file: str, longest: float = 300.0) -> dict:
    """Open the article's change form as an editor (then write ``ready_file``), wait until another process
    writes the index, then save a new title; how long the save took and whether that writer still held
    the index after it."""
    from pathlib import Path

    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from articles.search.whoosh_engine.internals.searcher import index_path
    from tests.admin.conftest import change_form_data

    setup_test_environment()  # the response's context, for the form as rendered
    # No collectstatic in this archive: pages name the static files as they are.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    user = User.objects.create_user("busy-editor", password="pw-busy-2026", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(user)
    url = f"/admin/articles/article/{pk}/change/"
    data = change_form_data(client.get(url))
    data["title"] = title
    Path(ready_file).touch()
    deadline = time.time() + longest
    while not writer_busy(index_path()) and time.time() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    response = client.post(url, data)
    seconds = time.monotonic() - started
    return {"status": response.status_code, "seconds": seconds, "writer_still_busy": writer_busy(index_path())}


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command, *args = argv
    if command == "edit":
        result = edit(*map(int, args))
    elif command == "search":
        result = searching(*args)
    elif command == "state":
        result = state(*map(int, args))
    elif command == "pages":
        result = pages()
    elif command == "admin-save":
        result = admin_save(*args)
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
