"""Cut an over-long text into parts at paragraph boundaries, streaming.

The parts are consecutive slices of the text as read: joined, they give it back exactly, so each
part is stored verbatim and offsets in a part are offsets into that part's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kb.ingest.types import RawDocument

# Boundaries, best first. A cut is taken at the last boundary of the best kind that still
# leaves the part at least half full; failing all, the text is cut at the limit.
_BOUNDARIES = [
    re.compile(r"\r?\n(?:[ \t]*\r?\n)+"),  # blank line: paragraph
    re.compile(r"\r?\n"),  # line
    re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+"),  # sentence end
    re.compile(r"\s+"),  # word
]


def cut_point(text: str, limit: int) -> int:
    """Where to end a part of at most ``limit`` chars taken from the start of ``text``."""
    window = text[limit // 2: limit]
    for boundary in _BOUNDARIES:
        last = None
        for last in boundary.finditer(window):
            pass
        if last is not None and last.end() > 0:
            return limit // 2 + last.end()
    return limit


def stream_parts(chunks: Iterable[str], max_chars: int) -> Iterator[str]:
    """Parts of at most ``max_chars`` from a stream of text chunks; whitespace-only tails dropped."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size <= max_chars:
            continue
        buf = "".join(pending)
        while len(buf) > max_chars:
            cut = cut_point(buf, max_chars)
            yield buf[:cut]
            buf = buf[cut:]
        pending, size = [buf], len(buf)
    rest = "".join(pending)
    if rest.strip():
        yield rest


def split_text(text: str, max_chars: int) -> list[str]:
    return list(stream_parts([text], max_chars))


def documents(parts: Iterable[str], path: str, title: str | None = None,
              warnings: list[str] | None = None, **meta) -> Iterator[RawDocument]:
    """One RawDocument per part; when there are several, "#part<N>" paths and "(part N)" titles.

    Looks one part ahead to know whether the text was split, so at most two parts are held.
    """
    it = iter(parts)
    head = [p for p in (next(it, None), next(it, None)) if p is not None]
    if len(head) == 1:
        yield RawDocument(text=head[0], path=path, title=title, warnings=list(warnings or []), **meta)
        return
    for n, text in enumerate(_drain(head, it), 1):
        yield RawDocument(text=text, path=f"{path}#part{n}", title=f"{title} (part {n})" if title else None,
                          warnings=list(warnings or []), **meta)


def _drain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    while head:
        yield head.pop(0)  # popped, so a yielded part is not kept alive here
    yield from rest
