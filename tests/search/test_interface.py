"""The search app's one interface: the engine chosen once, the one check of a search's parameters, the
guard on the Whoosh release its internals were written for, and indexes written before the engine had a
folder of its own."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import QueryDict
from haystack import connections

from articles.search import SearchForm, SearchInputError, get_search_engine
from articles.search.whoosh_engine import WhooshSearchEngine

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_engine_is_chosen_once_from_settings():
    engine = get_search_engine()
    assert isinstance(engine, WhooshSearchEngine)
    assert get_search_engine() is engine


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("page=0&field=body", "page 必须是从 1 开始的整数 / page must be a whole number from 1, got '0'"),
        ("field=body&sort=title", "field 只能是 all / title / author / field must be one of these, got 'body'"),
        ("sort=title", "sort 只能是 relevance / date / sort must be one of these, got 'title'"),
        ("page=x" + "9" * 50, "got 'x" + "9" * 39 + "…'"),
    ],
)
def test_a_request_with_a_wrong_parameter_gets_the_first_ones_message(query, error):
    form = SearchForm(QueryDict(query))
    assert error in form.first_error()
    with pytest.raises(SearchInputError):
        form.arguments()


def test_the_page_shows_defaults_for_wrong_values_and_says_so_for_the_page():
    arguments, notes = SearchForm(QueryDict("q=项目&field=body&sort=&page=-2&city=+运城+&city=&zone=")).lenient()
    assert (arguments.q, arguments.field, arguments.sort, arguments.page) == ("项目", "all", "relevance", 1)
    assert arguments.filters == {"city": ["运城"]}
    assert notes == ["页码无效，已显示第 1 页。"]


def test_a_python_caller_gets_unknown_facets_refused():
    with pytest.raises(SearchInputError, match="colour"):
        SearchForm.of("项目", filters={"colour": ["red"]}).arguments()
    assert SearchForm.of("项目", filters={"city": ["", "运城"]}).arguments().filters == {"city": ["运城"]}


def test_an_index_written_before_the_move_still_opens():
    """Its table of contents pickles the schema with the classes' old modules."""
    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    schema = backend.schema
    written = pickle.dumps(schema, 2)
    for new, old in (
        (b"articles.search.whoosh_engine.backend", b"articles.search.backend"),
        (b"articles.search.whoosh_engine.analyzers", b"articles.search.analysis"),
    ):
        assert new in written
        written = written.replace(new, old)
    read = pickle.loads(written)
    assert type(read["fulltext_grams"]).__name__ == "BigramText"
    assert [token.text for token in read["fulltext_grams"].analyzer("管运分离")] == ["管运", "运分", "分离", "离"]


def test_another_whoosh_release_is_refused_at_import():
    code = (
        "import django; django.setup(); import whoosh; whoosh.__version__ = (2, 7, 5)\n"
        "import articles.search.whoosh_engine.internals"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Whoosh 2.7.5 is installed: pin whoosh==2.7.4" in done.stderr
