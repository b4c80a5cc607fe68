"""How small writes store their postings: a term found in one document keeps that posting in its entry in
the term dictionary instead of a block of its own in the postings file.

An editor's save writes a one-article segment of ~1 500 terms, each found once; as Whoosh's blocks,
every one is pickled, compressed and written with a pickled header (most of the commit). Kept in
the term dictionary ("inlined", which Whoosh's format reads as it is; its writer's own switch for
it, ``inlinelimit``, calls a method that does not exist), the term costs one small pickle.

Whoosh's writer also walks every posting through a postings writer (a block buffer, its statistics,
a read of the document's field length from the column just written): for a one-article segment that
walk is most of the commit. Terms with fewer postings than the inline limit skip it here; their entries
come out byte for byte as the postings writer makes them.

Segments written this way record Whoosh's standard codec, so reading them needs nothing from here.

Pure Whoosh: no Django here.
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3Segment, W3TermInfo
from whoosh.system import emptybytes, pack_ushort

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


class _InliningFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """Whoosh's ``FieldWriter.add_postings`` (postings sorted by field, term, document), each term's
        postings gathered first: fewer than the inline limit go straight into the term dictionary."""
        field_length = lengths.doc_field_length if lengths else (lambda docnum, fieldname: 0)
        known_lengths = {}
        fieldname = btext = None
        postings = []
        for name, text, docnum, weight, value in items:
            if name != fieldname:
                if postings:
                    self._add_term(btext, postings)
                    postings = []
                if fieldname is not None:
                    self.finish_field()
                self.start_field(name, schema[name])
                fieldname, btext = name, None
            if docnum == -1:  # a word for the spelling graph, not a posting (no field here has one)
                continue
            if text != btext:
                if postings:
                    self._add_term(btext, postings)
                    postings = []
                btext = text
            key = (docnum, name)
            length = known_lengths.get(key)
            if length is None:
                length = known_lengths[key] = field_length(docnum, name)
            postings.append((docnum, weight, emptybytes if value is None else value, length))
        if postings:
            self._add_term(btext, postings)
        if fieldname is not None:
            self.finish_field()

    def _add_term(self, btext, postings) -> None:
        if len(postings) >= self._codec._inlinelimit:
            self.start_term(btext)
            for posting in postings:
                self.add(*posting)
            self.finish_term()
            return
        # What ``_InliningPostingsWriter`` records for these postings, without its block buffer.
        weights = array("f", [weight for _, weight, _, _ in postings])
        lengths = [length for _, _, _, length in postings if length]
        values = [value for _, _, value, _ in postings if value] or [b""] * len(postings)
        terminfo = W3TermInfo(
            weight=sum(weights),
            df=len(postings),
            minlength=min(lengths) if lengths else None,
            maxlength=max(lengths, default=0),
            maxweight=max([0, *(weight for _, weight, _, _ in postings)]),
            minid=postings[0][0],
            maxid=postings[-1][0],
        )
        terminfo.set_inlined([docnum for docnum, _, _, _ in postings], weights, values)
        self._tindex.add(pack_ushort(self._fieldid) + btext, terminfo.to_bytes())


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
        return _InliningFieldWriter(self, storage, segment)

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(), indexname)  # what the table of contents records: the standard codec
