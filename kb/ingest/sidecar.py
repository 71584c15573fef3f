"""A metadata sidecar for `kb ingest DIR --metadata FILE.csv|tsv`: one row per file, giving the
title, date, source and URL the files themselves do not carry (or carry wrongly).

Columns (header names, any case): ``file`` (also ``filename``, ``file_name``, ``path``, ``name``),
``title``, ``date`` (also ``published``), ``source`` (also ``outlet``, ``publisher``), ``url``.
Only ``file`` is required. A row is matched to a document by its file name (or its path as given).
A bad row is one error line naming the sidecar and the line, and is skipped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.metadata import parse_date

COLUMNS = {
    "file": ("file", "filename", "file_name", "path", "name"),
    "title": ("title", "headline"),
    "date": ("date", "published", "pubdate"),
    "source": ("source", "outlet", "publisher"),
    "url": ("url", "link"),
}


class SidecarError(ValueError):
    """The sidecar as a whole cannot be used (missing, unreadable, no file column)."""


@dataclass
class Row:
    file: str
    line: int
    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None


@dataclass
class Sidecar:
    path: str
    rows: dict[str, Row] = field(default_factory=dict)  # by file name and by path as written
    errors: list[str] = field(default_factory=list)  # "meta.csv:4: unreadable date 'soon'"
    used: set[int] = field(default_factory=set)  # lines matched to a document

    def find(self, doc_path: str) -> Row | None:
        """The row for a document path ("dir/a.txt", "dir/a.jsonl#3", "dir/a.txt#part2")."""
        file = doc_path.split("#", 1)[0]
        row = self.rows.get(file) or self.rows.get(Path(file).name)
        if row is not None:
            self.used.add(row.line)
        return row

    def unused(self) -> list[str]:
        """One line per row that matched no document read (a typo in a file name, say)."""
        rows = {row.line: row for row in self.rows.values() if row.line not in self.used}
        return [f"{self.path}:{line}: no document read from {rows[line].file!r}" for line in sorted(rows)]


def read_sidecar(path: str | Path) -> Sidecar:
    """Rows of a .csv or .tsv sidecar; SidecarError when the file cannot be used at all."""
    path = Path(path)
    if not path.is_file():
        raise SidecarError(f"{path}: no such file")
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise SidecarError(f"{path}: not UTF-8 text (byte offset {e.start})") from None
    except OSError as e:
        raise SidecarError(f"{path}: cannot read: {e.strerror or e}") from None
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise SidecarError(f"{path}: empty metadata file")
    names = [h.strip().lower() for h in header]
    where = {slot: next((names.index(n) for n in options if n in names), None)
             for slot, options in COLUMNS.items()}
    if where["file"] is None:
        raise SidecarError(f"{path}: no file-name column (want one of: {', '.join(COLUMNS['file'])}; "
                           f"found: {', '.join(names)})")
    out = Sidecar(str(path))
    for line, values in enumerate(reader, 2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(names):
            out.errors.append(f"{path}:{line}: {len(values)} fields, the header has {len(names)}")
            continue

        def get(slot: str, values=values) -> str | None:
            i = where[slot]
            return (values[i].strip() or None) if i is not None else None

        file = get("file")
        if not file:
            out.errors.append(f"{path}:{line}: no file name")
            continue
        row = Row(file=file, line=line, title=get("title"), source=get("source"), url=get("url"))
        raw_date = get("date")
        if raw_date:
            try:
                row.published = parse_date(raw_date)
            except ValueError as e:
                out.errors.append(f"{path}:{line}: {e}")
                continue
        if file in out.rows or Path(file).name in out.rows and "/" not in file:
            out.errors.append(f"{path}:{line}: {file!r} is listed twice (line "
                              f"{(out.rows.get(file) or out.rows[Path(file).name]).line} kept)")
            continue
        out.rows[file] = row
        out.rows.setdefault(Path(file).name, row)
    return out
