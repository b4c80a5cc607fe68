"""The container image, as far as this machine can check it (there is no Docker engine here):

- the Dockerfile read instruction by instruction: stages, non-root user, volume, health check, command;
- .dockerignore keeps local state out of the build context;
- docker/entrypoint.sh and docker/healthcheck.py run for real, outside a container: migrate, static files,
  seeds, gunicorn with --preload; /healthz, a 413 for an oversized upload, a management command.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "kfq.example.org"


# --- The Dockerfile, read ------------------------------------------------------------------------------


def instructions(path: Path = ROOT / "Dockerfile") -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in path.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    result = []
    for line in logical:
        keyword, _, arguments = line.strip().partition(" ")
        result.append((keyword.upper(), arguments.strip()))
    return result


def stages() -> list[dict]:
    found = []
    for keyword, arguments in instructions():
        if keyword == "FROM":
            image, _, name = arguments.partition(" AS ")
            found.append({"image": image.strip(), "name": name.strip(), "steps": []})
        else:
            found[-1]["steps"].append((keyword, arguments))
    return found


def steps(stage: dict, keyword: str) -> list[str]:
    return [arguments for key, arguments in stage["steps"] if key == keyword]


def env_of(stage: dict) -> dict[str, str]:
    env = {}
    for arguments in steps(stage, "ENV"):
        for pair in shlex.split(arguments):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments.split(" CMD ", 1)[-1] if arguments.startswith("--") else arguments)
    assert isinstance(value, list), f"use the exec form (a JSON list): {arguments}"
    return value


def makefile_wsgi_module() -> str:
    match = re.search(r"^\t\S*gunicorn\s+(\S+)\s", (ROOT / "Makefile").read_text(), re.M)
    assert match, "make serve runs gunicorn"
    return match.group(1)


def test_dockerfile_builds_in_two_stages_and_runs_as_an_unprivileged_user():
    build, runtime = stages()
    assert build["name"] and runtime["name"]
    assert build["image"] == runtime["image"] and build["image"].startswith("python:3.11")
    assert any(f"--from={build['name']}" in copy for copy in steps(runtime, "COPY"))
    users = steps(runtime, "USER")
    assert users and users[-1] not in {"root", "0", "0:0"}
    assert any(f"useradd --create-home --uid {1000} --user-group {users[-1]}" in run for run in steps(runtime, "RUN"))


def test_build_stage_installs_exactly_the_pinned_dependencies(tmp_path):
    """Run the build stage's own requirements step on pyproject.toml: the dependencies and the opensearch extra."""
    build = stages()[0]
    (run,) = [run for run in steps(build, "RUN") if "tomllib" in run]
    command = run.split("&&")[1].split(">")[0].strip()
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    written = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = project["dependencies"] + project["optional-dependencies"]["opensearch"]  # KFQ_SEARCH_ENGINE
    assert written.stdout.split() == pinned
    assert all("==" in requirement for requirement in pinned)


GUNICORN_SETTINGS = ["-c", "python:kfq_archive.gunicorn_settings"]


def test_make_serve_and_the_image_run_gunicorn_with_the_archives_settings():
    """A worker timeout longer than the largest upload, a graceful restart, renewed workers (not gunicorn's
    generic 30 s timeout and immortal workers)."""
    from kfq_archive import gunicorn_settings

    assert " ".join(GUNICORN_SETTINGS) in (ROOT / "Makefile").read_text()
    assert exec_form(steps(stages()[-1], "CMD")[-1])[2:4] == GUNICORN_SETTINGS
    assert gunicorn_settings.timeout >= 120 and gunicorn_settings.graceful_timeout > 0
    assert gunicorn_settings.max_requests > 0 and gunicorn_settings.preload_app


def test_data_folder_is_the_volume_and_the_command_is_gunicorn_preloaded():
    runtime = stages()[-1]
    env = env_of(runtime)
    (volume,) = steps(runtime, "VOLUME")
    assert json.loads(volume) == [env["KFQ_DATA_DIR"]]
    assert exec_form(steps(runtime, "ENTRYPOINT")[-1]) == ["sh", "/app/docker/entrypoint.sh"]
    command = exec_form(steps(runtime, "CMD")[-1])
    assert command[:2] == ["gunicorn", makefile_wsgi_module()]
    assert "--preload" in command and "0.0.0.0:8000" in command
    assert steps(runtime, "EXPOSE") == ["8000"] and env["PORT"] == "8000"


