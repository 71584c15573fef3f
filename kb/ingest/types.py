"""What the readers hand on: a RawDocument, or an IngestError naming the file and the cause."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


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
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


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
