"""Record files: JSON Lines, JSON and CSV, one document per record with text and metadata.

JSONL and CSV are streamed record by record; a bad record is reported and skipped, the rest of
the file is read. (A .json file is parsed whole: use JSONL for large collections.)
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from kb.ingest.decode import detect_encoding
from kb.ingest.split import documents, split_text
from kb.ingest.types import IngestError, RawDocument, Refused
from kb.metadata import parse_date, read_header

# Field names accepted for each metadata slot, first found wins.
FIELDS = {
    "text": ("text", "body", "content"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at", "pubdate"),
    "source": ("source", "outlet", "publisher"),
}

Item = RawDocument | IngestError
MAX_JSON_CHARS_PER_DOC = 64  # a .json file may be this many times KB_MAX_DOC_CHARS


def read_jsonl_file(path: Path, max_chars: int) -> Iterator[Item]:
    encoding = detect_encoding(path)
    seen = False
    with path.open(encoding=encoding.codec, errors=encoding.errors, newline="\n") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            seen = True
            where = f"{path}#{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield IngestError(where, f"malformed JSON line: {e.msg.removesuffix(' at')} (column {e.colno})")
                continue
            yield from guarded(where, obj, max_chars, encoding.warning)
    if not seen:
        raise Refused("empty file (only whitespace)")


def read_json_file(path: Path, max_chars: int) -> Iterator[Item]:
    encoding = detect_encoding(path)
    limit = MAX_JSON_CHARS_PER_DOC * max_chars
    if path.stat().st_size > limit:  # parsed whole, so bounded here
        raise Refused(f"JSON file too large to parse whole ({path.stat().st_size // 2**20} MiB, "
                      f"limit {limit // 2**20} MiB): convert it to JSON Lines (.jsonl), which is streamed")
    text = path.read_text(encoding=encoding.codec, errors=encoding.errors)
    if not text.strip():
        raise Refused("empty file (only whitespace)")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise Refused(f"malformed JSON: {e.msg.removesuffix(' at')} (line {e.lineno}, column {e.colno})") from None
    del text
    if isinstance(obj, list):
        for i, item in enumerate(obj, 1):
            yield from guarded(f"{path}#{i}", item, max_chars, encoding.warning)
    else:
        yield from guarded(str(path), obj, max_chars, encoding.warning)


def read_csv_file(path: Path, max_chars: int) -> Iterator[Item]:
    encoding = detect_encoding(path)
    # csv's default field limit (128 KiB) is below a long article; keep a bound all the same.
    csv.field_size_limit(min(sys.maxsize, max(csv.field_size_limit(), 64 * max_chars)))
    with path.open(encoding=encoding.codec, errors=encoding.errors, newline="") as f:
        reader = csv.reader(f, delimiter=_delimiter(f.readline()))
        f.seek(0)
        try:
            header = next(reader, None)
        except csv.Error as e:
            raise Refused(f"malformed CSV header: {e}") from None
        if not header:
            raise Refused("empty file (only whitespace)")
        columns = [c.strip().lower() for c in header]
        if not set(columns) & set(FIELDS["text"]):
            raise Refused(f"CSV has no 'text' column (columns: {', '.join(columns)})")
        while True:
            line = reader.line_num + 1
            where = f"{path}#{line}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                yield IngestError(where, f"malformed CSV row: {e}")
                continue
            if not row or not any(v.strip() for v in row):
                continue
            if len(row) != len(columns):
                hint = " (unclosed quote?)" if len(row) < len(columns) and "\n" in row[-1] else ""
                yield IngestError(where, f"malformed CSV row: {len(row)} fields, header has "
                                         f"{len(columns)}{hint}")
                continue
            yield from guarded(where, dict(zip(columns, row)), max_chars, encoding.warning)


def _delimiter(header_line: str) -> str:
    """Comma, unless the header line plainly uses semicolons (European spreadsheets) or tabs."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def guarded(where: str, obj, max_chars: int, warning: str | None = None) -> Iterator[Item]:
    """:func:`record_documents`, with anything unexpected in one record confined to that record:
    its error names the record (file#line), and the rest of the file is read."""
    try:
        yield from record_documents(where, obj, max_chars, warning)
    except Exception as e:  # noqa: BLE001  (one odd record must not cost the rest of the file)
        yield IngestError(where, f"unreadable record: {type(e).__name__}: {first_line(e)}")


def first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [""])[0][:200]


def invalid_unicode(value: str) -> int | None:
    """Offset of the first lone surrogate (JSON's "\\udc80"), which no text can hold; None if none."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        return e.start
    return None


def record_documents(where: str, obj, max_chars: int, warning: str | None = None) -> Iterator[Item]:
    """The document(s) of one record, its metadata checked and completed from the text's top."""
    if not isinstance(obj, dict):
        yield IngestError(where, f"record is a JSON {type(obj).__name__}, not an object")
        return
    obj = {str(k).strip().lower(): v for k, v in obj.items()}
    fields = {slot: _first(obj, names) for slot, names in FIELDS.items()}
    text = fields.pop("text")
    if not isinstance(text, str) or not text.strip():
        yield IngestError(where, "record has no 'text'" if text in (None, "") else
                          "record's 'text' is not a non-empty string")
        return
    meta = {k: (str(v).strip() or None) if v is not None else None for k, v in fields.items()
            if k != "published"}
    warnings = [warning] if warning else []
    # JSON's "\\u0000": PostgreSQL cannot store NUL, SQLite can; both get U+FFFD (same length, so
    # offsets hold), and the record says so.
    nuls = text.count("\x00") + sum(v.count("\x00") for v in meta.values() if v)
    if nuls:
        text = text.replace("\x00", "\ufffd")
        meta = {k: v.replace("\x00", "\ufffd") if v else v for k, v in meta.items()}
        warnings.append(f"{nuls} NUL character{'s' * (nuls != 1)} (\\u0000) replaced by U+FFFD")
    for name, value in (("text", text), *meta.items()):
        bad = invalid_unicode(value) if value else None
        if bad is not None:
            yield IngestError(where, f"record's {name!r} holds a lone surrogate (\\u{ord(value[bad]):04x} at "
                                     f"character {bad}), which is not text: fix the record's escapes")
            return
    header = read_header(text[:4096])
    published = None
    raw_date = fields["published"]
    if raw_date not in (None, ""):
        try:
            published = parse_date(raw_date)
        except (ValueError, OverflowError, OSError) as e:  # OverflowError: 1e20 seconds since 1970
            cause = e if isinstance(e, ValueError) else f"date out of range {str(raw_date)[:40]!r}"
            fallback = "the dateline's date used" if header.published else "stored without a date"
            warnings.append(f"published: {cause}; {fallback}")
    published = published or header.published
    yield from documents(split_text(text, max_chars), where, title=meta["title"] or header.title,
                         url=meta["url"], published=published.isoformat() if published else None,
                         source=meta["source"] or header.source, warnings=warnings)


def _first(obj: dict, names: tuple[str, ...]):
    for name in names:
        if obj.get(name) not in (None, ""):
            return obj[name]
    return None
