"""Killing `kb ingest` (SIGKILL, a real process) at any moment leaves no half-stored document;
running it again stores the rest, each document exactly once, every statement kept."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest
import sqlalchemy as sa
from ingest_procs import check_consistent, count_documents, expected_statements, start_ingest
from synthetic import write_corpus

from kb.db import get_engine

pytestmark = pytest.mark.slow
N_DOCS = 40


def kill_when(proc, ready, what: str, timeout: float = 300) -> None:
    """SIGKILL ``proc`` as soon as ``ready()`` (polled every few ms) is true."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"kb ingest exited ({proc.returncode}) before {what}: {proc.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no {what} after {timeout}s")
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, "kb ingest finished before the kill: nothing was tested"


def writing(url: str) -> bool:
    """Whether another connection is inside a write transaction on the KB right now."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split(":///", 1)[1], timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")  # fails at once while a writer holds the write lock
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    with get_engine(url).connect() as conn:  # a transaction that has written something has an xid
        return conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")).scalar_one() > 0


def test_sigkill_mid_ingest_then_rerun_stores_every_document_once(db_url, tmp_path, nlp):
    paths = write_corpus(tmp_path / "docs", N_DOCS)
    expected = expected_statements(paths, nlp)
    assert len(expected) == N_DOCS
    get_engine(db_url)  # the schema exists before the first process starts

    stored = 0
    kills = [  # right after its first commit; then inside a document's open write transaction
        (lambda: count_documents(db_url) > 0, "a first document stored"),
        (lambda: count_documents(db_url) > stored and writing(db_url), "a write transaction"),
    ]
    for ready, what in kills:
        proc = start_ingest(db_url, paths)
        kill_when(proc, ready, what)
        after_kill = check_consistent(db_url)
        assert stored < len(after_kill) < N_DOCS
        stored = len(after_kill)

    proc = start_ingest(db_url, paths)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert f"{N_DOCS - stored} new, {stored} unchanged, 0 failed" in err
    assert check_consistent(db_url) == expected
