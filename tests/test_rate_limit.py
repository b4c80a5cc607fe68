"""Search and the API are limited per client address (KFQ_SEARCH_RATE): 429 with Retry-After, in Chinese."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings):
    settings.RATELIMIT_ENABLE = True
    settings.KFQ_SEARCH_RATE = "3/m"
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def test_a_client_over_the_rate_gets_429_with_retry_after_and_others_are_not_held_up(client, limited):
    api = reverse("api_search") + "?q=开发区"
    answers = [client.get(api, REMOTE_ADDR="203.0.113.7") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]

    over = client.get(api, REMOTE_ADDR="203.0.113.7")
    assert over.status_code == 429
    assert over["Retry-After"] == "60"
    assert "过于频繁" in over.json()["error"] and over.json()["retry_after"] == 60

    page = client.get(reverse("search") + "?q=开发区", REMOTE_ADDR="203.0.113.7")  # one budget for both
    assert page.status_code == 429 and page["Retry-After"] == "60"
    assert "请求过于频繁（429）" in page.content.decode()

    assert client.get(api, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert client.get("/", REMOTE_ADDR="203.0.113.7").status_code == 200  # browsing is not limited


def test_a_bad_rate_setting_names_the_variable(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "KFQ_DATA_DIR": str(tmp_path), "KFQ_SEARCH_RATE": "sixty", "HOME": str(tmp_path)}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'kfq_archive.settings'; django.setup()"
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "KFQ_SEARCH_RATE" in result.stderr
