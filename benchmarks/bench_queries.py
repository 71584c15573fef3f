"""Query latency against KB size: the reads the CLI and the dashboard make, at 10k, 100k, 1M statements.

    python benchmarks/bench_queries.py [--sizes 10000 100000 1000000] [--reps 40] [--cache DIR]

Each size is a synthetic KB from `kb bench-generate` (statements/10 documents, statements/20
actors, seed 0), generated once into --cache and reused. Parameters are drawn the way analysts
meet them: a random statement's speaker, a word of a random statement's content, the target of a
random accusation, so popular actors come up as often as they appear in the news. Every call
opens its own session (as a dashboard request does); p50/p95 over --reps calls after 3 warm-ups.
The graph is built once per size (timed), then served from kb.graph's cache.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from measure import KB, machine, percentile, run_measured
from sqlalchemy import text
from sqlmodel import Session

from kb.db import get_engine
from kb.graph import queries
from kb.graph.build import build_graph, get_graph
from kb.query import StatementFilter, actor_profile, search_statements


def kb_path(cache: Path, size: int) -> Path:
    """The generated KB of ``size`` statements, made on first use (a .tmp file until complete)."""
    path = cache / f"bench-{size}.sqlite"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        for stale in cache.glob(f"{tmp.name}*"):
            stale.unlink()
        print(f"  generating {size} statements ...", flush=True)
        run = run_measured([KB, "bench-generate", "--statements", str(size), "--url", f"sqlite:///{tmp}",
                            "--quiet"])
        print(f"  {run.stdout.strip()} (wall {run.seconds:.0f} s)", flush=True)
        get_engine(f"sqlite:///{tmp}").dispose()
        tmp.rename(path)
    return path


def draw_parameters(engine, n: int, rng: random.Random) -> dict[str, list]:
    with engine.connect() as c:
        max_statement = c.execute(text("select max(id) from statement")).scalar()
        max_target = c.execute(text("select max(id) from statementtarget")).scalar()

        def statement(sql: str) -> list:
            out = []
            while len(out) < n:
                row = c.execute(text(sql), {"id": rng.randint(1, max_statement)}).first()
                if row and row[0]:
                    out.append(row[0] if len(row) == 1 else tuple(row))
            return out

        speakers = statement("select a.id from statement s join actor a on a.id = s.speaker_id where s.id = :id")
        names = dict(c.execute(text("select id, name from actor")).all())
        contents = statement("select content_text from statement where id = :id")
        words = [rng.choice([w for w in content.split() if w.isalpha()] or ["government"])
                 for content in contents]
        accused = []
        while len(accused) < n:
            row = c.execute(text("select actor_id from statementtarget where id = :id and role = 'accused'"),
                            {"id": rng.randint(1, max_target)}).first()
            if row:
                accused.append(row[0])
    return {"speaker_ids": speakers, "speaker_names": [names[i] for i in speakers], "words": words,
            "accused": accused, "pairs": list(zip(speakers, reversed(speakers), strict=True))}


QUERIES = {
    "statements: text search": lambda s, p, i: search_statements(s, StatementFilter(text=p["words"][i]), 20),
    "statements: by speaker": lambda s, p, i: search_statements(
        s, StatementFilter(speaker=p["speaker_names"][i]), 20),
    "actor profile": lambda s, p, i: actor_profile(s, p["speaker_ids"][i], n=10),
    "accusations against X": lambda s, p, i: queries.accusations(s, against=p["accused"][i], limit=50),
    "ego network": lambda s, p, i: queries.ego(s, p["speaker_ids"][i]),
    "shortest path": lambda s, p, i: queries.paths(s, *p["pairs"][i]),
}


def measure_size(path: Path, reps: int, rng: random.Random) -> dict:
    engine = get_engine(f"sqlite:///{path}")
    params = draw_parameters(engine, reps + 3, rng)
    out = {}
    with Session(engine) as s:
        t0, c0 = time.perf_counter(), time.process_time()
        G = build_graph(s)
        out["graph_build_s"] = time.perf_counter() - t0
        out["graph_build_cpu_s"] = time.process_time() - c0
        out["graph"] = f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges"
    with Session(engine) as s:
        get_graph(s)  # fills the cache the graph queries use
        t0 = time.perf_counter()
        get_graph(s)
        out["graph_cached_ms"] = 1000 * (time.perf_counter() - t0)
    out["queries"] = {}
    for name, query in QUERIES.items():
        times, cpu = [], []
        for i in range(reps + 3):
            with Session(engine) as s:
                t0, c0 = time.perf_counter(), time.process_time()
                query(s, params, i)
                if i >= 3:
                    times.append(1000 * (time.perf_counter() - t0))
                    cpu.append(1000 * (time.process_time() - c0))
        q = out["queries"][name] = {
            "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "max_ms": max(times),
            "cpu_p50_ms": percentile(cpu, 50), "cpu_p95_ms": percentile(cpu, 95)}
        print(f"  {name:26} p50 {q['p50_ms']:8.1f} ms   p95 {q['p95_ms']:8.1f} ms   "
              f"(CPU p50 {q['cpu_p50_ms']:7.1f}  p95 {q['cpu_p95_ms']:7.1f})", flush=True)
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/kb-bench"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    print(f"machine: {machine()}", flush=True)
    results = {"machine": machine(), "sizes": {}}
    for size in args.sizes:
        print(f"{size} statements:", flush=True)
        path = kb_path(args.cache, size)
        r = measure_size(path, args.reps, random.Random(1))
        print(f"  graph: {r['graph']}, built in {r['graph_build_s']:.1f} s "
              f"(CPU {r['graph_build_cpu_s']:.1f} s), "
              f"cached get_graph {r['graph_cached_ms']:.1f} ms", flush=True)
        results["sizes"][size] = r
    sizes = args.sizes
    for kind, key in (("wall", ""), ("CPU", "cpu_")):
        print(f"\n{kind + ' ms':26}" + "".join(f"{f'p50 / p95 @{s:,}':>24}" for s in sizes)
              + f"{'p95 growth':>12}")
        for name in QUERIES:
            rows = [results["sizes"][s]["queries"][name] for s in sizes]
            cells = "".join(f"{r[key + 'p50_ms']:12.1f} /{r[key + 'p95_ms']:9.1f}" for r in rows)
            print(f"{name:26}{cells}{rows[-1][key + 'p95_ms'] / rows[0][key + 'p95_ms']:11.1f}x")
    print(f"{'graph build (s)':26}" + "".join(f"{results['sizes'][s]['graph_build_s']:22.1f}  " for s in sizes))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
