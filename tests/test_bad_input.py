"""Bad input through the real `kb ingest` into a real SQLite KB.

Each bad file gets one error line naming it and the cause, is skipped, the good file given with
it is stored, what was stored before is still there unchanged, and the exit status is 1 only
when something failed.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli import app
from tests.conftest import SEED_TEXT

GOOD = "Harbour stays shut\n\n14 January 2024\n\nTrade Minister Ana Roth said the harbour would stay closed.\n"


def run(*args: str):
    return CliRunner().invoke(app, ["ingest", "--quiet", *args])


def lines(result, kind: str) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.startswith(f"{kind}:")]


def documents(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT id, content_hash, path, title, published, text FROM document ORDER BY id").fetchall()


def stored_facts(db: Path) -> tuple:
    with sqlite3.connect(db) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("statement", "mention"))


@pytest.fixture
def kb(tmp_path, monkeypatch, nlp):
    """A KB that already holds the seed; returns its file."""
    db = tmp_path / "kb.sqlite"
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{db}")
    first = run(str(SEED_TEXT))
    assert first.exit_code == 0, first.stderr
    return db


def _random_text_like_bytes() -> bytes:
    rng = random.Random(7)  # no NUL bytes, so only the encoding check can refuse it
    return bytes(rng.randrange(1, 256) for _ in range(4000))


def _bad_jsonl() -> bytes:
    good = json.dumps({"text": "Roth said the talks would resume.", "published": "2024-03-11"})
    return f'{good}\n{{"text": "unterminated\n'.encode()


def _bad_csv() -> bytes:
    return b'title,published,text\nOne,2024-04-03,"Ekdahl said the strike would go on."\nTwo,2024-04-04,too,many,fields\n'


# (file name, content, where the error points, the cause it names)
BAD = [
    ("empty.txt", b"", "", "empty file"),
    ("blank.txt", b" \n\n\t\n", "", "empty file (only whitespace)"),
    ("nul.txt", bytes(range(256)) * 8, "", "binary data (NUL bytes), not text"),
    ("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "", "binary data (a PDF document), not text"),
    ("noise.txt", _random_text_like_bytes(), "", "no clear text encoding: binary or corrupt data"),
    ("feed.jsonl", _bad_jsonl(), "#2", "malformed JSON line"),
    ("sheet.csv", _bad_csv(), "#3", "malformed CSV row: 5 fields, header has 3"),
    ("notes.docx", b"PK\x03\x04", "", "unsupported file type '.docx'"),
    ("cut.html", b"<html><head><title>Port</title></head><body><article><p>Roth said the port would",
     "", "truncated HTML"),
    ("nothing.csv", b"a,b\n1,2\n", "", "CSV has no 'text' column"),
]


GOOD_RECORD = {"feed.jsonl": "#1", "sheet.csv": "#2"}


@pytest.mark.parametrize("name, content, where, cause", BAD, ids=[b[0] for b in BAD])
def test_bad_file_is_reported_skipped_and_nothing_is_lost(kb, tmp_path, name, content, where, cause):
    before, facts = documents(kb), stored_facts(kb)
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")

    result = run(str(bad), str(good))

    assert result.exit_code == 1
    [error] = lines(result, "error")
    assert error.startswith(f"error: {bad}{where}: ") and cause in error, error
    after = documents(kb)
    assert after[: len(before)] == before  # earlier documents untouched
    assert stored_facts(kb)[0] >= facts[0]
    new_paths = [row[2] for row in after[len(before):]]
    assert str(good) in new_paths
    # The good record inside a partly bad JSONL/CSV file is stored too.
    if name in GOOD_RECORD:
        assert f"{bad}{GOOD_RECORD[name]}" in new_paths


def test_missing_file(kb, tmp_path):
    result = run(str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert lines(result, "error") == [f"error: {tmp_path / 'nope.txt'}: no such file"]


def test_latin1_file_is_decoded_and_stored_with_a_warning(kb, tmp_path):
    text = "Élection à Port Amsel\n\n2 février 2024\n\nLa ministre Ana Roth a déclaré : « Le port restera fermé », selon l’agence.\n"
    p = tmp_path / "latin.txt"
    p.write_bytes(text.encode("cp1252"))
    result = run(str(p))
    assert result.exit_code == 0, result.stderr
    assert lines(result, "error") == []
    assert lines(result, "warning") == [f"warning: {p}: not UTF-8: decoded as cp1252"]
    [row] = [r for r in documents(kb) if r[2] == str(p)]
    assert row[5] == text and row[3] == "Élection à Port Amsel"


def test_duplicates_are_unchanged_not_errors(kb, tmp_path):
    before = documents(kb)
    copy = tmp_path / "copy_of_seed.txt"
    copy.write_bytes(SEED_TEXT.read_bytes())
    result = run(str(SEED_TEXT), str(copy))
    assert result.exit_code == 0, result.stderr
    assert lines(result, "error") == []
    assert "0 new, 2 unchanged, 0 failed" in result.stderr
    assert documents(kb) == before


def test_bad_published_date_stores_the_document_without_a_date(kb, tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": "Roth said the port would reopen.", "published": "soon"}) + "\n")
    result = run(str(p))
    assert result.exit_code == 0, result.stderr
    assert lines(result, "warning") == [f"warning: {p}#1: published: unreadable date 'soon'; stored without a date"]
    [row] = [r for r in documents(kb) if r[2] == f"{p}#1"]
    assert row[4] is None


def test_long_file_is_stored_in_parts(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_MAX_DOC_CHARS", "600")
    paragraphs = [f"Minister Ana Roth said on day {i} that the harbour would stay closed. "
                  f"\"We will not bow to pressure,\" she told reporters." for i in range(12)]
    text = "Harbour stays shut\n\n14 January 2024\n\n" + "\n\n".join(paragraphs) + "\n"
    p = tmp_path / "long.txt"
    p.write_text(text, encoding="utf-8")
    result = run(str(p))
    assert result.exit_code == 0, result.stderr
    parts = [r for r in documents(kb) if r[2].startswith(f"{p}#part")]
    assert len(parts) >= 3
    assert "".join(r[5] for r in parts) == text
    assert [r[3] for r in parts] == [f"Harbour stays shut (part {i})" for i in range(1, len(parts) + 1)]
    assert {r[4] for r in parts} == {"2024-01-14"}
    with sqlite3.connect(kb) as con:  # offsets point into each part's own text
        rows = con.execute("SELECT d.text, s.content_start, s.content_end, s.content_text FROM statement s "
                           "JOIN document d ON d.id = s.document_id WHERE d.path LIKE ?", (f"{p}#part%",)).fetchall()
    for part_text, start, end, content in rows:
        if start is not None:
            assert part_text[start:end] == content


def test_folder_with_good_and_bad_files(kb, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "README.md").write_text("not a document, passed over in folders")
    with (folder / "c_rows.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["text", "published"], ["Pell said the minister must resign.", "3 April 2024"]])
    result = run(str(folder))
    assert result.exit_code == 1
    assert lines(result, "error") == [f"error: {folder / 'b_empty.txt'}: empty file"]
    paths = {r[2] for r in documents(kb)}
    assert {str(folder / "a_good.txt"), f"{folder / 'c_rows.csv'}#2"} <= paths
    assert "2 new, 0 unchanged, 1 failed" in result.stderr


def test_extract_streams_good_documents_and_reports_bad_ones(tmp_path, monkeypatch, nlp):
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite'}")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_binary.txt").write_bytes(bytes(range(256)))
    result = CliRunner().invoke(app, ["extract", str(folder), "--format", "jsonl"])
    assert result.exit_code == 1
    assert lines(result, "error") == [f"error: {folder / 'b_binary.txt'}: binary data (NUL bytes), not text"]
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["doc"] for r in rows} == {str(folder / "a_good.txt")}
    assert not (tmp_path / "unused.sqlite").exists()  # extract stores nothing
