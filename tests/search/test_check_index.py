"""``manage.py check_index`` finds drift between the index and the database, and repairs it."""

import pytest

from articles.models import Article
from articles.search import get_search_engine

from .helpers import check_index, ids, indexed_ids, prepared, visible, visible_ids, whoosh_writer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.usefixtures("two_pages")
def test_check_index_reports_and_repairs_a_damaged_index():
    assert check_index()[0]
    first, second, third, fourth, fifth = visible()[:5]
    hidden = Article.objects.get(pk=fifth.pk)
    writer = whoosh_writer()
    writer.delete_by_term("id", f"articles.article.{first.pk}")  # missing
    writer.delete_by_term("id", f"articles.article.{second.pk}")
    writer.add_document(id="articles.article.999999", django_ct="articles.article", django_id="999999")  # stale
    writer.add_document(id="stray", django_ct="other.model", django_id="1")  # names no article
    writer.update_document(**prepared(third, title="旧标题的文章"))  # an older version of the article
    altered = prepared(fourth) | {"city": "北京"}  # a stored value altered, digest kept
    writer.update_document(**altered)
    writer.commit()
    Article.objects.filter(pk=hidden.pk).update(is_published=False)  # no signal: the index still holds it
    get_search_engine().reset()
    assert "旧标题的文章" not in {article.title for article in visible()}
    assert ids("旧标题的文章") == [third.pk]

    clean, report = check_index()
    assert not clean
    assert f"missing (visible, not indexed): 2: {first.pk}, {second.pk}" in report
    assert f"stale (indexed, hidden or deleted): 2: {hidden.pk}, 999999" in report
    assert f"changed (indexed differently): 2: {third.pk}, {fourth.pk}" in report
    assert "stray documents (index numbers): 1" in report

    clean, report = check_index("--repair")
    assert clean, report
    assert "repaired: 4 indexed, 3 removed" in report
    assert check_index()[0]
    assert indexed_ids() == visible_ids()
    assert ids("旧标题的文章") == []
    assert ids("", filters={"city": ["北京"]}) == []


@pytest.mark.usefixtures("two_pages")
def test_system_check_points_to_check_index():
    from articles.search.checks import index_matches_database

    assert index_matches_database() == []
    writer = whoosh_writer()
    writer.delete_by_term("id", f"articles.article.{visible()[0].pk}")
    writer.commit()
    [warning] = index_matches_database()
    assert warning.id == "search.W001" and "check_index --repair" in warning.hint
    assert check_index("--repair")[0]
    assert index_matches_database() == []
