"""The counters (Actor.n_*, kb_counter) agree with the rows they count: after ingest, concurrent
writers, every kind of edit, a migration of an older KB, bulk generation, and an edit made while a
real `kb ingest` process writes. The expected values are counted here in Python from the rows."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict

import sqlalchemy as sa
from ingest_procs import check_consistent, start_ingest
from multidoc_kb import DOCS, St, build_multidoc_kb
from multidoc_kb import resolved_document as multidoc_document
from sample_kb import DOCUMENTS as SAMPLE_DOCUMENTS
from sample_kb import build_sample_kb, resolved_document
from synthetic import write_corpus
from typer.testing import CliRunner

from kb import edit
from kb import query as Q
from kb.cli import app
from kb.db import _alembic_config, dispose_engine, get_engine, session_scope, write_with_retry
from kb.store import ACTOR_COUNTERS, ROLE_COUNTERS, store_document

TABLE_TOTALS = {"documents": "document", "statements": "statement", "actors": "actor", "aliases": "alias",
                "sources": "source", "mentions": "mention", "targets": "statementtarget",
                "affiliations": "affiliation"}


def expected(conn) -> tuple[dict[int, Counter], Counter]:
    """Every counter, counted from the rows: ({actor id: counters}, KB-wide counters,
    ("accusation", accuser, accused) pair counts and ("month", actor, "YYYY-MM" or "", by | about)
    statement counts)."""
    def rows(sql: str) -> list:
        return conn.execute(sa.text(sql)).all()

    actors = {aid: Counter() for (aid,) in rows("SELECT id FROM actor")}
    totals = Counter({(name, ""): rows(f"SELECT count(*) FROM {table}")[0][0]
                      for name, table in TABLE_TOTALS.items()})
    statements = {}
    for sid, speaker, flagged, kind, claim, day in rows(
            "SELECT id, speaker_id, flagged, kind, claim_type, published FROM statement"):
        month = str(day)[:7] if day else ""
        statements[sid] = (speaker, bool(flagged), month)
        if flagged:
            totals[("flagged", "")] += 1
            continue
        totals.update([("kind", kind), ("claim_type", claim), ("day", str(day) if day else "")])
        if speaker:
            actors[speaker]["n_statements"] += 1
            totals[("month", speaker, month, "by")] += 1
    accusing, about = set(), set()
    for sid, aid, role in rows("SELECT statement_id, actor_id, role FROM statementtarget"):
        speaker, flagged, month = statements[sid]
        if not flagged:
            actors[aid][ROLE_COUNTERS[role]] += 1
            about.add((sid, aid, month))
            if role == "accused":
                accusing.add(sid)
                totals[("accusation", speaker, aid)] += speaker is not None
    totals.update(("month", aid, month, "about") for _sid, aid, month in about)
    for sid in accusing:
        if statements[sid][0]:
            actors[statements[sid][0]]["n_accusations_made"] += 1
    documents = defaultdict(set)
    for aid, did in rows("SELECT actor_id, document_id FROM mention"):
        actors[aid]["n_mentions"] += 1
        documents[aid].add(did)
    for aid, docs in documents.items():
        actors[aid]["n_documents"] = len(docs)
    return actors, totals


def stored(conn) -> tuple[dict[int, Counter], Counter]:
    cols = ", ".join(ACTOR_COUNTERS)
    actors = {r[0]: Counter(dict(zip(ACTOR_COUNTERS, r[1:], strict=True)))
              for r in conn.execute(sa.text(f"SELECT id, {cols} FROM actor"))}
    totals = Counter({(name, value): n for name, value, n in conn.execute(
        sa.text("SELECT name, value, n FROM kb_counter WHERE name != 'version'"))})
    totals.update({("accusation", a, b): n for a, b, n in conn.execute(
        sa.text("SELECT accuser_id, accused_id, n FROM accusation_count"))})
    for aid, month, said, about in conn.execute(sa.text("SELECT actor_id, month, n_statements, n_about "
                                                        "FROM actor_month")):
        totals.update({("month", aid, month, "by"): said, ("month", aid, month, "about"): about})
    return actors, totals


def assert_counters_right(url: str) -> None:
    with get_engine(url).connect() as conn:
        have, want = stored(conn), expected(conn)
    assert have[1] == want[1]  # Counter ==: a missing key equals 0
    wrong = {aid: (have[0][aid], want[0][aid]) for aid in want[0] if have[0][aid] != want[0][aid]}
    assert wrong == {}


def actor(url: str, name: str) -> dict:
    with session_scope(url) as s:
        a = Q.find_actor(s, name)
        return {c: getattr(a, c) for c in ("id", *ACTOR_COUNTERS)}


def version(url: str) -> str:
    with session_scope(url) as s:
        return Q.store_state(s)


# --- ingest ----------------------------------------------------------------------------------

def test_ingest_keeps_every_counter(db_url):
    build_multidoc_kb(db_url)
    assert_counters_right(db_url)
    with session_scope(db_url) as s:
        stats = Q.stats(s)
    assert stats["documents"] == len(DOCS) and stats["flagged"] == 0
    assert sum(stats["by_kind"].values()) == stats["statements"] == sum(len(d["statements"]) for d in DOCS)


def test_storing_a_document_again_changes_nothing(db_url):
    build_multidoc_kb(db_url)
    before = version(db_url)
    build_multidoc_kb(db_url)  # every document unchanged
    assert version(db_url) == before
    assert_counters_right(db_url)


def test_concurrent_writers_lose_no_increment(db_url):
    """Four threads store the same 24 documents in their own orders (each stored once)."""
    docs = []
    for k in range(6):
        for spec in SAMPLE_DOCUMENTS:
            raw, resolved = resolved_document({**spec, "text": spec["text"] + f" Update {k}."})
            raw.path += f"#{k}"
            docs.append((raw, resolved))
    get_engine(db_url)
    barrier = threading.Barrier(4)
    errors = []

    def writer(seed: int) -> None:
        order = docs[:]
        random.Random(seed).shuffle(order)
        barrier.wait()
        for raw, resolved in order:
            try:
                write_with_retry(lambda s, raw=raw, resolved=resolved: store_document(s, raw, resolved), db_url)
            except Exception as e:  # noqa: BLE001 - asserted below
                errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert_counters_right(db_url)
    with session_scope(db_url) as s:
        assert Q.stats(s)["documents"] == len(docs)
        assert int(Q.store_state(s)) >= len(docs)  # one version per stored document at least


# --- edits -----------------------------------------------------------------------------------

BOTH_ACCUSED = {  # one statement accuses both actors of the merge: one target row after it
    "path": "e.txt", "published": "2018-03-01",
    "statements": [St("Farhan accused the Kremlin and Moscow of lies.", "Yasser Farhan", "Farhan", "accused",
                      "of lies", "accusation", [("Kremlin", "accused", "the Kremlin"), ("Russia", "accused", "Moscow")])],
    "affiliations": [("Sergei Lavrov", "Kremlin", "member_of", "foreign minister", None),
                     ("Sergei Lavrov", "Russia", "member_of", None, None)],
    "mentions": [("Kremlin", "the Kremlin")],
}


def test_merge_sums_the_counters_of_both_actors(db_url):
    build_multidoc_kb(db_url)
    raw, resolved = multidoc_document(BOTH_ACCUSED)
    write_with_retry(lambda s: store_document(s, raw, resolved), db_url)
    keep, drop = actor(db_url, "Russia"), actor(db_url, "Kremlin")
    assert drop["n_statements"] > 0 and drop["n_accused"] > 0 and keep["n_mentions"] > 0
    with session_scope(db_url) as s:
        before = Q.stats(s)
    with session_scope(db_url, write=True) as s:
        edit.merge_actors(s, "Russia", "Kremlin")
    merged = actor(db_url, "Russia")
    for c in ("n_statements", "n_mentions", "n_accusations_made"):
        assert merged[c] == keep[c] + drop[c], c
    assert merged["n_accused"] == keep["n_accused"] + drop["n_accused"] - 1  # the shared statement once
    assert merged["n_documents"] <= keep["n_documents"] + drop["n_documents"]
    with session_scope(db_url) as s:
        after = Q.stats(s)
    assert after["actors"] == before["actors"] - 1
    assert after["affiliations"] == before["affiliations"] - 1  # Lavrov member_of both: once
    assert_counters_right(db_url)


def test_flag_takes_a_statement_out_of_every_count_and_unflag_puts_it_back(db_url):
    build_multidoc_kb(db_url)
    with session_scope(db_url) as s:
        row = Q.search_statements(s, Q.StatementFilter(role="accused")).rows[0]
        before_stats = Q.stats(s)
    speaker, target = row["speaker"], row["targets"][0]["actor"]
    said, accused = actor(db_url, speaker), actor(db_url, target)
    with session_scope(db_url, write=True) as s:
        edit.flag_statement(s, row["id"])
    assert actor(db_url, speaker)["n_statements"] == said["n_statements"] - 1
    assert actor(db_url, speaker)["n_accusations_made"] == said["n_accusations_made"] - 1
    assert actor(db_url, target)["n_accused"] == accused["n_accused"] - 1
    with session_scope(db_url) as s:
        stats = Q.stats(s)
    assert stats["flagged"] == 1 and stats["statements"] == before_stats["statements"]
    assert stats["by_kind"].get(row["kind"], 0) == before_stats["by_kind"][row["kind"]] - 1
    assert_counters_right(db_url)
    with session_scope(db_url, write=True) as s:
        edit.flag_statement(s, row["id"])  # flagging twice counts once
    assert_counters_right(db_url)
    with session_scope(db_url, write=True) as s:
        edit.flag_statement(s, row["id"], flagged=False)
    assert actor(db_url, speaker) == said and actor(db_url, target) == accused
    with session_scope(db_url) as s:
        assert {k: v for k, v in Q.stats(s).items()} == before_stats
    assert_counters_right(db_url)


def test_alias_and_rename_edits_keep_the_totals(db_url):
    build_multidoc_kb(db_url)
    steps = [lambda s: edit.add_alias(s, "Moskva", "Russia"),
             lambda s: edit.remove_alias(s, "Moskva"),
             lambda s: edit.rename_actor(s, "Russia", "Russian Federation"),
             lambda s: edit.add_alias(s, "the Coalition", "Yasser Farhan", merge=True)]
    seen = {version(db_url)}
    for step in steps:
        with session_scope(db_url, write=True) as s:
            step(s)
        seen.add(version(db_url))
        assert_counters_right(db_url)
    assert len(seen) == len(steps) + 1


def test_cli_edits_keep_the_counters(tmp_path, monkeypatch):
    url = build_multidoc_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    monkeypatch.setenv("KB_DATABASE_URL", url)
    runner = CliRunner()
    for args in (["alias", "add", "Moskva", "Russia"], ["actors", "merge", "Russia", "Kremlin"],
                 ["actors", "rename", "Russia", "Russian Federation"], ["alias", "remove", "Moskva"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert_counters_right(url)


# --- migration and bulk writes -----------------------------------------------------------------

def test_a_kb_upgraded_from_0002_gets_its_counters(db_url):
    """A KB written at revision 0002 (here: downgraded to it, every counter dropped) upgrades in
    place with counters that count its rows, flagged statements left out."""
    from alembic import command

    build_multidoc_kb(db_url)
    build_sample_kb(db_url)
    with session_scope(db_url, write=True) as s:
        sid = Q.search_statements(s, Q.StatementFilter(speaker="Yasser Farhan")).rows[0]["id"]
        edit.flag_statement(s, sid)
    dispose_engine(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0002")
    inspector = sa.inspect(engine)
    assert "n_statements" not in {c["name"] for c in inspector.get_columns("actor")}
    assert not inspector.has_table("kb_counter")
    engine.dispose()
    assert_counters_right(db_url)  # get_engine() upgrades to head
    with session_scope(db_url) as s:
        assert Q.stats(s)["flagged"] == 1
        page = Q.search_statements(s, Q.StatementFilter(source="Coalition News"))
        assert page.rows and {r["source"] for r in page.rows} == {"Coalition News"}  # source_id backfilled


def test_bench_generate_fills_the_counters(sqlite_url):
    from kb.benchgen import generate

    generate(sqlite_url, documents=50, statements=400, actors=60, seed=3)
    assert_counters_right(sqlite_url)


# --- edits while `kb ingest` writes ------------------------------------------------------------

def test_edits_succeed_while_a_kb_ingest_process_writes(tmp_path, sqlite_url):
    """On SQLite an edit that reads then writes in a deferred transaction fails ("database is
    locked") when an ingest commits in between; edits run in write transactions instead."""
    paths = write_corpus(tmp_path / "docs", 40)
    build_multidoc_kb(sqlite_url)
    proc = start_ingest(sqlite_url, paths)
    edits, errors = 0, []
    try:
        with session_scope(sqlite_url) as s:
            sid = Q.search_statements(s, Q.StatementFilter(), limit=1).rows[0]["id"]
        runner = CliRunner()
        while proc.poll() is None:
            flag = edits % 2 == 0
            try:
                write_with_retry(lambda s, flag=flag: edit.flag_statement(s, sid, flagged=flag), sqlite_url)
                result = runner.invoke(app, ["alias", "add", f"Moskva {edits}", "Russia"],
                                       env={"KB_DATABASE_URL": sqlite_url})
                assert result.exit_code == 0, result.output
            except Exception as e:  # noqa: BLE001 - asserted below
                errors.append(repr(e))
            edits += 1
            time.sleep(0.01)
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert errors == [] and edits > 5
    with session_scope(sqlite_url) as s:
        assert Q.stats(s)["documents"] == len(DOCS) + len(paths)
    check_consistent(sqlite_url)
    assert_counters_right(sqlite_url)
