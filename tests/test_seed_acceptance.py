"""Issue 2's acceptance, end to end: the seeds through `manage.py ingest` and out of `export_articles`."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported():
    call_command("ingest", "seeds/", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def by_title(rows, title):
    (row,) = [r for r in rows if r["title"] == title]
    return row


def test_twenty_five_articles_per_page_counts(exported):
    counts = {}
    for row in exported:
        counts[row["source_file"][:3]] = counts.get(row["source_file"][:3], 0) + 1
    assert counts == {"000": 7, "001": 4, "002": 4, "003": 4, "004": 6}
    last_of_000 = max((r for r in exported if r["source_file"].startswith("000")), key=lambda r: r["position"])
    assert last_of_000["continued_from"] == "D1"
    assert "潇河园区" in last_of_000["body"]


def test_acceptance_examples(exported):
    changzi = by_title(exported, "扎实推动项目建设驶入“快车道”")
    assert (changzi["zone"], changzi["authors"]) == ("长子经济技术开发区", ["冯毅松", "王志军"])

    bohai = next(r for r in exported if r["source_file"].startswith("002") and r["position"] == 1)
    assert "助力环渤海地区生物医药产业集群迈上发展新台阶" in bohai["body"]
    assert {r["issue"] for r in exported if r["source_file"].startswith("002")} == {"2024-16"}

    (xinjinyuan,) = [r for r in exported if r["title"] is None and "山西欣晋元" in r["body"]]
    assert (xinjinyuan["zone"], xinjinyuan["city"]) == ("朔州经济开发区", "朔州")

    yangqu = by_title(exported, "做好生物医药与大健康产业大文章")
    assert (yangqu["subtitle"], yangqu["city"]) == ("阳曲现代农业产业示范区引领高质量发展纪略", "太原")

    fenglingdu = by_title(exported, "“延链”“补链” 做强现代医药产业")
    assert fenglingdu["authors"] == ["王波", "张伦", "王昱"]
    assert fenglingdu["body"].startswith("为深入贯彻落实")


def test_captions_are_attached_not_articles(exported):
    assert not any((r["title"] or "").endswith("摄") for r in exported)
    captions = [c for r in exported for c in r["captions"]]
    assert {c["photographer"] for c in captions if c["photographer"]} == {"梁琛", "樊晶璟"}
    assert len(captions) == 5


def test_no_line_break_inside_a_paragraph(exported):
    for row in exported:
        for paragraph in row["body"].split("\n"):
            assert paragraph.strip() == paragraph and paragraph


def test_masthead_date_and_page_label_reach_the_issue_and_page():
    from articles.models import Page
    from articles.services.ingest import ingest_page

    text = "开发区建设\n\n2025年第3期 2025年1月17日 星期五 D1版\n\n寿阳经济技术开发区\n\n新项目落地投产\n\n科学导报讯 正文。王波\n"
    result = ingest_page(text.encode("utf-8"), "p.txt", page_label="D9")
    page = Page.objects.select_related("issue").get(pk=result.page.pk)
    assert (page.issue.year, page.issue.number, str(page.issue.date), page.label) == (2025, 3, "2025-01-17", "D1")
