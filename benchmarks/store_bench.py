"""How long kb.store takes per document, on SQLite and on PostgreSQL, alone and with writers in parallel.

Runs the real pipeline once over N synthetic news texts (tests/synthetic.py), then times only
the store step (``write_with_retry(store_document)``, one transaction per document) into a fresh
SQLite file and a fresh database on a PostgreSQL server started for the run (as in the tests),
first with one writer, then with W threads storing disjoint shares of fresh copies.

    .venv/bin/python benchmarks/store_bench.py --docs 200 --writers 4
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from backends import PostgresServer
from synthetic import write_corpus

from kb.db import dispose_engine, get_engine, write_with_retry
from kb.nlp import load_nlp
from kb.pipeline import process_paths
from kb.resolve import Resolver
from kb.store import store_document


def processed(n: int, folder: Path) -> list:
    errors: list = []
    items = [(p.raw, p.resolved) for p in process_paths(write_corpus(folder, n), load_nlp(), Resolver(),
                                                        errors.append)]
    assert not errors, errors
    return items


def store_all(url: str, items: list) -> list[float]:
    times = []
    for raw, resolved in items:
        t = time.perf_counter()
        write_with_retry(lambda s, raw=raw, resolved=resolved: store_document(s, raw, resolved), url)
        times.append(time.perf_counter() - t)
    return times


def parallel(url: str, items: list, writers: int) -> float:
    """Docs per second with ``writers`` threads, each storing its own share."""
    shares = [items[k::writers] for k in range(writers)]
    threads = [threading.Thread(target=store_all, args=(url, share)) for share in shares]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(items) / (time.perf_counter() - t)


def copies(items: list, tag: str) -> list:
    """The same documents with distinct texts, so they are stored again rather than skipped."""
    from dataclasses import replace

    return [(replace(raw, text=raw.text + f"\n{tag}"), resolved) for raw, resolved in items]


def report(name: str, url: str, items: list, writers: int) -> None:
    get_engine(url)
    times = store_all(url, items)
    again = store_all(url, items)  # all unchanged: the re-ingest path
    rate = parallel(url, copies(items, "copy"), writers)
    n_st = sum(len(r.statements) for _, r in items) / len(items)
    print(f"{name:10} store/doc ({n_st:.1f} statements): median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {sorted(times)[int(len(times) * .95)] * 1000:.1f} ms; unchanged doc "
          f"{statistics.median(again) * 1000:.1f} ms; {writers} writers: {rate:.0f} docs/s")
    dispose_engine(url)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--writers", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        items = processed(args.docs, Path(tmp) / "docs")
        report("sqlite", f"sqlite:///{tmp}/kb.sqlite", items, args.writers)
        server = PostgresServer(name="bench")
        try:
            server.start()
            report("postgresql", server.create_database(), items, args.writers)
        finally:
            dispose_engine()
            server.stop()


if __name__ == "__main__":
    main()
