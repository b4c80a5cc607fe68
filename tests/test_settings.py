import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings


def test_tests_use_a_temporary_data_folder():
    assert settings.KFQ_DATA_DIR != Path(settings.BASE_DIR) / "var"
    assert "kfq-test-" in str(settings.KFQ_DATA_DIR)


def test_secret_key_is_generated_into_the_data_folder():
    key_file = settings.KFQ_DATA_DIR / "secret_key"
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert len(settings.SECRET_KEY) >= 50


def test_safe_defaults():
    assert settings.DEBUG is False
    assert {"127.0.0.1", "localhost"} <= set(settings.ALLOWED_HOSTS)  # pytest-django adds testserver
    assert settings.KFQ_MAX_UPLOAD_BYTES == 2 * 1024 * 1024
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


# --- Environment variables, read and checked by kfq_archive/settings.py in a fresh process ---------------
ROOT = Path(__file__).resolve().parent.parent
SHOWN = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECRET_KEY",
    "KFQ_MAX_UPLOAD_BYTES",
    "KFQ_MAX_UPLOAD_FILES",
    "KFQ_MAX_UPLOAD_TOTAL_BYTES",
    "KFQ_MAX_REQUEST_BYTES",
    "KFQ_PAGE_CACHE",
    "KFQ_INDEX_LOCK_TIMEOUT",
    "KFQ_INDEX_PROCS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "RATELIMIT_ENABLE",
)


