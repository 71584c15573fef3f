"""What the readers hand on: a RawDocument, or an IngestError naming the file and the cause."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_LINE_END = re.compile(r"[ \t\f\v]*(?:\r\n|\r|\n)")


def comparable_text(text: str) -> str:
    """The text as duplicates are recognised: line ends unified, trailing spaces and blank lines
    at either end dropped. The same article saved with CRLF or an extra newline is the same text."""
    return _LINE_END.sub("\n", text).strip("\n").rstrip(" \t\f\v")


@dataclass
class RawDocument:
    text: str  # verbatim: every char offset downstream points into this string
    path: str  # as given, plus "#<line>" for a JSONL/CSV record and "#part<N>" for a split part
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date
    source: str | None = None
    # Things the analyst should know that did not stop the document ("decoded as cp1252").
    warnings: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """SHA-256 of :func:`comparable_text` (what duplicate detection keys on)."""
        return hashlib.sha256(comparable_text(self.text).encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def verbatim_hash(self) -> str:
        """SHA-256 of the text as read: the key KBs made before hashes were normalised hold."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class IngestError:
    path: str
    cause: str

    def __str__(self) -> str:
        return f"{self.path}: {self.cause}"


class Refused(Exception):
    """Raised inside a reader when a whole file (or record) cannot be read; becomes an IngestError."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause
