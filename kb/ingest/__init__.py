"""Read files into RawDocuments: txt, html/htm, jsonl/json, csv. Nothing here parses language
or touches the database. Bad input yields an IngestError naming the file and the cause."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

SUPPORTED = {".txt", ".html", ".htm", ".jsonl", ".json", ".csv"}


@dataclass
class RawDocument:
    text: str
    path: str  # as given, plus "#<line>" / "#<row>" for records inside a JSONL or CSV file
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date when given by the input
    source: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class IngestError:
    path: str
    cause: str

    def __str__(self) -> str:
        return f"{self.path}: {self.cause}"


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith("."))
        else:
            yield p


def read_paths(paths: Iterable[str | Path]) -> Iterator[RawDocument | IngestError]:
    """Stream documents (and errors) from files and folders, one file at a time."""
    for path in iter_files(paths):
        yield from read_file(path)


def read_file(path: Path) -> Iterator[RawDocument | IngestError]:
    name = str(path)
    if not path.exists():
        yield IngestError(name, "no such file")
        return
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        yield IngestError(name, f"unsupported extension {ext or '(none)'!r}")
        return
    try:
        raw = path.read_bytes()
    except OSError as e:
        yield IngestError(name, f"cannot read: {e.strerror}")
        return
    if not raw.strip():
        yield IngestError(name, "empty file")
        return
    if b"\x00" in raw[:8192]:
        yield IngestError(name, "binary data, not text")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        yield IngestError(name, f"invalid UTF-8 at byte {e.start}")
        return
    if ext == ".txt":
        yield RawDocument(text=text, path=name)
    elif ext in (".html", ".htm"):
        yield from _read_html(name, text)
    elif ext == ".jsonl":
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield _record(f"{name}#{i}", line)
    elif ext == ".json":
        yield from _read_json(name, text)
    elif ext == ".csv":
        yield from _read_csv(name, text)


def _from_mapping(where: str, obj) -> RawDocument | IngestError:
    if not isinstance(obj, dict):
        return IngestError(where, "record is not an object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return IngestError(where, "record has no 'text'")
    return RawDocument(
        text=text,
        path=where,
        title=obj.get("title") or None,
        url=obj.get("url") or None,
        published=obj.get("published") or None,
        source=obj.get("source") or None,
    )


def _record(where: str, line: str) -> RawDocument | IngestError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return IngestError(where, f"malformed JSON: {e.msg}")
    return _from_mapping(where, obj)


def _read_json(name: str, text: str) -> Iterator[RawDocument | IngestError]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        yield IngestError(name, f"malformed JSON: {e.msg} at line {e.lineno}")
        return
    items = obj if isinstance(obj, list) else [obj]
    for i, item in enumerate(items, 1):
        yield _from_mapping(f"{name}#{i}" if isinstance(obj, list) else name, item)


def _read_csv(name: str, text: str) -> Iterator[RawDocument | IngestError]:
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield IngestError(name, "CSV has no 'text' column")
        return
    for i, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            yield IngestError(f"{name}#{i}", "malformed CSV row (wrong number of fields)")
            continue
        yield _from_mapping(f"{name}#{i}", row)


def _read_html(name: str, html: str) -> Iterator[RawDocument | IngestError]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not text or not text.strip():
        yield IngestError(name, "no main text found in HTML")
        return
    meta = trafilatura.extract_metadata(html)
    yield RawDocument(
        text=text,
        path=name,
        title=getattr(meta, "title", None),
        url=getattr(meta, "url", None),
        published=getattr(meta, "date", None),
        source=getattr(meta, "sitename", None),
    )
