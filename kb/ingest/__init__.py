"""Read files into RawDocuments: .txt, .html/.htm, .jsonl/.json, .csv.

Nothing here parses language or touches the database. Everything streams: files one at a time,
JSONL/CSV record by record, long texts part by part. Bad input yields an IngestError naming the
file (or record) and the cause, and reading goes on with the next one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kb.ingest.complete import complete
from kb.ingest.html import read_html_file
from kb.ingest.records import read_csv_file, read_json_file, read_jsonl_file
from kb.ingest.sidecar import Sidecar
from kb.ingest.text import read_text_file
from kb.ingest.types import IngestError, RawDocument, Refused

__all__ = ["SUPPORTED", "IngestError", "RawDocument", "iter_files", "read_file", "read_paths"]

READERS: dict[str, Callable[[Path, int], Iterator[RawDocument | IngestError]]] = {
    ".txt": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
    ".json": read_json_file,
    ".csv": read_csv_file,
}
SUPPORTED = set(READERS)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files to read, lazily, in a stable order.

    A file named on the command line is always yielded (an unsupported one then gets its error);
    inside folders only supported, non-hidden files are, so a README or a .DS_Store is passed over.
    """
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED:
                    yield Path(root) / name


def read_paths(paths: Iterable[str | Path], max_doc_chars: int | None = None,
               metadata: Sidecar | None = None) -> Iterator[RawDocument | IngestError]:
    """Documents and errors from files and folders, one file at a time; each document's metadata
    completed (``kb.ingest.complete``: the ``metadata`` sidecar, dates from URL and file name,
    headline or file name as title, http(s) URLs only)."""
    if max_doc_chars is None:
        from kb.config import get_settings

        max_doc_chars = get_settings().max_doc_chars
    skip = Path(metadata.path).resolve() if metadata is not None else None
    for path in iter_files(paths):
        if skip is not None and path.resolve() == skip:
            continue  # the sidecar sits beside the files it describes; it is not a document
        for item in read_file(path, max_doc_chars):
            yield complete(item, metadata) if isinstance(item, RawDocument) else item


def read_file(path: Path, max_doc_chars: int) -> Iterator[RawDocument | IngestError]:
    name = str(path)
    reader = READERS.get(path.suffix.lower())
    if not path.exists():
        yield IngestError(name, "no such file")
    elif not path.is_file():
        yield IngestError(name, "not a regular file")
    elif reader is None:
        yield IngestError(name, f"unsupported file type {path.suffix.lower() or '(no extension)'!r} "
                                f"(use {', '.join(sorted(SUPPORTED))})")
    else:
        try:
            yield from reader(path, max_doc_chars)
        except Refused as e:
            yield IngestError(name, e.cause)
        except UnicodeDecodeError as e:  # the file changed since its encoding was checked
            yield IngestError(name, f"cannot decode as {e.encoding}: {e.reason}")
        except OSError as e:
            yield IngestError(name, f"cannot read: {e.strerror or e}")
        except Exception as e:  # noqa: BLE001  (a reader bug on one file must not stop a long run)
            yield IngestError(name, f"cannot read: {type(e).__name__}: {e}")