def start(tmp_path, **variables) -> subprocess.CompletedProcess:
    """Imports the settings in a new process with these variables and none other of the archive's; prints
    the SHOWN settings as JSON."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KFQ_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environ.update({"KFQ_DATA_DIR": str(tmp_path / "data"), **variables})
    code = (
        "import json; from kfq_archive import settings as s; "
        f"print(json.dumps({{name: getattr(s, name, None) for name in {SHOWN!r}}}, default=str))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


def started(tmp_path, **variables) -> dict:
    done = start(tmp_path, **variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refused(tmp_path, **variables) -> str:
    """The last line of the traceback of a start-up the variables stop."""
    done = start(tmp_path, **variables)
    assert done.returncode != 0, done.stdout
    return done.stderr.strip().splitlines()[-1]


def test_unset_and_blank_variables_take_their_defaults(tmp_path):
    defaults = {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "KFQ_MAX_UPLOAD_BYTES": 2 * 1024 * 1024,
        "KFQ_MAX_UPLOAD_FILES": 40,
        "KFQ_MAX_UPLOAD_TOTAL_BYTES": 20 * 1024 * 1024,
        "KFQ_MAX_REQUEST_BYTES": 21 * 1024 * 1024,
        "KFQ_PAGE_CACHE": 2000,
        "KFQ_INDEX_LOCK_TIMEOUT": 30.0,
        "KFQ_INDEX_PROCS": None,  # the command's own default: the CPUs, at most 2
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": "0:15:00",
        "RATELIMIT_ENABLE": True,
    }
    unset = started(tmp_path)
    assert {name: unset[name] for name in defaults} == defaults
    assert unset["CSRF_TRUSTED_ORIGINS"] == [] and unset["SECURE_HSTS_SECONDS"] is None
    assert unset["SECRET_KEY"] == (tmp_path / "data" / "secret_key").read_text().strip()

    blank = {
        name: " "
        for name in (
            "DJANGO_DEBUG",
            "DJANGO_SECRET_KEY",
            "DATABASE_URL",
            "KFQ_MAX_UPLOAD_BYTES",
            "KFQ_MAX_UPLOAD_FILES",
            "KFQ_MAX_UPLOAD_TOTAL_BYTES",
            "KFQ_MAX_REQUEST_BYTES",
            "KFQ_PAGE_CACHE",
            "KFQ_INDEX_LOCK_TIMEOUT",
            "KFQ_INDEX_PROCS",
            "KFQ_LOGIN_FAILURE_LIMIT",
            "KFQ_LOGIN_COOLOFF_MINUTES",
            "DJANGO_HSTS_SECONDS",
        )
    }
    blank["DJANGO_SECRET_KEY"] = ""
    assert {name: value for name, value in started(tmp_path, **blank).items() if name in defaults} == defaults


def test_values_are_read_as_written(tmp_path):
    shown = started(
        tmp_path,
        DJANGO_DEBUG="TRUE",
        DJANGO_ALLOWED_HOSTS=" kfq.example.org, ,www.kfq.example.org ",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://kfq.example.org",
        DJANGO_SECRET_KEY="$not-a-variable-name",  # django-environ would look a variable up by it
        KFQ_MAX_UPLOAD_BYTES=" 1048576 ",
        KFQ_MAX_REQUEST_BYTES="0",
        KFQ_PAGE_CACHE=" 0 ",
        KFQ_INDEX_LOCK_TIMEOUT="2.5",
        KFQ_INDEX_PROCS="3",
        KFQ_LOGIN_COOLOFF_MINUTES="60",
        DJANGO_SECURE_SSL="on",
        DJANGO_HSTS_SECONDS="600",
        DJANGO_HSTS_PRELOAD="No",
        KFQ_SEARCH_RATE="",
    )
    assert shown["DEBUG"] is True
    assert shown["ALLOWED_HOSTS"] == ["kfq.example.org", "www.kfq.example.org"]
    assert shown["CSRF_TRUSTED_ORIGINS"] == ["https://kfq.example.org"]
    assert shown["SECRET_KEY"] == "$not-a-variable-name"
    assert shown["KFQ_MAX_UPLOAD_BYTES"] == 1048576 and shown["KFQ_MAX_REQUEST_BYTES"] == 0  # 0: no limit
    assert (shown["KFQ_PAGE_CACHE"], shown["KFQ_INDEX_LOCK_TIMEOUT"], shown["KFQ_INDEX_PROCS"]) == (0, 2.5, 3)
    assert shown["AXES_COOLOFF_TIME"] == "1:00:00"
    assert shown["SECURE_HSTS_SECONDS"] == 600 and shown["SECURE_HSTS_PRELOAD"] is False
    assert shown["RATELIMIT_ENABLE"] is False  # set but blank: no limit, as documented


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("KFQ_MAX_UPLOAD_BYTES", "2M", "a whole number of bytes ≥ 1"),
        ("KFQ_MAX_UPLOAD_BYTES", "0", "a whole number of bytes ≥ 1"),
        ("KFQ_MAX_UPLOAD_FILES", "forty", "a whole number of files ≥ 1"),
        ("KFQ_MAX_UPLOAD_TOTAL_BYTES", "20MiB", "a whole number of bytes ≥ 1"),
        ("KFQ_MAX_REQUEST_BYTES", "-1", "a whole number of bytes"),
        ("DJANGO_HSTS_SECONDS", "1y", "a whole number of seconds"),
        ("KFQ_LOGIN_FAILURE_LIMIT", "0", "a whole number of failed logins ≥ 1"),
        ("KFQ_LOGIN_COOLOFF_MINUTES", "1.5", "a whole number of minutes ≥ 1"),
        ("KFQ_PAGE_CACHE", "many", "a whole number of pages"),
        ("KFQ_INDEX_PROCS", "0", "a whole number of processes ≥ 1"),
        ("KFQ_INDEX_LOCK_TIMEOUT", "soon", "a number of seconds ≥ 0"),
        ("KFQ_INDEX_LOCK_TIMEOUT", "-1", "a number of seconds ≥ 0"),
        ("KFQ_INDEX_LOCK_TIMEOUT", "nan", "a number of seconds ≥ 0"),
        ("KFQ_INDEX_LOCK_TIMEOUT", "inf", "a number of seconds ≥ 0"),
        ("KFQ_INDEX_LOCK_TIMEOUT", "2.5s", "a number of seconds ≥ 0"),
    ],
)
def test_a_bad_number_stops_start_up_naming_the_variable(tmp_path, name, value, expected):
    said = refused(tmp_path, **{name: value})
    assert said == f"django.core.exceptions.ImproperlyConfigured: {name}: expected {expected}, got {value!r}"


@pytest.mark.parametrize("name", ["DJANGO_DEBUG", "DJANGO_SECURE_SSL", "DJANGO_BEHIND_PROXY", "DJANGO_HSTS_PRELOAD"])
def test_a_flag_that_is_neither_on_nor_off_stops_start_up(tmp_path, name):
    said = refused(tmp_path, **{name: "ture"})
    assert said == (
        f"django.core.exceptions.ImproperlyConfigured: {name}: expected 1/true/yes/on or 0/false/no/off, got 'ture'"
    )


def test_a_bad_database_url_is_named_without_showing_its_password(tmp_path):
    said = refused(tmp_path, DATABASE_URL="postgres://kfq:hunter2@db.internal:port/kfq")
    assert said.startswith("django.core.exceptions.ImproperlyConfigured: DATABASE_URL: expected a database URL")
    assert "hunter2" not in start(tmp_path, DATABASE_URL="postgres://kfq:hunter2@db.internal:port/kfq").stderr
    assert "DATABASE_URL: expected a database URL" in refused(tmp_path, DATABASE_URL="mysql//kfq")


def test_a_data_folder_that_cannot_be_made_is_named(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    said = refused(tmp_path, KFQ_DATA_DIR=str(tmp_path / "taken"))
    assert said.startswith(
        f"django.core.exceptions.ImproperlyConfigured: KFQ_DATA_DIR: cannot create the folder {tmp_path}"
    )


def test_rebuild_index_takes_its_processes_from_the_setting_when_it_runs(settings):
    from articles.search.management.commands.rebuild_index import default_procs

    settings.KFQ_INDEX_PROCS = 3
    assert default_procs() == 3
    settings.KFQ_INDEX_PROCS = None
    assert 1 <= default_procs() <= 2


def test_the_readme_configuration_table_lists_exactly_the_variables_read():
    """The README's table is the operator's reference: every variable settings read is in it, and
    nothing else is."""
    code = "".join((ROOT / "kfq_archive" / name).read_text() for name in ("settings.py", "search_engine.py"))
    read = set(re.findall(r"[\"']((?:KFQ|DJANGO)_[A-Z0-9_]+|DATABASE_URL)[\"']", code))
    section = (ROOT / "README.md").read_text().split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    listed = {name for cell in first_cells for name in re.findall(r"`([A-Z0-9_]+)`", cell)}
    assert read == listed
