"""The last step of reading a document: its metadata completed and checked.

Applied to every RawDocument a reader yields (``kb.ingest.read_paths``), in this order:
a sidecar row (``kb ingest --metadata``) overrides what the file says; a URL that is not http(s)
is dropped with a warning (a ``javascript:`` link must never reach a page); a missing date is
read from the URL, then the file name ("publisher_2016-09-12_slug.txt"); a missing title is the
text's headline, then the file name (never the folder it came from).
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

from kb.ingest.dates import date_from_name, date_from_url
from kb.ingest.sidecar import Sidecar
from kb.ingest.types import RawDocument
from kb.metadata import headline

SAFE_SCHEMES = ("http", "https")


def safe_url(url: str | None) -> tuple[str | None, str | None]:
    """(url, None) for an http(s) URL with a host; (None, warning) for anything else."""
    if url is None or not str(url).strip():
        return None, None
    url = str(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        shown = url if len(url) <= 60 else url[:57] + "..."
        return None, f"url {shown!r} dropped: only http(s) URLs are kept"
    return url, None


def file_name(path: str) -> str:
    """The file's own name from a document path ("/data/in/a.txt#part2" -> "a.txt")."""
    file = path.split("#", 1)[0]
    if ":" in file and not file.startswith("/"):  # "upload:note.txt"
        file = file.split(":", 1)[1]
    return PurePath(file).name or file


def complete(doc: RawDocument, sidecar: Sidecar | None = None) -> RawDocument:
    row = sidecar.find(doc.path) if sidecar is not None else None
    if row is not None:
        part = doc.path.rsplit("#part", 1)[1] if "#part" in doc.path else None
        if row.title:
            doc.title = f"{row.title} (part {part})" if part else row.title
        if row.published:
            doc.published = row.published.isoformat()
        doc.source = row.source or doc.source
        doc.url = row.url or doc.url
    doc.url, warning = safe_url(doc.url)
    if warning:
        doc.warnings.append(warning)
    if not doc.published:
        found = date_from_url(doc.url) or date_from_name(file_name(doc.path))
        doc.published = found.isoformat() if found else None
    if not doc.title:
        part = doc.path.rsplit("#part", 1)[1] if "#part" in doc.path else None
        head = headline(doc.text) if part in (None, "1") else None  # a later part starts mid-story
        doc.title = head or file_name(doc.path) + (f" (part {part})" if part else "")
    return doc
