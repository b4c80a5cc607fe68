"""Security settings: headers and Content-Security-Policy, HTTPS from the environment, `check --deploy`,
admin login throttling, no secrets in the repository."""

import json
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"


# --- Headers and Content-Security-Policy ---------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/?q=开发区", LOGIN, "/healthz", "/no-such-page/"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"] and directives["base-uri"] == ["'none'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style_the_policy_would_block():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE_CODE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert found == []


# --- HTTPS settings from the environment and `manage.py check --deploy` --------------------------------


def production_env(tmp_path, **extra) -> dict[str, str]:
    """A clean environment as a production host would have it (nothing from the test run leaks in)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "kfq_archive.settings",
        "KFQ_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "kfq.example.org",
        "DJANGO_DEBUG": "0",
    }
    env.update(extra)
    return env


def run_manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


HTTPS = {"DJANGO_SECURE_SSL": "1", "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1", "DJANGO_HSTS_PRELOAD": "1"}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(production_env(tmp_path, **HTTPS), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    """The same check fails, naming the HTTPS settings, when the site is not declared HTTPS-only."""
    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def settings_in_subprocess(env, *names) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "CSRF_TRUSTED_ORIGINS",
)


def test_https_is_opt_in_and_hsts_extras_need_their_own_flags(tmp_path):
    plain = settings_in_subprocess(production_env(tmp_path), *HTTPS_SETTINGS)
    assert not plain["SECURE_SSL_REDIRECT"] and not plain["SESSION_COOKIE_SECURE"] and not plain["SECURE_HSTS_SECONDS"]

    https = settings_in_subprocess(production_env(tmp_path, DJANGO_SECURE_SSL="1"), *HTTPS_SETTINGS)
    assert https["SECURE_SSL_REDIRECT"] and https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] == 31536000
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and https["SECURE_HSTS_PRELOAD"] is False
    assert https["SECURE_PROXY_SSL_HEADER"] is None  # a forwarded header is trusted only behind a proxy
    assert https["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]

    proxied = settings_in_subprocess(
        production_env(
            tmp_path,
            **HTTPS,
            DJANGO_BEHIND_PROXY="1",
            DJANGO_HSTS_SECONDS="600",
            DJANGO_CSRF_TRUSTED_ORIGINS="https://kfq.example.org, https://www.kfq.example.org",
        ),
        *HTTPS_SETTINGS,
    )
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["SECURE_HSTS_SECONDS"] == 600
    assert proxied["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and proxied["SECURE_HSTS_PRELOAD"]
    assert proxied["CSRF_TRUSTED_ORIGINS"] == ["https://kfq.example.org", "https://www.kfq.example.org"]


@pytest.mark.django_db
def test_over_https_cookies_are_secure_and_hsts_is_sent(client, settings, django_user_model):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    django_user_model.objects.create_user("chief", password="pw-chief-2026", is_staff=True)
    response = client.post(LOGIN, {"username": "chief", "password": "pw-chief-2026"}, secure=True)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
    assert response.cookies["csrftoken"]["secure"]  # rotated at login
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"


# --- Admin login throttling (django-axes) ---------------------------------------------------------------


@pytest.fixture
def chief(db) -> User:
    return User.objects.create_user("chief", password="pw-chief-2026", is_staff=True, is_superuser=True)


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_even_for_the_right_one_until_the_cool_off(client, chief):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = log_in(client, "chief", "wrong")
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    locked = log_in(client, "chief", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂停" in page and f"连续输错 {limit} 次" in page
    assert f"{round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)} 分钟" in page

    refused = log_in(client, "chief", "pw-chief-2026")
    assert refused.status_code == 429 and "即使密码正确也无法登录" in refused.content.decode()
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302  # still sent to the login page

    # Another address may still log in as the same user: the lockout is per user name and address.
    other = log_in(client, "chief", "pw-chief-2026", address="198.51.100.9")
    assert other.status_code == 302 and logged_in(client)
    client.logout()

    # After the cool-off the right password works again.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = log_in(client, "chief", "pw-chief-2026")
    assert response.status_code == 302 and logged_in(client)


def test_a_successful_login_resets_the_count(client, chief):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "chief", "wrong")
    assert log_in(client, "chief", "pw-chief-2026").status_code == 302
    client.logout()
    assert log_in(client, "chief", "wrong").status_code == 200  # counting starts again, no lockout


def test_test_client_login_still_works(client, chief):
    assert client.login(username="chief", password="pw-chief-2026")
    assert client.get("/admin/").status_code == 200
    assert not client.login(username="chief", password="wrong")


def test_behind_a_proxy_the_address_the_proxy_appended_is_used(rf):
    from kfq_archive.security import forwarded_client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert forwarded_client_ip(request) == "203.0.113.7"  # "1.2.3.4" was sent by the client: made up
    assert forwarded_client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


# --- No secrets in the repository -----------------------------------------------------------------------

SECRET_LOOKING = [
    re.compile(r"SECRET_KEY\s*=\s*['\"][^'\"\s]{8,}['\"]"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)(password|passwd)\w*['\"]?\s*[:=]\s*['\"][^'\"\s]{6,}['\"]"),
    re.compile(r"postgres(?:ql)?://[^:/\s]+:[^@\s]+@"),
]


def test_no_secret_is_tracked_in_git():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    names = [name for name in tracked.stdout.split("\0") if name]
    if not names:
        pytest.skip("not a git checkout")
    assert not [name for name in names if name.startswith("var/") or name.endswith("secret_key")]
    found = []
    for name in names:
        if name.startswith("tests/") or not (ROOT / name).is_file():
            continue  # tests hold throwaway passwords for throwaway users
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {match.group(0)[:40]}" for pattern in SECRET_LOOKING for match in pattern.finditer(text)]
    assert found == []
    assert "var/" in (ROOT / ".gitignore").read_text().splitlines()


# --- The policy in a real browser ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_works_under_the_policy_and_inline_script_is_blocked(live_server, browser_page, seed_paths):
    """Login, lists, a change form with its autocomplete widgets: no policy violation (console errors fail
    the test through browser_page). A script injected inline is refused by the browser."""
    from articles.models import Article
    from articles.services.ingest import ingest_page

    from .admin.conftest import ensure_reference_data

    ensure_reference_data()
    ingest_page(seed_paths[2].read_bytes(), seed_paths[2].name, publish=True)
    article = Article.objects.filter(zone__isnull=False).first()
    User.objects.create_superuser("chief", password="pw-chief-2026")

    page = browser_page
    response = page.goto(live_server.url + LOGIN)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "chief")
    page.fill("#id_password", "pw-chief-2026")
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")

    for path in ("/admin/articles/article/", "/admin/articles/zone/", "/admin/articles/page/upload/"):
        page.goto(live_server.url + path)
        page.wait_for_selector("#content-main")
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    page.click("#id_zone + .select2 .select2-selection")  # the admin's autocomplete (select2, jQuery)
    page.keyboard.type("长子")
    page.wait_for_selector(".select2-results__option:has-text('长子')")
    page.keyboard.press("Escape")

    ran = page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.kfqRan = true';
                   document.body.appendChild(s); return window.kfqRan === true; }"""
    )
    assert ran is False
    blocked = [error for error in page.console_errors if "Content Security Policy" in error]
    assert blocked, page.console_errors
    page.console_errors[:] = [error for error in page.console_errors if error not in blocked]


def test_a_bad_host_header_is_logged_in_one_line_without_a_traceback(tmp_path):
    """Scanners send any Host; each one logged a full traceback of DisallowedHost."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client().get('/robots.txt', HTTP_HOST='scanner.invalid').status_code)"
    )
    env = production_env(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "400", result.stderr
    assert "Invalid HTTP_HOST header" in result.stderr
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if "HTTP_HOST" in line]) == 1
