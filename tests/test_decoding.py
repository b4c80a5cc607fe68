import os

import pytest

from articles.services.decoding import decode_page
from articles.services.errors import (
    BinaryFileError,
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    UndecodableError,
)

TEXT = "科学导报讯 4月25日，山西省生物医药产业推介会在天津举行。\n2024年第16期\n长子经开区驶入“快车道”。\n"
LIMIT = 1_000_000


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf_8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf_8_sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),  # GB18030 is a superset of GBK
        (TEXT.encode("utf-16"), "utf_16"),  # with BOM, little-endian here
        (TEXT.encode("utf-16-le"), "utf_16_le"),  # no BOM: detected
    ],
)
def test_encodings(data, encoding):
    decoded = decode_page(data, max_bytes=LIMIT)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


def test_crlf_is_kept():
    crlf = TEXT.replace("\n", "\r\n")
    assert decode_page(crlf.encode("gb18030"), max_bytes=LIMIT).text == crlf
    assert decode_page(crlf.encode("utf-8"), max_bytes=LIMIT).text == crlf


def test_seed_pages_decode_in_every_encoding(seed_paths):
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        for codec in ("utf-8-sig", "gb18030", "utf-16"):
            assert decode_page(text.encode(codec), max_bytes=LIMIT).text == text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyFileError),
        (b" \r\n\t\n", EmptyFileError),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(200), BinaryFileError),
        (b"\xff\xd8\xff\xe0" + os.urandom(200), BinaryFileError),
        (b"abc\x00\x01\x02\x03" + bytes(range(256)) * 3, BinaryFileError),
        (bytes(range(1, 32)) * 30, UndecodableError),
        ("科学导报".encode() * 100, FileTooLargeError),
    ],
)
def test_refused_files(data, error):
    with pytest.raises(error) as raised:
        decode_page(data, max_bytes=1000)
    assert isinstance(raised.value, IngestError)
    assert " / " in str(raised.value)  # Chinese / English
