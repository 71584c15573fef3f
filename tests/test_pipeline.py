"""kb.pipeline with more than one worker: kb's own process pool stores exactly what one process
stores, in the same order; failures and dead workers become one-line errors naming the document;
input is read lazily; workers never outlive a killed `kb ingest`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import sqlalchemy as sa
from backends import empty_kb
from ingest_procs import KB, count_documents
from spacy.language import Language
from synthetic import text, write_corpus

from kb import edit, pipeline
from kb.db import get_engine, session_scope
from kb.ingest import IngestError, RawDocument, read_paths
from kb.models import SQLModel
from kb.resolve import Resolver

CRASH, FAIL = "PLEASE-CRASH-THE-WORKER", "PLEASE-FAIL-THE-PIPELINE"


@Language.component("test_crash_on_marker")
def crash_on_marker(doc):
    """A real crash of the process running the pipeline (what a segfault in a parser does)."""
    if CRASH in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    return doc


@Language.component("test_fail_on_marker")
def fail_on_marker(doc):
    """An exception out of the pipeline itself (kb's own component catches its errors)."""
    if FAIL in doc.text:
        raise ValueError("a component failed")
    return doc


@pytest.fixture(scope="module")
def fragile_nlp():
    """kb's pipeline plus two components that break on a marker in the text."""
    from kb.nlp import add_kb_components, load_base_model

    nlp = add_kb_components(load_base_model())
    nlp.add_pipe("test_crash_on_marker", first=True)
    nlp.add_pipe("test_fail_on_marker", first=True)
    return nlp


def kb_ingest(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KB), "ingest", "--quiet", *args], env={**os.environ, "KB_DATABASE_URL": url},
                          capture_output=True, text=True, timeout=600)


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every kb table, in id order, without the ingest timestamps."""
    out = {}
    with get_engine(url).connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name != "ingested_at"]
            order = [table.c.id] if "id" in table.c else cols
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(*cols).order_by(*order))]
    return out


def statements(items) -> list[tuple]:
    """What a processed stream says: who said what, of whom, document by document."""
    rows = []
    for p in items:
        for rs in p.resolved.statements:
            a = rs.attribution
            rows.append((p.raw.path, rs.speaker, a.kind, a.content.text if a.content else None,
                         tuple((t.actor, t.role) for t in rs.targets)))
    return rows


def raw(i: int, extra: str = "") -> RawDocument:
    return RawDocument(text(i) + extra, f"doc{i}.txt")


# -------------------------------------------------------------------------- the CLI, 1 vs 2 workers

@pytest.fixture
def another_kb(db_url, request, tmp_path):
    """A second empty KB on db_url's backend (ids from two backends need not agree)."""
    with empty_kb("sqlite" if db_url.startswith("sqlite") else "postgres", request, tmp_path) as url:
        yield url


def test_kb_ingest_with_two_workers_stores_what_one_worker_stores(db_url, another_kb, tmp_path):
    folder = tmp_path / "docs"
    write_corpus(folder, 24)
    (folder / "doc_010b.txt").write_bytes(b"Header\x00\x00\x00 binary junk")  # a bad file in the middle
    (folder / "feed.jsonl").write_text(
        '{"text": "Geir Pedersen said on Tuesday that the talks would resume in Geneva.", "title": "UN"}\n'
        "not json\n", encoding="utf-8")

    url_one, url_two = another_kb, db_url
    one, two = kb_ingest(url_one, "--workers", "1", str(folder)), kb_ingest(url_two, "--workers", "2", str(folder))

    for run in (one, two):
        assert run.returncode == 1, run.stderr
        errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 2, run.stderr
        assert "doc_010b.txt" in errors[0] and "NUL" in errors[0]
        assert "feed.jsonl#2" in errors[1]
        assert "documents: 25 new, 0 unchanged, 2 failed" in run.stderr
    assert one.stderr == two.stderr
    stored_one, stored_two = dump(url_one), dump(url_two)
    assert len(stored_two["statement"]) > 24 * 3
    assert stored_two == stored_one

    again = kb_ingest(url_two, "--workers", "2", str(folder))  # nothing new: every text skips the NLP
    assert again.returncode == 1
    assert "documents: 0 new, 25 unchanged, 2 failed" in again.stderr
    assert dump(url_two) == stored_one


# -------------------------------------------------------------------------- in-process API

def test_order_errors_and_docs_match_one_process(nlp):
    items = [raw(i) for i in range(20)]
    items.insert(7, IngestError("unreadable.txt", "binary data"))
    runs = {}
    for workers in (1, 2):
        errors: list[IngestError] = []
        runs[workers] = (list(pipeline.process(iter(items), nlp, Resolver(), errors.append, workers=workers)), errors)
    (one, one_errors), (two, two_errors) = runs[1], runs[2]
    assert [p.raw.path for p in two] == [f"doc{i}.txt" for i in range(20)]
    assert statements(two) == statements(one) and len(statements(two)) > 20 * 3
    assert one_errors == two_errors == [IngestError("unreadable.txt", "binary data")]
    assert all(p.doc is not None for p in one) and all(p.doc is None for p in two)  # Docs stay in the workers


