"""How the read API (kb.query) scales: p50/p95 per query on synthetic KBs of growing size.

The KBs come from ``kb bench-generate`` (statements/10 documents, statements/20 actors, seed 0),
written once into ``--dir`` as ``bench-<N>.sqlite`` and reused (the files `benchmarks/run_all.sh`
and `bench_queries.py` make). Arguments are drawn from the KB: the 200 most active speakers,
common words of the vocabulary, outlets, statement and document ids. Every query runs ``--runs``
times (fewer when one call takes seconds: at most ``--budget`` seconds per query); p50/p95 in ms
per size, and the p95 ratio between the largest and the smallest KB (issue 7 target: under 2x).

    .venv/bin/python benchmarks/query_scale.py --sizes 10000 100000 1000000 --dir /tmp/kb-bench
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

COMMON_WORDS = ("government", "minister", "security", "attack", "talks", "sanctions", "election",
                "protest", "economy", "military", "ceasefire", "peace", "war", "health", "police")


def kb_file(folder: Path, n: int) -> Path:
    """``bench-<n>.sqlite`` in ``folder``, generated with kb bench-generate if missing."""
    from kb.benchgen import generate
    from kb.db import dispose_engine

    path = folder / f"bench-{n}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        for stale in folder.glob(f"{tmp.name}*"):
            stale.unlink()
        t = time.perf_counter()
        generate(f"sqlite:///{tmp}", max(1, n // 10), n, max(1, n // 20), seed=0)
        dispose_engine(f"sqlite:///{tmp}")
        tmp.rename(path)
        print(f"generated {n} statements in {time.perf_counter() - t:.0f}s: {path}", flush=True)
    return path


def draw(session) -> dict:
    """Query arguments from the KB itself (not timed)."""
    c = session.connection()
    return {
        "speakers": [r[0] for r in c.execute(text(
            "SELECT a.name FROM actor a JOIN (SELECT speaker_id, count(*) n FROM statement "
            "WHERE speaker_id IS NOT NULL GROUP BY speaker_id ORDER BY n DESC LIMIT 200) t "
            "ON t.speaker_id = a.id"))],
        "sources": [r[0] for r in c.execute(text("SELECT name FROM source"))],
        "statements": c.execute(text("SELECT max(id) FROM statement")).scalar(),
        "documents": c.execute(text("SELECT max(id) FROM document")).scalar(),
    }


def queries(p: dict, rng: random.Random):
    """(name, fn(session)) pairs; each call draws fresh arguments."""
    from kb import query as Q
    from kb.query import StatementFilter as F

    def actor():
        return rng.choice(p["speakers"])
    def word():
        return rng.choice(COMMON_WORDS)
    def month():
        return rng.randint(1, 11)
    n = p["statements"]
    return [
        ("search: first page", lambda s: Q.search_statements(s, F())),
        ("search: page at a cursor", lambda s: Q.search_statements(s, F(), cursor=rng.randint(60, n))),
        ("search: speaker", lambda s: Q.search_statements(s, F(speaker=actor()))),
        ("search: target+role", lambda s: Q.search_statements(s, F(target=actor(), role="accused"))),
        ("search: claim type", lambda s: Q.search_statements(s, F(claim_type="denial"))),
        ("search: text word", lambda s: Q.search_statements(s, F(text=word()))),
        ("search: text 2 words", lambda s: Q.search_statements(s, F(text=f"{word()} {word()}"))),
        ("search: speaker+claim+month", lambda s: Q.search_statements(s, F(
            speaker=actor(), claim_type="accusation", date_from=date(2024, m := month(), 1),
            date_to=date(2024, m + 1, 1)))),
        ("search: source", lambda s: Q.search_statements(s, F(source=rng.choice(p["sources"])))),
        ("count: speaker (cap 10k)", lambda s: Q.count_statements(s, F(speaker=actor()), cap=10_000)),
        ("get_statement", lambda s: Q.get_statement(s, rng.randint(1, n))),
        ("get_document", lambda s: Q.get_document(s, rng.randint(1, p["documents"]))),
        ("list_documents", lambda s: Q.list_documents(s)),
        ("find_actor", lambda s: Q.find_actor(s, actor().lower())),
        ("store_state", lambda s: Q.store_state(s)),
        ("actor_profile (rank<=200)", lambda s: Q.actor_profile(s, Q.find_actor(s, actor()).id)),
        ("list_actors", lambda s: Q.list_actors(s)),
        ("top_speakers", lambda s: Q.top_speakers(s)),
        ("top_speakers (a month)", lambda s: Q.top_speakers(
            s, date_from=date(2024, m := month(), 1), date_to=date(2024, m + 1, 1))),
        ("most_accused", lambda s: Q.most_accused(s)),
        ("most_accused (a month)", lambda s: Q.most_accused(
            s, date_from=date(2024, m := month(), 1), date_to=date(2024, m + 1, 1))),
        ("statements_over_time", lambda s: Q.statements_over_time(s)),
        ("stats", lambda s: Q.stats(s)),
    ]


def measure(url: str, runs: int, budget: float) -> dict[str, tuple[float, float]]:
    from kb.db import session_scope

    rng = random.Random(1)
    out = {}
    with session_scope(url) as s:
        for name, fn in queries(draw(s), rng):
            fn(s)  # warm the page cache
            times, started = [], time.perf_counter()
            while len(times) < runs and (len(times) < 5 or time.perf_counter() - started < budget):
                t = time.perf_counter()
                fn(s)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--budget", type=float, default=20.0, help="Seconds per query at most (5 runs at least).")
    ap.add_argument("--dir", type=Path, default=None, help="Keep the KBs here (reused when present).")
    ap.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = ap.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in args.sizes:
        results[n] = measure(f"sqlite:///{kb_file(folder, n)}", args.runs, args.budget)
        print(f"measured {n:,}", flush=True)
    lo, hi = min(args.sizes), max(args.sizes)
    header = "".join(f"{f'{n:,} p50/p95 ms':>22}" for n in args.sizes)
    print(f"{'query':30}{header}{'p95 ratio':>11}")
    for name in results[lo]:
        cells = "".join(f"{results[n][name][0]:>12.2f} /{results[n][name][1]:>8.2f}" for n in args.sizes)
        ratio = results[hi][name][1] / max(results[lo][name][1], 1e-6)
        print(f"{name:30}{cells}{ratio:>10.1f}x")
    if args.json:
        args.json.write_text(json.dumps({str(n): r for n, r in results.items()}, indent=1))


if __name__ == "__main__":
    main()
