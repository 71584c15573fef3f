"""Decide how a file's bytes become text, or refuse it: empty, binary, or no clear encoding.

UTF-8 is checked over the whole file in a streaming pass before anything is read, so a bad byte
deep in a large file is known before any of it is stored. A UTF-8 file with a few stray bytes
(more valid multi-byte characters than bad bytes) stays UTF-8: only the bad bytes become U+FFFD,
and the warning says how many. Guessing another code page for it would garble every curly quote.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kb.ingest.types import Refused

SNIFF_BYTES = 64 * 1024  # looked at for BOMs, magic numbers and NUL bytes
DETECT_BYTES = 1024 * 1024  # handed to charset-normalizer when the file is not UTF-8
CHUNK_BYTES = 1024 * 1024
MAX_CONTROL_RATIO = 0.01  # control characters (other than tabs and newlines) allowed in text
MAX_BAD_UTF8_RATIO = 0.001  # stray bytes per byte a UTF-8 file may hold and still be read as UTF-8

_BOMS = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_MAGIC = [
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"SQLite format 3\x00", "an SQLite database"), (b"\x7fELF", "an executable"),
    (b"{\\rtf", "an RTF document"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
]
# Scripts for which cp1252, the commonest non-UTF-8 encoding, is the better guess than the
# Baltic or Central European code page charset-normalizer tends to pick for French or German.
_LATIN_ALPHABETS = {
    "Basic Latin", "Latin-1 Supplement", "Latin Extended-A", "Latin Extended-B",
    "Latin Extended Additional", "General Punctuation", "Control character", "Spacing Modifier Letters",
}


@dataclass(frozen=True)
class Encoding:
    codec: str
    warning: str | None = None  # set when the file was not UTF-8
    errors: str = "strict"  # "replace" for a UTF-8 file with a few stray bytes


def detect_encoding(path: Path) -> Encoding:
    """The codec that decodes the whole of ``path`` as text; Refused when there is none."""
    if path.stat().st_size == 0:
        raise Refused("empty file")
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return _verified(path, codec, f"not UTF-8: decoded as {codec} (byte order mark)"
                             if codec != "utf-8-sig" else None)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise Refused(f"binary data ({what}), not text")
    if b"\x00" in head:
        raise Refused("binary data (NUL bytes), not text")
    bad = first_undecodable(path, "utf-8")
    if bad is None:
        return Encoding("utf-8")
    n_bad, n_multibyte, size = utf8_profile(path)
    if n_bad <= n_multibyte and n_bad <= max(1, MAX_BAD_UTF8_RATIO * size):
        return Encoding("utf-8", f"not valid UTF-8: {n_bad} bad byte{'s' * (n_bad != 1)} replaced by U+FFFD "
                                 f"(the first, 0x{bad[1]:02x}, at byte offset {bad[0]})", errors="replace")
    refusal = (f"not UTF-8 (byte 0x{bad[1]:02x} at offset {bad[0]}) and no clear text encoding: "
               "binary or corrupt data")
    codec = _guess_codec(path)
    if codec is None or first_undecodable(path, codec) is not None:
        raise Refused(refusal)
    return Encoding(codec, f"not UTF-8: decoded as {codec}")


def _guess_codec(path: Path) -> str | None:
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    with path.open("rb") as f:
        sample = f.read(DETECT_BYTES)
    best = from_bytes(sample).best()
    if best is None or not _plausible(str(best)):
        return None
    if set(best.alphabets) <= _LATIN_ALPHABETS:
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if mess_ratio(text, 1.0) <= 0.2 and _plausible(text):
                return "cp1252"
    return codecs.lookup(best.encoding).name


def _plausible(text: str) -> bool:
    control = sum(1 for c in text if c not in "\t\n\r\f\v" and unicodedata.category(c) == "Cc")
    return control <= MAX_CONTROL_RATIO * max(len(text), 1)


def first_undecodable(path: Path, codec: str) -> tuple[int, int] | None:
    """(offset, byte) of the first byte ``codec`` cannot decode, streaming; None when all decode.

    Refused when a NUL character turns up: binary data past the sniffed head (and a NUL that
    PostgreSQL would refuse to store).
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            try:
                if "\x00" in decoder.decode(chunk):
                    wide = codec.startswith(("utf-16", "utf-32"))
                    where = "" if wide else f" at byte offset {offset + chunk.find(bytes(1))}"
                    raise Refused(f"binary data (NUL character{where}), not text")
            except UnicodeDecodeError as e:
                carried = len(e.object) - len(chunk)  # bytes held over from the previous chunk
                return offset - carried + e.start, e.object[e.start]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, 0  # ends inside a multi-byte character
    return None


_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def utf8_profile(path: Path) -> tuple[int, int, int]:
    """(bytes that are not UTF-8, valid multi-byte characters, file size), streaming."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")  # bad byte -> U+DC80..U+DCFF
    n_bad = n_multibyte = size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            size += len(chunk)
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise Refused("binary data (NUL character), not text")
            escaped = len(_ESCAPED.findall(text))
            n_bad += escaped
            n_multibyte += len(_NON_ASCII.findall(text)) - escaped
        n_bad += len(_ESCAPED.findall(decoder.decode(b"", final=True)))
    return n_bad, n_multibyte, size


def _verified(path: Path, codec: str, warning: str | None) -> Encoding:
    bad = first_undecodable(path, codec)
    if bad is not None:
        raise Refused(f"invalid {codec} at byte offset {bad[0]}")
    return Encoding(codec, warning)