def test_a_document_that_breaks_the_pipeline_fails_alone(fragile_nlp, nlp):
    items = [raw(i) for i in range(12)]
    items[5] = raw(5, f"\n{FAIL}\n")
    expected = statements(pipeline.process([x for k, x in enumerate(items) if k != 5], nlp, Resolver(), print))
    for workers in (1, 2):
        errors = []
        got = list(pipeline.process(items, fragile_nlp, Resolver(), errors.append, workers=workers))
        assert [str(e) for e in errors] == ["doc5.txt: extraction failed: ValueError: a component failed"]
        assert statements(got) == expected


def test_a_worker_that_dies_costs_only_its_document(fragile_nlp, nlp):
    items = [raw(i) for i in range(40)]
    items[3] = raw(3, f"\n{CRASH}\n")  # the first pool dies early, with batches in flight
    items[30] = raw(30, f"\n{CRASH}\n")  # and its replacement too
    errors = []
    t0 = time.monotonic()
    got = list(pipeline.process(items, fragile_nlp, Resolver(), errors.append, workers=2))
    assert time.monotonic() - t0 < 300  # did not hang
    assert [e.path for e in errors] == ["doc3.txt", "doc30.txt"]
    assert all("worker process" in e.cause and "died" in e.cause and "\n" not in str(e) for e in errors)
    survivors = [x for k, x in enumerate(items) if k not in (3, 30)]
    expected = statements(pipeline.process(survivors, nlp, Resolver(), print))
    assert statements(got) == expected


def test_input_is_read_lazily_with_a_bounded_number_in_flight(nlp):
    read = 0

    def stream():
        nonlocal read
        for i in range(120):
            read += 1
            yield raw(i)

    workers, batch = 2, 4
    bound = (pipeline.BATCHES_PER_WORKER * workers + 1) * batch
    seen = 0
    for p in pipeline.process(stream(), nlp, Resolver(), print, workers=workers, batch_size=batch):
        seen += 1
        assert read - seen <= bound, (read, seen)
    assert seen == 120


@pytest.fixture
def plain_main(monkeypatch):
    """A spawned child re-runs the parent's ``__main__`` file; under pytest that can be a script an
    earlier test ran as ``__main__`` (AppTest runs kb_dashboard/app.py so). Give spawn a bare one."""
    import types

    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


def test_spawned_workers_load_the_same_pipeline(nlp, plain_main):
    items = [raw(i) for i in range(10)]
    one = list(pipeline.process(items, nlp, Resolver(), print))
    spawned = list(pipeline.process(items, nlp, Resolver(), print, workers=2, start_method="spawn"))
    assert statements(spawned) == statements(one)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_analyst_aliases_reach_the_workers(sqlite_url, nlp, start_method, plain_main):
    pipeline.ingest([raw(0)], nlp, sqlite_url)
    with session_scope(sqlite_url) as s:
        edit.add_alias(s, "Abu Karim", "Yasser Farhan")
        resolver = Resolver.from_session(s)
    doc = RawDocument("Abu Karim said on Monday that the talks had failed again.\n", "alias.txt")
    [plain] = pipeline.process([doc], nlp, Resolver(), print)
    assert [rs.speaker for rs in plain.resolved.statements] == ["Abu Karim"]  # only the alias says who
    [got] = pipeline.process([doc], nlp, resolver, print, workers=2, start_method=start_method)
    assert [rs.speaker for rs in got.resolved.statements] == ["Yasser Farhan"]
    assert "Abu Karim" not in got.resolved.actors


def test_on_done_hears_every_document_in_input_order(sqlite_url, tmp_path, nlp):
    paths = write_corpus(tmp_path / "docs", 16)
    pipeline.ingest(read_paths(paths[::2]), nlp, sqlite_url)  # half stored already: those skip the NLP
    bad = tmp_path / "docs" / "doc_005x.txt"
    bad.write_bytes(b"\x00\x00")
    order = sorted([*paths, bad])
    done: list[str] = []
    summary = pipeline.ingest(read_paths(order), nlp, sqlite_url, workers=2, on_done=done.append)
    assert done == [str(p) for p in order]
    assert (summary.new, summary.unchanged, summary.failed) == (8, 8, 1)


# -------------------------------------------------------------------------- a killed kb ingest

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guarantee is Linux's PR_SET_PDEATHSIG")
def test_workers_die_with_a_killed_kb_ingest(sqlite_url, tmp_path):
    paths = write_corpus(tmp_path / "docs", 60)
    get_engine(sqlite_url)
    proc = subprocess.Popen([str(KB), "ingest", "--quiet", "--workers", "2", *map(str, paths)],
                            env={**os.environ, "KB_DATABASE_URL": sqlite_url},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while count_documents(sqlite_url) == 0:  # the workers are busy
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, f"{len(alive)} workers outlived kb ingest"
    assert count_documents(sqlite_url) < len(paths)
