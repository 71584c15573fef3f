"""How long the actor graph takes to build and to answer, and how much memory it needs.

Writes a synthetic KB (SQLite, the real schema) with N statements over A actors, speakers and
targets drawn from a Zipf-like law, then times build_graph, get_graph (building and writing the
disk cache, then reading it as a new process would, then from memory), ego, path, accusations,
centrality and one ``kb graph`` CLI call end to end. Peak memory is the process's max RSS.

    .venv/bin/python benchmarks/graph_build.py --statements 1000000 --actors 50000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROLES = ["accused"] * 5 + ["addressed"] * 2 + ["mentioned"] * 3
CLAIMS = ["accusation"] * 4 + ["assertion"] * 3 + ["report", "denial", "rejection", "praise", "warning",
                                                   "call_to_action"]


def zipf_picker(n: int, rng: random.Random, s: float = 1.1):
    weights = [1 / (i + 1) ** s for i in range(n)]
    ids = list(range(1, n + 1))
    rng.shuffle(ids)
    return lambda k: rng.choices(ids, weights=weights, k=k)


def write_kb(path: Path, n_statements: int, n_actors: int, seed: int = 0) -> str:
    from kb.db import get_engine

    url = f"sqlite:///{path}"
    get_engine(url)  # the real schema, migrations included
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    kinds = ["person", "organization", "country", "government", "group"]
    con.executemany("INSERT INTO actor (id, name, kind) VALUES (?, ?, ?)",
                    ((i, f"Actor {i}", kinds[i % 5]) for i in range(1, n_actors + 1)))
    con.executemany("INSERT INTO alias (form, surface, actor_id, origin) VALUES (?, ?, ?, 'extracted')",
                    ((f"actor {i}", f"Actor {i}", i) for i in range(1, n_actors + 1)))
    n_docs = max(1, n_statements // 10)
    start = date(2015, 1, 1)
    days = [start + timedelta(days=i % 3000) for i in range(n_docs)]
    con.executemany("INSERT INTO document (id, content_hash, title, path, published, text, n_chars, ingested_at, "
                    "extractor_version) VALUES (?, ?, ?, ?, ?, ?, 40, '2024-01-01', 'bench')",
                    ((i, f"h{i}", f"doc {i}", f"doc{i}.txt", days[i - 1].isoformat(),
                      "Actor 1 accused Actor 2 of many things.") for i in range(1, n_docs + 1)))
    pick = zipf_picker(n_actors, rng)
    batch = 50_000
    sid = 0
    for lo in range(0, n_statements, batch):
        k = min(batch, n_statements - lo)
        speakers, targets = pick(k), pick(k)
        extra = pick(k)
        st_rows, tg_rows = [], []
        for j in range(k):
            sid += 1
            doc = rng.randrange(1, n_docs + 1)
            st_rows.append((sid, doc, speakers[j], rng.choice(CLAIMS), days[doc - 1].isoformat()))
            tg_rows.append((sid, targets[j], rng.choice(ROLES)))
            if j % 3 == 0 and extra[j] != targets[j]:
                tg_rows.append((sid, extra[j], "mentioned"))
        con.executemany("INSERT INTO statement (id, document_id, speaker_id, kind, claim_type, content_text, "
                        "sentence_start, sentence_end, confidence, extractor_version, published, flagged) "
                        "VALUES (?, ?, ?, 'indirect', ?, 'of many things', 0, 40, 1.0, 'bench', ?, 0)", st_rows)
        con.executemany("INSERT OR IGNORE INTO statementtarget (statement_id, actor_id, role) VALUES (?, ?, ?)",
                        tg_rows)
        con.commit()
    orgs = pick(n_actors // 5)
    con.executemany("INSERT OR IGNORE INTO affiliation (person_id, organization_id, relation) VALUES (?, ?, ?)",
                    ((p, o, "member_of" if p % 2 else "part_of") for p, o in zip(range(1, n_actors + 1, 5), orgs)
                     if p != o))
    con.commit()
    con.close()
    return url


def timed(label: str, fn, results: dict):
    t = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - t
    print(f"{label:<34} {results[label]:8.2f} s", flush=True)
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statements", type=int, default=200_000)
    ap.add_argument("--actors", type=int, default=10_000)
    ap.add_argument("--db", type=Path, help="Reuse (or write) this SQLite file.")
    args = ap.parse_args()

    from kb import graph
    from kb.db import session_scope

    path = args.db or Path(tempfile.mkdtemp()) / "bench.sqlite"
    results: dict = {}
    if not path.exists():
        timed(f"write KB ({args.statements:,} statements)", lambda: write_kb(path, args.statements, args.actors),
              results)
    url = f"sqlite:///{path}"
    from kb.db import get_engine

    get_engine(url)  # schema upgrades (counter backfills) are not the graph's time
    cache_file = graph.cache.path_for(url)
    if cache_file is not None:
        cache_file.unlink(missing_ok=True)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with session_scope(url) as s:
        G = timed("build_graph (cold)", lambda: graph.build_graph(s), results)
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"graph: {G.number_of_nodes():,} actors, {G.number_of_edges():,} edges, "
              f"{sum(d['count'] for *_, d in G.edges(data=True)):,} statement-target links; "
              f"max RSS {rss0 / 1024:.0f} -> {rss1 / 1024:.0f} MB", flush=True)
        del G
        timed("get_graph (build + write disk cache)", lambda: graph.get_graph(s), results)
        if cache_file is not None:
            print(f"disk cache: {cache_file.stat().st_size / 2**20:.0f} MB", flush=True)
        graph.invalidate()  # what a new process sees
        G = timed("get_graph (new process: disk cache)", lambda: graph.get_graph(s), results)
        timed("store_state token", lambda: graph.store_state(s), results)
        timed("get_graph (in memory)", lambda: graph.get_graph(s), results)
        hub = max(G, key=G.degree)
        leaf = next(n for n in G if G.degree(n) == 1)
        timed("ego radius 1 of the busiest actor", lambda: graph.ego(s, hub), results)
        timed("ego radius 2, accuses only", lambda: graph.ego(s, leaf, radius=2, types=["accuses"]), results)
        timed("path leaf -> hub with evidence", lambda: graph.paths(s, leaf, hub), results)
        timed("accusations against the hub", lambda: graph.accusations(s, against=hub, limit=100), results)
        timed("centrality: accused", lambda: graph.centrality(s, by="accused"), results)
        timed("centrality: pagerank", lambda: graph.centrality(s, by="pagerank"), results)
        timed("centrality: pagerank (again)", lambda: graph.centrality(s, by="pagerank"), results)
        timed("build_graph one year window", lambda: graph.get_graph(s, date(2016, 1, 1), date(2016, 12, 31)),
              results)
    print(f"max RSS at the end: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
    env = {**os.environ, "KB_DATABASE_URL": url}
    timed("CLI: kb graph central --by accused", lambda: subprocess.run(
        [str(Path(sys.executable).parent / "kb"), "graph", "central", "--by", "accused"], env=env, check=True,
        capture_output=True), results)


if __name__ == "__main__":
    main()
