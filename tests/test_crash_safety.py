"""Killing `kb ingest` (SIGKILL, a real process) at any moment leaves no half-stored document;
running it again stores the rest, each document exactly once, every statement kept."""

from __future__ import annotations

import os
import signal
import time

import pytest
from ingest_procs import check_consistent, count_documents, expected_statements, start_ingest
from synthetic import write_corpus

from kb.db import get_engine

pytestmark = pytest.mark.slow
N_DOCS = 40


def kill_when_stored(url: str, proc, n: int, timeout: float = 300) -> None:
    """SIGKILL ``proc`` as soon as ``n`` documents are in the KB (polled every 5 ms)."""
    deadline = time.monotonic() + timeout
    while count_documents(url) < n:
        if proc.poll() is not None:
            pytest.fail(f"kb ingest exited ({proc.returncode}) before {n} documents were stored: "
                        f"{proc.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"fewer than {n} documents stored after {timeout}s")
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, "kb ingest finished before the kill: nothing was tested"


def test_sigkill_mid_ingest_then_rerun_stores_every_document_once(db_url, tmp_path, nlp):
    paths = write_corpus(tmp_path / "docs", N_DOCS)
    expected = expected_statements(paths, nlp)
    assert len(expected) == N_DOCS
    get_engine(db_url)  # the schema exists before the first process starts

    stored = 0
    for more in (1, 8):  # killed right after its first commit, then again a batch later
        proc = start_ingest(db_url, paths)
        kill_when_stored(db_url, proc, stored + more)
        after_kill = check_consistent(db_url)
        assert stored < len(after_kill) < N_DOCS
        stored = len(after_kill)

    proc = start_ingest(db_url, paths)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert f"{N_DOCS - stored} new, {stored} unchanged, 0 failed" in err
    assert check_consistent(db_url) == expected
