"""Small writes' segments: the term dictionary and postings the archive's codec writes are byte for byte
what Whoosh's own field writer makes with the same inline limit, and Whoosh reads them back."""

from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import QueryParser

from articles.search.whoosh_engine.analyzers import BigramAnalyzer
from articles.search.whoosh_engine.backend import BigramText
from articles.search.whoosh_engine.internals.codec import InliningCodec

SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    grams=BigramText(analyzer=BigramAnalyzer()),  # positions
    words=TEXT(phrase=False),  # frequencies
    zones=KEYWORD(commas=True, scorable=False),
    seq=NUMERIC(numtype=int, bits=64, sortable=True),
    kept=STORED(),
)

DOCUMENTS = [
    {"id": "1", "grams": "太原经开区 3 月 20 日签约项目", "words": "签约 项目 项目", "zones": "太原经开区", "seq": 7},
    {"id": "2", "grams": "晋中开发区签约项目二十个", "words": "项目 晋中", "zones": "晋中开发区,太原经开区", "seq": 8},
    {"id": "3", "grams": "", "words": "", "zones": "", "seq": 9, "kept": "空的正文"},
    {"id": "4", "grams": "开发区开发区开发区", "words": "开发区", "zones": "晋中开发区", "seq": 10},
]


class _WhooshFieldWriterCodec(InliningCodec):
    """The same codec with Whoosh's field writer: each posting's field length read from its column."""

    def field_writer(self, storage, segment):
        return W3FieldWriter(self, storage, segment)


def write(folder, codec, documents):
    folder.mkdir(exist_ok=True)
    index = FileStorage(str(folder)).create_index(SCHEMA)
    writer = index.writer(codec=codec)
    for document in documents:
        writer.add_document(**document)
    writer.commit(merge=False)
    return index


def terms_and_postings(index) -> tuple[dict, bytes]:
    with index.searcher() as searcher:
        ((reader, _),) = searcher.reader().leaf_readers()
        terms = dict(reader._terms._tindex.items())
        postings = reader.storage().open_file(reader.segment().make_filename(".pst")).read()
    return terms, postings


def test_terms_are_written_as_whooshs_field_writer_writes_them(tmp_path):
    for documents in (DOCUMENTS[:1], DOCUMENTS):  # one article's save; a few, with shared terms
        fast = write(tmp_path / f"fast{len(documents)}", InliningCodec(), documents)
        plain = write(tmp_path / f"plain{len(documents)}", _WhooshFieldWriterCodec(), documents)
        fast_terms, fast_postings = terms_and_postings(fast)
        assert (fast_terms, fast_postings) == terms_and_postings(plain)
        assert len(fast_terms) > 30


def test_segments_written_by_the_codec_are_searched_by_word_phrase_and_keyword(tmp_path):
    index = write(tmp_path, InliningCodec(), DOCUMENTS)
    with index.searcher() as searcher:

        def found(field, text):
            return sorted(hit["id"] for hit in searcher.search(QueryParser(field, SCHEMA).parse(text), limit=None))

        assert found("grams", '"签约项目"') == ["1", "2"]  # a phrase: positions kept
        assert found("grams", '"签约开发"') == []  # both words, never side by side
        assert found("words", "项目") == ["1", "2"]
        assert found("zones", "太原经开区") == ["1", "2"]
        assert found("grams", '"开发区开发"') == ["4"]
        assert searcher.document(id="3") == {"id": "3", "kept": "空的正文"}
