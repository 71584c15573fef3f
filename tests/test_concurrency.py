"""Concurrent writers on one KB: threads storing the same documents through kb.store, and real
`kb ingest` processes in parallel. Nothing is duplicated, nothing is lost, nobody fails."""

from __future__ import annotations

import random
import threading

import pytest
import sqlalchemy as sa
from ingest_procs import check_actors_unique, check_consistent, expected_statements, start_ingest
from sample_kb import ACTORS, DOCUMENTS, resolved_document
from synthetic import write_corpus

from kb.db import get_engine, session_scope, write_with_retry
from kb.models import Actor, Alias, Document, Statement
from kb.store import store_document

N_THREADS = 4
COPIES = 6


def _variants() -> list:
    """The sample documents, each in COPIES distinct texts (same actors, different content hash)."""
    docs = []
    for k in range(COPIES):
        for spec in DOCUMENTS:
            raw, resolved = resolved_document({**spec, "text": spec["text"] + f" Update {k}."})
            raw.path += f"#{k}"
            docs.append((raw, resolved))
    return docs


def test_threads_storing_the_same_documents_duplicate_and_lose_nothing(db_url):
    docs = _variants()
    get_engine(db_url)
    barrier = threading.Barrier(N_THREADS)
    outcomes, errors = [], []

    def writer(seed: int) -> None:
        order = docs[:]
        random.Random(seed).shuffle(order)
        barrier.wait()
        for raw, resolved in order:
            def store(session, raw=raw, resolved=resolved):
                return store_document(session, raw, resolved)
            try:
                outcomes.append(write_with_retry(store, db_url))
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(outcomes) == N_THREADS * len(docs)
    assert sum(o.status == "new" for o in outcomes) == len(docs)  # each stored by exactly one writer
    assert sum(o.actors for o in outcomes) == len(ACTORS)
    with session_scope(db_url) as s:
        def count(model) -> int:
            return s.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
        assert count(Document) == len(docs)
        assert count(Statement) == COPIES * sum(len(d["statements"]) for d in DOCUMENTS)
        assert count(Actor) == len(ACTORS)
        assert count(Alias) == len({f for n, (_, more) in ACTORS.items() for f in _forms(n, more)})
    check_consistent(db_url)
    check_actors_unique(db_url)


def _forms(name: str, more) -> set[str]:
    from kb.resolve import normalise

    return {normalise(x) for x in (name, *more)}


@pytest.mark.slow
def test_parallel_kb_ingest_processes(db_url, tmp_path, nlp):
    """Three `kb ingest` processes over the same 30 files (each in its own order) on one KB."""
    paths = write_corpus(tmp_path / "docs", 30)
    expected = expected_statements(paths, nlp)
    get_engine(db_url)
    procs = [start_ingest(db_url, paths[k * 10:] + paths[:k * 10]) for k in range(3)]
    results = [p.communicate(timeout=600) for p in procs]
    for proc, (_, err) in zip(procs, results):
        assert proc.returncode == 0, err
        assert "error" not in err.lower() and "locked" not in err.lower(), err
    news = [int(err.split("documents: ")[1].split(" new")[0]) for _, err in results]
    assert sum(news) == len(paths)  # every file stored by exactly one of the processes
    assert check_consistent(db_url) == expected
    check_actors_unique(db_url)


def test_a_writer_that_loses_an_alias_race_follows_the_winner(pg_url):
    """Two writers create differently spelt actors with one alias form at the same moment: the
    second waits on the first's alias, then maps its name to the winner and drops its own actor."""
    from kb.store import resolve_actors

    get_engine(pg_url)
    first_holds_alias, result = threading.Event(), {}

    def second() -> None:
        first_holds_alias.wait()
        with session_scope(pg_url, write=True) as s:
            result["ids"], result["created"] = resolve_actors(s, {"Syrian Coalition": "organization"})

    thread = threading.Thread(target=second)
    thread.start()
    with session_scope(pg_url, write=True) as s:
        winner, _ = resolve_actors(s, {"the Syrian Coalition": "organization"})
        first_holds_alias.set()
        assert _wait_for_lock_waiter(pg_url), "the second writer never waited on the first one's alias"
    thread.join()
    assert result == {"ids": {"Syrian Coalition": winner["the Syrian Coalition"]}, "created": 0}
    assert check_actors_unique(pg_url) == 1


def _wait_for_lock_waiter(url: str, timeout: float = 30) -> bool:
    """True once some other session of this database is blocked on a row or key lock."""
    import time

    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as c:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                         "AND wait_event_type = 'Lock'").fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


def test_processes_opening_a_new_kb_at_once_migrate_it_once(db_url):
    """Several engines (as several processes would) upgrade the same empty KB at the same moment."""
    from kb.db import current_revision, head_revision, new_engine, normalise_url, upgrade

    engines = [new_engine(normalise_url(db_url)) for _ in range(4)]
    barrier, results, errors = threading.Barrier(len(engines)), [], []

    def open_kb(engine) -> None:
        barrier.wait()
        try:
            results.append(upgrade(engine))
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(e))

    threads = [threading.Thread(target=open_kb, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    head = head_revision()
    assert sorted(results, key=str) == [(head, head)] * (len(engines) - 1) + [(None, head)]
    assert current_revision(engines[0]) == head
    with engines[0].connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    for e in engines:
        e.dispose()
