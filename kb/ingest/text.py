"""Plain-text files: streamed in chunks, split when long, headline and dateline read from the top."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kb.ingest.decode import detect_encoding
from kb.ingest.split import documents, stream_parts
from kb.ingest.types import RawDocument, Refused
from kb.metadata import read_header

CHUNK_CHARS = 256 * 1024


def read_text_file(path: Path, max_chars: int) -> Iterator[RawDocument]:
    encoding = detect_encoding(path)
    # newline="": "\r\n" is kept as read, so offsets match the file's characters.
    with path.open(encoding=encoding.codec, errors=encoding.errors, newline="") as f:
        parts = stream_parts(iter(lambda: f.read(CHUNK_CHARS), ""), max_chars)
        first = next(parts, None)
        if first is None:
            raise Refused("empty file (only whitespace)")
        header = read_header(first)
        stream = _prepend(first, parts)
        del first  # only the parts in flight stay in memory
        yield from documents(
            stream, str(path), title=header.title,
            published=header.published.isoformat() if header.published else None,
            source=header.source, warnings=[encoding.warning] if encoding.warning else [],
        )


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    del first
    yield from rest
