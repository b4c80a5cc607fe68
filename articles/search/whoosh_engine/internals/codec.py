"""How small writes store their postings: a term found in one document keeps that posting in its entry in
the term dictionary instead of a block of its own in the postings file.

An editor's save writes a one-article segment of a thousand or more terms, each found once; as Whoosh's blocks,
every one is pickled, compressed and written with a pickled header (most of the commit). Kept in
the term dictionary ("inlined", which Whoosh's format reads as it is; its writer's own switch for
it, ``inlinelimit``, calls a method that does not exist), the term costs one small pickle.

Whoosh's writer also reads the document's field length from the column just written once for every
posting (one read through its file objects per term of a one-article segment); here each
document's length of each field is read once.

Segments written this way record Whoosh's standard codec, so reading them needs nothing from here.

Pure Whoosh: no Django here.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3Segment

INLINE_LIMIT = 2  # postings: terms with fewer are inlined (one document)


class _InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)  # the term's statistics, as for a written block
        # A format without values (an ID field) buffers none; Whoosh's reader of inlined postings then
        # gives a str '' where a merge expects bytes.
        values = self._values or [b""] * len(self._ids)
        terminfo.set_inlined(self._ids, self._weights, values)
        self._terminfo = None  # between terms
        return terminfo


class _KnownLengths:
    """A segment's field lengths, each (document, field) read from its column once."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._known: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        key = (docnum, fieldname)
        if key not in self._known:
            self._known[key] = self._lengths.doc_field_length(docnum, fieldname, default)
        return self._known[key]


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        return super().add_postings(schema, _KnownLengths(lengths) if lengths else lengths, items)


class InliningCodec(W3Codec):
    """Whoosh 3's format, with terms found in fewer than ``INLINE_LIMIT`` documents inlined."""

    def __init__(self, inlinelimit: int = INLINE_LIMIT):
        super().__init__(inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return _InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(), indexname)  # what the table of contents records: the standard codec
