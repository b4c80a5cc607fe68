"""A damaged index file (a real segment file cut short) costs readers no 500: article pages render
without their related list, search answers 503 in Chinese (a page and JSON), /healthz 503;
``check_index`` says so in words and exits non-zero, ``check_index --repair`` rebuilds the index."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.search import get_search_engine
from articles.search.whoosh_engine.internals import searcher

from .helpers import check_index

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def exported() -> list[dict]:
    out = StringIO()
    call_command("export_articles", "--all", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def cut_the_largest_segment() -> None:
    segment = max(searcher.index_path().glob("*.seg"), key=lambda path: path.stat().st_size)
    with segment.open("r+b") as handle:
        handle.truncate(segment.stat().st_size // 3)
    get_search_engine().reset()  # as a worker started after the damage


@pytest.mark.usefixtures("two_pages")
def test_a_truncated_segment_is_met_with_503s_and_words_and_repaired(client):
    before = exported()
    article = Article.objects.visible().first()
    cut_the_largest_segment()

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and article.title in page.content.decode()

    search = client.get("/search/?q=开发区")
    assert search.status_code == 503 and "检索" in search.content.decode()
    api = client.get("/api/v1/search/?q=开发区")
    assert api.status_code == 503 and "暂时不可用" in api.json()["error"]
    assert client.get("/healthz").status_code == 503

    clean, report = check_index()
    assert not clean and "损坏" in report

    clean, report = check_index("--repair")
    assert clean, report
    assert client.get("/api/v1/search/?q=开发区").json()["count"] > 0
    assert client.get("/healthz").status_code == 200
    assert exported() == before  # nothing of the archive was lost
    assert check_index()[0]
