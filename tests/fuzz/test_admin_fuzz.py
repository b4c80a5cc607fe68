"""The editors' admin: the upload with random bytes, broken zips and hostile file names (a clear error on the
form and the database and search index unchanged, or every file stored whole and fitting its columns); the
autocomplete boxes with any search term."""

import io
import stat
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from articles.models import Page
from articles.services.ingest import MAX_ARTICLES_PER_PAGE
from tests.admin.test_upload import UPLOAD, state

from .conftest import UNICODE
from .test_ingest_fuzz import assert_stored_page_fits

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
PAGE = "长子经开区加速项目建设\n\n科学导报讯 日前，长子经济技术开发区以项目建设为抓手，加速手续办理。\n"

NAMES = st.one_of(
    st.text(UNICODE, min_size=1, max_size=40),
    st.sampled_from(["../evil.txt", "../../etc/passwd", "/abs/path.txt", "C:\\x\\D1.txt", "a/../../b.txt", "\x00.txt",
                     "D1.txt\x00.zip", "..", ".", "D1.txt", "2024-16-D2.txt", "x.zip", "x.ZIP", "inner.zip"]),
    st.integers(200, 20_000).map(lambda n: "长" * n + ".txt"),  # a zip holds names up to 64 kB
)  # fmt: skip
SUFFIXES = st.sampled_from(["", ".txt", ".zip", ".TXT", ".Zip", ".rar"])


def raw_zip(names: list[str], payload: bytes) -> bytes:
    """A zip written entry by entry, so names zipfile.writestr would refuse (empty after a NUL) still get in."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # duplicate names are part of the point
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), payload)
    return buffer.getvalue()


def sent_file(name: str, data: bytes) -> io.BytesIO:
    """A file as a browser sends it: the name as given (SimpleUploadedFile would refuse some client-side)."""
    file = io.BytesIO(data)
    file.name = name
    return file


def symlink_zip(names: list[str]) -> bytes:
    """A zip whose entries are symbolic links (their "text" is the path they point to)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")
        for name in names:
            entry = zipfile.ZipInfo(name)
            entry.create_system = 3
            entry.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(entry, "/etc/passwd")
    return buffer.getvalue()


# More articles than a page may hold: refused whole, naming the file (it was a 500 keeping the others).
BODY = "长子经济技术开发区以项目建设为抓手，加速手续办理，推动项目早落地、早投产、早见效。"
CROWDED_PAGE = "".join(f"# 标题{n}\n\n科学导报讯 {BODY}\n\n" for n in range(MAX_ARTICLES_PER_PAGE + 1)).encode()


def truncated_zip(names: list[str], cut: float) -> bytes:
    data = raw_zip(names, PAGE.encode())
    return data[: int(len(data) * cut)]


CONTENTS = st.one_of(
    st.binary(max_size=2000),
    st.builds(truncated_zip, st.lists(NAMES, min_size=1, max_size=3), st.floats(0, 0.99)),
    st.builds(raw_zip, st.lists(NAMES, min_size=1, max_size=4), st.sampled_from([PAGE.encode(), b"", b"\x00" * 50])),
    st.text(st.characters(categories=("Cc", "Cf", "Co", "Zs")), min_size=1, max_size=500).map(str.encode),
    st.just(b"PK\x03\x04" + b"\x00" * 100),
    st.builds(symlink_zip, st.lists(NAMES, min_size=1, max_size=2)),
    st.sampled_from([CROWDED_PAGE, b"a", "开发区建设\n\n2024年4月26日 星期五 第16期\n".encode()]),
)  # fmt: skip
FILES = st.lists(st.tuples(st.tuples(NAMES, SUFFIXES).map("".join), CONTENTS), min_size=1, max_size=3)


@FUZZ
@example(files=[("D1.txt", PAGE.encode()), ("D2.txt", CROWDED_PAGE)], year="")
@example(files=[("issue.zip", symlink_zip(["D1.txt"]))], year="")
@example(files=[("D1.txt", b"a")], year="")
@given(files=FILES, year=st.one_of(st.just(""), st.integers(-(10**12), 10**12).map(str), st.text(max_size=5)))
def test_hostile_uploads_are_refused_whole_or_stored_whole(editor, django_capture_on_commit_callbacks, files, year):
    client = Client()
    client.force_login(editor)
    before = state()
    pages_before = set(Page.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows what is committed
        response = client.post(UPLOAD, {"files": [sent_file(name, data) for name, data in files], "issue_year": year})
    event(f"HTTP {response.status_code}")
    if response.status_code == 200:  # the form again, saying why
        html = response.content.decode()
        assert "errorlist" in html or "errornote" in html
        assert state() == before
    elif response.status_code == 400:  # Django refuses a part header over 1 kB (a file name that long)
        assert len(max((name.encode() for name, _ in files), key=len)) > 900
        assert state() == before
    else:
        assert response.status_code == 302 and "/preview/" in response["Location"]
        for page in Page.objects.exclude(pk__in=pages_before):
            assert_stored_page_fits(page)


def test_a_zip_entry_without_a_name_is_refused(editor):
    """Found by fuzzing: an entry whose name is empty (or starts with NUL) crashed the upload with a 500."""
    client = Client()
    client.force_login(editor)
    before = state()
    data = raw_zip(["D1.txt", "\x00evil.txt"], PAGE.encode())
    response = client.post(UPLOAD, {"files": [SimpleUploadedFile("issue.zip", data)]})
    assert response.status_code == 200
    assert "没有名字的条目" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("field", ["zone", "zones", "city"])
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    term=st.lists(st.sampled_from(["\x00", "长子", "'", "%", "_", "\\"]) | st.text(UNICODE, max_size=3)).map("".join)
)
def test_admin_autocomplete_answers_any_term(editor, field, term):
    """Found by fuzzing on PostgreSQL: a NUL in the autocomplete term was a 500."""
    client = Client()
    client.force_login(editor)
    params = {"term": term, "app_label": "articles", "model_name": "article", "field_name": field}
    response = client.get("/admin/autocomplete/", params)
    assert response.status_code == 200 and "results" in response.json()
