"""`kb ingest` against a KB that fails under it, through real processes: a KB that cannot be
written stops the run before spaCy parses anything, with one line; store errors never carry
SQL or document text; Ctrl-C prints the summary; a PostgreSQL restart mid-ingest is waited out
and every document is stored exactly once (slow)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from backends import PostgresServer
from ingest_procs import check_consistent, count_documents, expected_statements
from synthetic import write_corpus

from kb.db import dispose_engine, get_engine

KB = str(Path(sys.executable).with_name("kb"))


def ingest_proc(url: str, *paths, workers: int = 1, **kw) -> subprocess.Popen:
    env = {**os.environ, "KB_DATABASE_URL": url}
    env.pop("KB_DEBUG", None)
    return subprocess.Popen([KB, "ingest", "--quiet", "--workers", str(workers), *map(str, paths)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_read_only_kb_stops_before_parsing(tmp_path):
    db = tmp_path / "kb.sqlite"
    get_engine(f"sqlite:///{db}")
    dispose_engine(f"sqlite:///{db}")
    paths = write_corpus(tmp_path / "docs", 5)
    t0 = time.monotonic()
    proc = ingest_proc(f"sqlite:///file:{db}?mode=ro&uri=true", *paths)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "read-only" in lines[0], err
    assert "Traceback" not in err and "INSERT" not in err
    # No document was parsed: spaCy was never loaded (a whole run would take far longer).
    assert time.monotonic() - t0 < 60


def test_a_document_the_store_refuses_is_one_clean_line(sqlite_url, tmp_path, monkeypatch, nlp):
    """A per-document database failure (here: a trigger refusing one title) names the document
    and the cause, without the SQL, its parameters or the document's text; the others are stored."""
    from kb.ingest import read_paths
    from kb.pipeline import ingest

    with get_engine(sqlite_url).begin() as conn:
        conn.execute(sa.text("CREATE TRIGGER refuse BEFORE INSERT ON document WHEN NEW.text LIKE '%Zorblat%' "
                             "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"))
    good = tmp_path / "good.txt"
    good.write_text("Minister Ana Roth said the harbour would stay closed.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    secret = "Zorblat said the secret budget figure was 4,211,977 crowns."
    bad.write_text(secret + "\n", encoding="utf-8")
    errors: list = []
    summary = ingest(read_paths([bad, good]), nlp, sqlite_url, on_error=errors.append)
    assert (summary.new, summary.failed, summary.stopped) == (1, 1, None)
    [e] = [str(x) for x in errors]
    assert e.startswith(f"{bad}: not stored: ") and "refused by a test trigger" in e
    for leak in ("INSERT", "Zorblat said", "4,211,977", "[SQL", "parameters"):
        assert leak not in e, e


def test_ctrl_c_prints_the_summary(sqlite_url, tmp_path):
    paths = write_corpus(tmp_path / "docs", 60)
    get_engine(sqlite_url)
    proc = ingest_proc(sqlite_url, *paths, start_new_session=True)
    deadline = time.monotonic() + 300
    while count_documents(sqlite_url) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "documents: " in err and "interrupted: what was stored stays stored" in err
    stored = check_consistent(sqlite_url)
    assert f"documents: {len(stored)} new" in err


@pytest.mark.slow
def test_postgres_restart_mid_ingest_is_waited_out(tmp_path, nlp):
    server = PostgresServer(name="restart")
    server.start()
    try:
        url = server.create_database()
        paths = write_corpus(tmp_path / "docs", 40)
        expected = expected_statements(paths, nlp)
        get_engine(url)
        proc = ingest_proc(url, *paths)
        deadline = time.monotonic() + 300
        while count_documents(url) < 3:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        dispose_engine(url)
        server._run("pg_ctl", "stop", "-D", str(server.data), "-m", "fast", "-w")
        time.sleep(3)  # down for a while: every read and write of the run fails meanwhile
        opts = (f"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.dir} -c fsync=off "
                "-c synchronous_commit=off")
        started = server._run("pg_ctl", "start", "-w", "-D", str(server.data), "-l", str(server.log), "-o", opts)
        assert started.returncode == 0, started.stderr
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "database retries: " in err, err
        assert check_consistent(url) == expected  # every document exactly once, every statement kept
    finally:
        dispose_engine()
        server.stop()
