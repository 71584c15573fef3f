"""The browsing CLI (`kb statements`, `kb show-statement`, `kb show-actor`, `kb actors`,
`kb documents`, `kb show-document`, `kb stats`) over real KBs, through the installed Typer app."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import kb_cli
from sample_kb import TRICKY, sample_kb_url  # noqa: F401 (fixture)


@pytest.fixture
def kb(sample_kb_url, monkeypatch):  # noqa: F811 (the imported fixture)
    """Run ``kb ...`` against the sample KB (KB_DATABASE_URL); returns the click Result."""
    return kb_cli(sample_kb_url, monkeypatch)


def as_json(result) -> list | dict:
    return json.loads(result.stdout)


# --- kb statements ---------------------------------------------------------------------------------

def test_statements_reads_like_a_sentence(kb):
    r = kb("statements", "--speaker", "Yasser Farhan", "--claim-type", "accusation", "--target", "Russia",
           "--kind", "indirect", "--text", "war crimes", "--since", "2017-01-01", "--until", "2017-12-31",
           "--limit", "20", "--format", "json")
    rows = as_json(r)
    assert [x["content"] for x in rows] == ["Russia bears full responsibility for the war crimes"]
    assert rows[0]["targets"] == [{"actor": "Russia", "actor_id": rows[0]["targets"][0]["actor_id"],
                                   "role": "accused", "text": "Russia"}]
    assert rows[0]["published"] == "2017-09-27"
    assert r.stderr.strip() == "1 statement matches, 1 shown"


def test_statements_table_and_paging_hint(kb):
    r = kb("statements", "--limit", "3")
    out = r.stdout
    assert "Iran of crimes against humanity in Syria" in out and "Iran (accused)" in out
    assert "(Observers)" in out  # an unresolved speaker shows as written
    assert "Russia bears full" not in out  # on a later page
    assert "8 statements match, 3 shown; next page: --cursor" in r.stderr
    cursor = r.stderr.rsplit("--cursor ", 1)[1].strip()
    rest = as_json(kb("statements", "--cursor", cursor, "--limit", "100", "-f", "json"))
    assert len(rest) == 5 and all(x["id"] < int(cursor) for x in rest)


def test_statements_csv(kb):
    rows = list(csv.DictReader(io.StringIO(kb("statements", "--target", "Syrian Coalition", "-f", "csv").stdout)))
    assert [(x["speaker"], x["targets"]) for x in rows] == [
        ("Maria Zakharova", "Syrian Coalition (accused)"), ("Maria Zakharova", "Syrian Coalition (mentioned)")]


def test_statements_filters(kb):
    def contents(*args):
        return [x["content"] for x in as_json(kb("statements", *args, "-f", "json"))]

    assert contents("--target", "Syrian Coalition", "--role", "accused") == ["the Syrian Coalition spreads lies"]
    assert contents("--source", "tass", "--kind", "mixed") == ["never targeted hospitals"]
    assert len(contents("--document", "1")) == 3
    assert contents("-q", "100%") == [TRICKY]
    assert contents("-q", "x' OR 'x'='x") == []
    assert contents("-q", "OR 1=1") == [TRICKY]  # searched as words


@pytest.mark.parametrize("args, message", [
    (["--speaker", "Nobody"], "error: no actor named 'Nobody'"),
    (["--target", "Atlantis"], "error: no actor named 'Atlantis'"),
    (["--source", "Pravda"], "error: no outlet named 'Pravda'"),
])
def test_statements_unknown_names_are_one_line_errors(kb, args, message):
    r = kb("statements", *args, code=1)
    assert r.stderr.startswith(message) and len(r.stderr.strip().splitlines()) == 1
    assert r.stdout == ""


def test_statements_bad_options_are_usage_errors(kb):
    assert "--since" in kb("statements", "--since", "last week", code=2).stderr
    assert "--kind" in kb("statements", "--kind", "rumour", code=2).stderr


def test_statements_no_match(kb):
    r = kb("statements", "--text", "unicorns")
    assert r.stdout == "" and r.stderr.strip() == "0 statements match, 0 shown"
    assert as_json(kb("statements", "--text", "unicorns", "-f", "json")) == []


# --- kb show-statement -----------------------------------------------------------------------------

def test_show_statement(kb):
    sid = as_json(kb("statements", "-q", "claim_rate", "-f", "json"))[0]["id"]
    out = kb("show-statement", str(sid)).stdout
    assert f"Statement {sid}: assertion, indirect" in out
    assert "Document 1: Coalition News (Coalition News, 2017-09-27)" in out
    assert 'Speaker: Yasser Farhan  (written "He")' in out
    assert "Targets: Assad regime (accused)" in out
    assert "Sentence: He said that the regime's 50% claim_rate is false." in out
    data = as_json(kb("show-statement", str(sid), "-f", "json"))
    assert data["sentence"]["text"] == "He said that the regime's 50% claim_rate is false."
    assert {p["part"] for p in data["sentence_spans"]} == {"speaker", "cue", "content"}


def test_show_statement_unknown(kb):
    assert kb("show-statement", "999999", code=1).stderr.strip() == "error: no statement with id 999999"


# --- kb show-actor ---------------------------------------------------------------------------------

def test_show_actor_sections(kb):
    out = kb("show-actor", "Farhan").stdout
    assert out.startswith("Yasser Farhan (person)")
    assert "Aliases: Farhan, Yasser Farhan" in out
    assert "Yasser Farhan member of Syrian Coalition as member of the political committee" in out
    assert "Accuses: Assad regime (1), Iran (1), Russia (1)" in out
    assert "Accused by: -" in out
    assert "Statements by Yasser Farhan (latest 10)" in out and "Russia bears full" in out
    assert "Statements about Yasser Farhan (latest 10): none" in out
    assert "Accuses (top 2): Assad regime (1), Iran (1)\n" in kb("show-actor", "Farhan", "-n", "2").stdout


def test_show_actor_about_and_json(kb):
    out = kb("show-actor", "the Coalition", "--limit", "1").stdout
    assert "Accused by: Maria Zakharova (1)" in out
    assert "Statements about Syrian Coalition (latest 1)" in out and "spreads lies" in out
    assert "never targeted" not in out  # beyond --limit 1
    profile = as_json(kb("show-actor", "Moscow", "-f", "json"))
    assert profile["actor"]["name"] == "Russia" and profile["counts"]["accused"] == 1


def test_show_actor_unknown(kb):
    r = kb("show-actor", "Nobody Atall", code=1)
    assert r.stderr.startswith("error: no actor named 'Nobody Atall'") and r.stdout == ""


# --- kb actors -------------------------------------------------------------------------------------

def test_actors_lists_by_activity(kb):
    rows = as_json(kb("actors", "-f", "json"))
    assert rows[0]["name"] == "Yasser Farhan" and rows[0]["statements"] == 4
    assert len(rows) == 8
    assert "Maria Zakharova" in kb("actors").stdout


def test_actors_kind_search_sort(kb):
    assert [r["name"] for r in as_json(kb("actors", "--kind", "country", "--sort", "name", "-f", "json"))] == [
        "Iran", "Russia"]
    assert [r["name"] for r in as_json(kb("actors", "--search", "moscow", "-f", "json"))] == ["Russia"]
    assert as_json(kb("actors", "--search", "%", "-f", "json")) == []
    names = [r["name"] for r in as_json(kb("actors", "--sort", "name", "--limit", "2", "--offset", "2", "-f",
                                           "json"))]
    assert len(names) == 2 and names == sorted(names)


def test_actors_group_keeps_its_subcommands(kb):
    r = kb("actors", "--help")
    assert "--kind" in r.stdout and "--search" in r.stdout


# --- kb documents / show-document / stats ----------------------------------------------------------

def test_documents(kb):
    rows = as_json(kb("documents", "-f", "json"))
    assert [r["title"] for r in rows] == [None, "Coalition warns", "Moscow rejects claims", "Coalition News"]
    assert [r["statements"] for r in rows] == [1, 2, 2, 3]
    r = kb("documents", "--search", "coalition", "--limit", "1")
    assert "Coalition warns" in r.stdout and "next page: --cursor" in r.stderr


def test_show_document(kb):
    out = kb("show-document", "2", "--text").stdout
    assert "Document 2: Moscow rejects claims (TASS, 2017-10-05)" in out
    assert "2 statements, 3 actor mentions" in out
    assert "Russian Foreign Ministry spokeswoman Maria Zakharova denied" in out
    doc = as_json(kb("show-document", "2", "-f", "json"))
    assert [m["actor"] for m in doc["mentions"]] == ["Russian Foreign Ministry", "Maria Zakharova",
                                                     "Syrian Coalition"]
    assert kb("show-document", "42", code=1).stderr.strip() == "error: no document with id 42"


def test_stats(kb):
    out = kb("stats").stdout
    for line in ("documents", "statements", "claim type: accusation", "kind: according_to"):
        assert line in out
    st = as_json(kb("stats", "-f", "json"))
    assert (st["documents"], st["statements"], st["by_kind"]["indirect"]) == (4, 8, 6)


# --- the seed through the real pipeline ------------------------------------------------------------

def test_seed_kb_browses(seed_kb, monkeypatch):
    """`kb ingest` output of the seed press release, browsed: every statement row points at its text."""
    kb = kb_cli(seed_kb, monkeypatch)
    rows = json.loads(kb("statements", "--limit", "1000", "-f", "json").stdout)
    assert rows, "the seed yields statements"
    doc = json.loads(kb("show-document", str(rows[0]["document_id"]), "-f", "json").stdout)
    for row in rows:
        assert doc["text"][row["content_start"]:row["content_end"]] == row["content"]
        shown = json.loads(kb("show-statement", str(row["id"]), "-f", "json").stdout)
        assert shown["sentence"]["text"] in shown["context"]["text"]
    farhan = kb("show-actor", "Farhan")
    assert "Yasser Farhan" in farhan.stdout and "Russia" in farhan.stdout
