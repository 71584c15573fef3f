"""How long the actor graph takes to build and to answer, and how much memory it needs.

Writes a synthetic KB with ``kb bench-generate``'s generator (kb.benchgen: SQLite, the real
schema, N statements over A actors, speakers and targets drawn from a Zipf law, statements/10
documents dated over 2024), then times build_graph, get_graph (building and writing the
disk cache, then reading it as a new process would, then from memory), ego, path, accusations,
centrality and one ``kb graph`` CLI call end to end. Peak memory is the process's max RSS.

    .venv/bin/python benchmarks/graph_build.py --statements 1000000 --actors 50000
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


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
    from kb.benchgen import generate
    from kb.db import get_engine, session_scope

    path = args.db or Path(tempfile.mkdtemp()) / "bench.sqlite"
    url = f"sqlite:///{path}"
    results: dict = {}
    if not path.exists():
        timed(f"write KB ({args.statements:,} statements)", lambda: generate(
            url, max(1, args.statements // 10), args.statements, args.actors), results)

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
        leaf = min((n for n in G if G.degree(n)), key=G.degree)
        timed("ego radius 1 of the busiest actor", lambda: graph.ego(s, hub), results)
        timed("ego radius 2, accuses only", lambda: graph.ego(s, leaf, radius=2, types=["accuses"]), results)
        timed("path leaf -> hub with evidence", lambda: graph.paths(s, leaf, hub), results)
        timed("accusations against the hub", lambda: graph.accusations(s, against=hub, limit=100), results)
        timed("centrality: accused", lambda: graph.centrality(s, by="accused"), results)
        timed("centrality: pagerank", lambda: graph.centrality(s, by="pagerank"), results)
        timed("centrality: pagerank (again)", lambda: graph.centrality(s, by="pagerank"), results)
        timed("build_graph one quarter window", lambda: graph.get_graph(s, date(2024, 4, 1), date(2024, 6, 30)),
              results)
    print(f"max RSS at the end: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
    env = {**os.environ, "KB_DATABASE_URL": url}
    timed("CLI: kb graph central --by accused", lambda: subprocess.run(
        [str(Path(sys.executable).parent / "kb"), "graph", "central", "--by", "accused"], env=env, check=True,
        capture_output=True), results)


if __name__ == "__main__":
    main()