def test_health_check_runs_the_script_that_asks_healthz():
    from django.urls import reverse

    runtime = stages()[-1]
    (check,) = steps(runtime, "HEALTHCHECK")
    assert exec_form(check) == ["python", "/app/docker/healthcheck.py"]
    assert re.search(r"--interval=\d+s", check) and re.search(r"--timeout=\d+s", check)
    assert f'"{reverse("healthz")}"' in (ROOT / "docker" / "healthcheck.py").read_text()


def test_everything_copied_exists_and_is_not_ignored():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "var", "test-artifacts"} <= ignored
    for stage in stages():
        for copy in steps(stage, "COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _target = copy.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source not in ignored, source
    # What the runtime needs beside the packages is copied: settings find templates/ and static/ there.
    copied = " ".join(steps(stages()[-1], "COPY"))
    for folder in ("kfq_archive", "articles", "templates", "static", "seeds", "docker", "manage.py"):
        assert folder in copied


# --- docker/entrypoint.sh and docker/healthcheck.py, run outside a container ----------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def container_env(data_dir: Path, port: int, **extra) -> dict[str, str]:
    """The image's environment, with this machine's virtualenv standing in for /opt/venv."""
    return {
        "PATH": f"{VENV_BIN}:/usr/bin:/bin",
        "HOME": str(data_dir.parent),
        "PYTHONUNBUFFERED": "1",
        "KFQ_DATA_DIR": str(data_dir),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        **extra,
    }


def get(port: int, path: str, host: str = HOST) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def healthcheck(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py")], env=env, capture_output=True, text=True, timeout=30
    )


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    """docker/entrypoint.sh started as the image starts it (its CMD), with KFQ_LOAD_SEEDS=1."""
    data_dir = tmp_path_factory.mktemp("container") / "data"
    port = free_port()
    env = container_env(data_dir, port, KFQ_LOAD_SEEDS="1")
    command = ["gunicorn", makefile_wsgi_module(), *GUNICORN_SETTINGS, "--preload", "--bind", f"127.0.0.1:{port}"]
    log = data_dir.parent / "container.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["sh", str(ROOT / "docker" / "entrypoint.sh"), *command],
            cwd="/",  # the script finds the project itself, as from /app/docker in the image
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"entrypoint exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(f"gunicorn did not answer /healthz in time:\n{log.read_text()[-3000:]}")
        yield {"env": env, "port": port, "data_dir": data_dir, "process": process, "log": log}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_entrypoint_prepares_the_data_folder_loads_seeds_and_serves(container):
    data_dir = container["data_dir"]
    assert (data_dir / "kfq.sqlite3").is_file() and (data_dir / "secret_key").exists() is False  # key from env
    assert (data_dir / "staticfiles" / "staticfiles.json").is_file()  # collected, with the manifest
    status, body = get(container["port"], "/api/v1/search/?q=" + quote("亚宝药业"))
    assert status == 200 and json.loads(body)["count"] > 0  # seeds ingested and indexed
    status, body = get(container["port"], "/")
    assert status == 200 and "开发区建设专刊数字档案" in body
    assert get(container["port"], "/", host="evil.example.com")[0] == 400  # only DJANGO_ALLOWED_HOSTS
    log = container["log"].read_text()
    assert "Booting worker" in log and log.count("Booting worker") == 2  # WEB_CONCURRENCY=2
    # gunicorn replaced the shell (exec): it is the process the container's signals reach.
    assert Path(f"/proc/{container['process'].pid}/cmdline").read_bytes().split(b"\0")[1].endswith(b"gunicorn")


def test_healthcheck_script_passes_against_the_server_and_fails_without_one(container, tmp_path):
    passed = healthcheck(container["env"])
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert '"database": "ok"' in passed.stdout and '"index": "ok"' in passed.stdout
    failed = healthcheck({**container["env"], "PORT": str(free_port())})
    assert failed.returncode == 1 and "healthz" in failed.stderr


def test_oversized_upload_gets_413_at_once_from_gunicorn(container):
    """The client declares 500 MB and has sent only 64 KB when the answer comes: nothing waits for the body."""
    with socket.create_connection(("127.0.0.1", container["port"]), timeout=10) as client:
        client.sendall(
            b"POST /admin/articles/page/upload/ HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 500000000\r\n\r\n" + b"x" * 65536
        )
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "提交内容过大".encode() in body
    headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_entrypoint_with_arguments_runs_a_management_command(container):
    result = subprocess.run(
        ["sh", str(ROOT / "docker" / "entrypoint.sh"), "showmigrations", "articles"],
        cwd="/",
        env=container["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout
