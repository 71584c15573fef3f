"""Adversarial input, second round, through the real `kb ingest` into a real SQLite KB (the NUL
case on PostgreSQL too): one bad record costs that record only, with its line number; a stray
byte costs that byte only; the same article with other line ends is a duplicate."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_bad_input import documents, kb, lines, run  # noqa: F401 (kb: the fixture)

from kb.ingest.decode import detect_encoding
from kb.ingest.types import RawDocument

ARTICLE = ("Harbour stays shut\n\n14 January 2024\n\n"
           "Trade Minister Ana Roth said the harbour would stay closed. \u201cWe will not bow to pressure,\u201d "
           "she told reporters, according to the ministry\u2019s statement.\n")


def _jsonl(*records: str) -> str:
    return "\n".join(records) + "\n"


GOOD_1 = json.dumps({"text": "Roth said the talks would resume on Monday.", "published": "2024-03-11"})
GOOD_2 = json.dumps({"text": "Pell said the minister must resign over the port deal."})


@pytest.mark.parametrize("bad, cause", [
    ('{"text": "Ekdahl said the strike \\udc80 would go on."}', "lone surrogate"),
    ('{"text": "Ekdahl said the strike would go on.", "title": "A \\ud800 title"}', "lone surrogate"),
    ('{"text": "Ekdahl said", "published": {"nested": [1, 2]}, "source": ["a", "b"]}', None),
], ids=["surrogate-in-text", "surrogate-in-title", "odd-types"])
def test_a_bad_record_costs_only_itself(kb, tmp_path, bad, cause):  # noqa: F811
    p = tmp_path / "feed.jsonl"
    p.write_text(_jsonl(GOOD_1, bad, GOOD_2), encoding="utf-8")
    result = run(str(p))
    assert "Traceback" not in result.stderr and result.exception is None or isinstance(result.exception, SystemExit)
    paths = {r[2] for r in documents(kb)}
    assert {f"{p}#1", f"{p}#3"} <= paths  # the records around it
    if cause:
        assert result.exit_code == 1
        [error] = lines(result, "error")
        assert error.startswith(f"error: {p}#2: ") and cause in error
        assert f"{p}#2" not in paths


@pytest.mark.parametrize("value", ["1e20", "-1e300", "1e400", "99999999999999999999999", "-62135596801"])
def test_out_of_range_numeric_date_is_a_warning_on_that_record(kb, tmp_path, value):  # noqa: F811
    p = tmp_path / "feed.jsonl"
    p.write_text(_jsonl(GOOD_1, '{"text": "Ekdahl said the strike would go on.", "published": ' + value + "}",
                        GOOD_2), encoding="utf-8")
    result = run(str(p))
    assert result.exit_code == 0, result.stderr
    [warning] = lines(result, "warning")
    assert warning.startswith(f"warning: {p}#2: published: ") and "stored without a date" in warning
    rows = {r[2]: r for r in documents(kb)}
    assert {f"{p}#1", f"{p}#2", f"{p}#3"} <= set(rows) and rows[f"{p}#2"][4] is None


def test_one_stray_byte_keeps_the_rest_utf8(kb, tmp_path):  # noqa: F811
    data = ARTICLE.encode("utf-8")
    cut = data.index(b"harbour would")
    p = tmp_path / "stray.txt"
    p.write_bytes(data[:cut] + b"\x81" + data[cut:])
    result = run(str(p))
    assert result.exit_code == 0, result.stderr
    assert lines(result, "warning") == [
        f"warning: {p}: not valid UTF-8: 1 bad byte replaced by U+FFFD (the first, 0x81, at byte offset {cut})"]
    [row] = [r for r in documents(kb) if r[2] == str(p)]
    assert row[5] == ARTICLE[:len(data[:cut].decode())] + "\ufffd" + ARTICLE[len(data[:cut].decode()):]
    assert "\u201cWe will not bow" in row[5]  # curly quotes intact, no mac-iceland


def test_mostly_bad_bytes_are_still_a_code_page(tmp_path):
    """A cp1252 file (no valid UTF-8 multi-byte characters) is still decoded as cp1252."""
    p = tmp_path / "latin.txt"
    p.write_bytes("La ministre a déclaré : « Le port restera fermé », selon l’agence. Élection à Amsel.\n"
                  .encode("cp1252"))
    assert detect_encoding(p).codec == "cp1252"


@pytest.mark.parametrize("variant", [
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t + "\n\n",
    lambda t: t.replace("\n", "  \n"),
    lambda t: t.rstrip("\n"),
    lambda t: "\n" + t.replace("\n", "\r"),
], ids=["crlf", "extra-newlines", "trailing-spaces", "no-final-newline", "leading-newline-cr"])
def test_same_article_with_other_line_ends_is_a_duplicate(kb, tmp_path, variant):  # noqa: F811
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(ARTICLE.encode("utf-8"))
    second.write_bytes(variant(ARTICLE).encode("utf-8"))
    result = run(str(first), str(second))
    assert result.exit_code == 0, result.stderr
    assert "1 new, 1 unchanged, 0 failed" in result.stderr
    assert str(second) not in {r[2] for r in documents(kb)}


def test_a_changed_word_is_not_a_duplicate():
    assert RawDocument(ARTICLE, "a").content_hash != RawDocument(ARTICLE.replace("shut", "open"), "b").content_hash
    assert RawDocument("a  b", "a").content_hash != RawDocument("a b", "b").content_hash  # inner spaces count


def test_kb_made_before_normalised_hashes_still_sees_its_documents(kb, tmp_path):  # noqa: F811
    """A KB whose documents carry the verbatim hash (as before) does not store them again."""
    p = tmp_path / "a.txt"
    p.write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    assert run(str(p)).exit_code == 0
    raw = RawDocument(ARTICLE.replace("\n", "\r\n"), str(p))
    with sqlite3.connect(kb) as con:
        con.execute("UPDATE document SET content_hash = ? WHERE path = ?", (raw.verbatim_hash, str(p)))
    result = run(str(p))
    assert "0 new, 1 unchanged" in result.stderr


def test_nul_escape_in_a_record_is_replaced_and_said(kb, tmp_path):  # noqa: F811
    p = tmp_path / "feed.jsonl"
    p.write_text(_jsonl('{"text": "Roth said the port\\u0000 would reopen.", "title": "Port\\u0000"}'),
                 encoding="utf-8")
    result = run(str(p))
    assert result.exit_code == 0, result.stderr
    assert lines(result, "warning") == [f"warning: {p}#1: 2 NUL characters (\\u0000) replaced by U+FFFD"]
    [row] = [r for r in documents(kb) if r[2] == f"{p}#1"]
    assert row[5] == "Roth said the port\ufffd would reopen." and row[3] == "Port\ufffd"


def test_nul_escape_is_stored_alike_on_both_backends(db_url, tmp_path, nlp):
    from sqlalchemy import select

    from kb.db import session_scope
    from kb.ingest import read_paths
    from kb.models import Document
    from kb.pipeline import ingest

    p = tmp_path / "feed.jsonl"
    p.write_text(_jsonl('{"text": "Roth said the port\\u0000 would reopen."}'), encoding="utf-8")
    summary = ingest(read_paths([p]), nlp, db_url)
    assert (summary.new, summary.failed) == (1, 0), summary.errors
    with session_scope(db_url) as s:
        assert s.execute(select(Document.text)).scalar_one() == "Roth said the port\ufffd would reopen."
