"""Bytes of an uploaded page file to text: UTF-8 (with or without BOM), UTF-16, GB18030/GBK.

Strict UTF-8 is tried first because it is what most files are and it cannot be mistaken for
anything else; everything else is left to charset-normalizer. Whatever comes out must read as
text (few control characters, letters mostly Chinese or Latin), or the file is refused.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import charset_normalizer

from .errors import BinaryFileError, EmptyFileError, FileTooLargeError, UndecodableError

# Files people upload by mistake, recognised by their first bytes.
BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive (docx/xlsx?)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "MS Office document",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"RIFF": "RIFF media (WebP/WAV/AVI)",
}
WIDE_ENCODINGS = ("utf_16", "utf_32")  # the only encodings in which text contains NUL bytes
ALLOWED_CONTROLS = set("\t\n\r\f\v\ufeff")
MAX_CONTROL_SHARE = 0.01
MIN_CJK_OR_LATIN_SHARE = 0.8


@dataclass(frozen=True)
class DecodedPage:
    text: str  # as in the file: line endings untouched, only a BOM dropped
    encoding: str  # Python codec name, e.g. utf_8, utf_8_sig, utf_16, gb18030


def decode_page(data: bytes, *, max_bytes: int) -> DecodedPage:
    if not data:
        raise EmptyFileError()
    if len(data) > max_bytes:
        raise FileTooLargeError(f"{len(data)} > {max_bytes} bytes")
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise BinaryFileError(kind)
    decoded = _strict_utf8(data) or _detected(data)
    if "\x00" in decoded.text:  # UTF-16 text carries NUL bytes, never NUL characters
        raise BinaryFileError("NUL characters")
    if not decoded.text.strip():
        raise EmptyFileError("only whitespace")
    if not _reads_as_text(decoded.text):
        raise UndecodableError(f"decoded as {decoded.encoding} but it does not read as text")
    return decoded


def _strict_utf8(data: bytes) -> DecodedPage | None:
    if b"\x00" in data:  # valid UTF-8 in theory, but in practice UTF-16 or binary
        return None
    encoding = "utf_8_sig" if data.startswith(b"\xef\xbb\xbf") else "utf_8"
    try:
        return DecodedPage(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        return None


def _detected(data: bytes) -> DecodedPage:
    match = charset_normalizer.from_bytes(data).best()
    has_nul = b"\x00" in data
    if match is None:
        raise BinaryFileError("NUL bytes") if has_nul else UndecodableError()
    if has_nul and not match.encoding.startswith(WIDE_ENCODINGS):
        raise BinaryFileError("NUL bytes")
    return DecodedPage(str(match), match.encoding)


def _reads_as_text(text: str) -> bool:
    controls = letters = cjk_or_latin = 0
    for char in text:
        category = unicodedata.category(char)
        if category[0] == "C" and char not in ALLOWED_CONTROLS:
            controls += 1
        elif category[0] == "L":
            letters += 1
            if char.isascii() or "CJK" in unicodedata.name(char, ""):
                cjk_or_latin += 1
    if letters == 0 or controls > MAX_CONTROL_SHARE * len(text):
        return False
    return cjk_or_latin >= MIN_CJK_OR_LATIN_SHARE * letters
