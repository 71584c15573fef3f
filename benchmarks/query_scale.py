"""How the read API (kb.query) scales: p50/p95 per query on synthetic KBs of growing size.

Writes SQLite KBs with the real schema (migrations, FTS triggers included) holding N statements
with word-salad contents, Zipf-distributed speakers and targets, then runs every query ``--runs``
times with varied arguments (speakers, words, cursors) and prints p50/p95 in ms per size, and the
p95 ratio between the largest and the smallest KB (issue 7 target: under 2x).

    .venv/bin/python benchmarks/query_scale.py --sizes 10000 1000000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

WORDS = [f"w{i}" for i in range(5000)] + ["war", "crimes", "hospital", "ceasefire", "talks", "bombing"]
CLAIMS = ["accusation"] * 4 + ["assertion"] * 3 + ["report", "denial", "warning", "call_to_action"]
KINDS = ["indirect"] * 5 + ["direct", "mixed", "according_to"]
ROLES = ["accused"] * 5 + ["addressed"] * 2 + ["mentioned"] * 3


def write_kb(path: Path, n: int, seed: int = 0) -> str:
    from kb.db import dispose_engine, get_engine

    url = f"sqlite:///{path}"
    get_engine(url)  # the real schema, FTS triggers included
    dispose_engine(url)
    rng = random.Random(seed)
    n_actors = max(50, n // 20)
    weights = [1 / (i + 1) ** 1.1 for i in range(n_actors)]
    word_weights = [1 / (i + 1) for i in range(len(WORDS))]
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany("INSERT INTO actor (id, name, kind) VALUES (?, ?, ?)",
                    ((i, f"Actor {i}", ["person", "organization", "country"][i % 3]) for i in range(1, n_actors + 1)))
    con.executemany("INSERT INTO alias (form, surface, actor_id, origin) VALUES (?, ?, ?, 'extracted')",
                    ((f"actor {i}", f"Actor {i}", i) for i in range(1, n_actors + 1)))
    con.executemany("INSERT INTO source (id, name) VALUES (?, ?)", ((i, f"Outlet {i}") for i in range(1, 21)))
    n_docs = max(1, n // 10)
    start = date(2015, 1, 1)
    day = [start + timedelta(days=rng.randrange(3650)) for _ in range(n_docs)]
    text = "Actor 1 said that the talks failed. " * 20
    con.executemany(
        "INSERT INTO document (id, content_hash, title, path, published, source_id, text, n_chars, n_statements, "
        "ingested_at, extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 10, '2024-01-01', 'bench')",
        ((i, f"h{i}", f"Document {i}", f"doc{i}.txt", day[i - 1].isoformat(), i % 20 + 1, text, len(text))
         for i in range(1, n_docs + 1)))
    batch = 50_000
    for lo in range(0, n, batch):
        k = min(batch, n - lo)
        speakers = rng.choices(range(1, n_actors + 1), weights, k=k)
        targets = rng.choices(range(1, n_actors + 1), weights, k=k)
        words = rng.choices(WORDS, word_weights, k=k * 12)
        st, tg, mn = [], [], []
        for j in range(k):
            sid = lo + j + 1
            doc = (sid - 1) // 10 + 1
            content = " ".join(words[j * 12:(j + 1) * 12])
            st.append((sid, doc, speakers[j], f"Actor {speakers[j]}", "said", "say", rng.choice(KINDS),
                       rng.choice(CLAIMS), content, day[doc - 1].isoformat(), int(rng.random() < 0.001)))
            tg.append((sid, targets[j], rng.choice(ROLES)))
            mn.append((doc, speakers[j], 0, 7, "Actor 1"))
        con.executemany(
            "INSERT INTO statement (id, document_id, speaker_id, speaker_text, cue_text, cue_lemma, kind, "
            "claim_type, content_text, speaker_start, speaker_end, cue_start, cue_end, content_start, content_end, "
            "sentence_start, sentence_end, confidence, extractor_version, published, flagged) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 7, 8, 12, 13, 35, 0, 36, 1.0, 'bench', ?, ?)", st)
        con.executemany("INSERT OR IGNORE INTO statementtarget (statement_id, actor_id, role) VALUES (?, ?, ?)", tg)
        con.executemany("INSERT INTO mention (document_id, actor_id, start, end, text) VALUES (?, ?, ?, ?, ?)", mn)
        con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return url


def queries(n: int, rng: random.Random):
    """(name, fn(session)) pairs; each call draws fresh arguments."""
    from kb import query as Q
    from kb.query import StatementFilter as F

    n_actors = max(50, n // 20)
    actor = lambda: f"Actor {rng.randint(1, min(n_actors, 200))}"  # noqa: E731 - the active ones
    word = lambda: rng.choice(WORDS[:300])  # noqa: E731
    year = lambda: rng.randint(2015, 2024)  # noqa: E731
    return [
        ("search: first page", lambda s: Q.search_statements(s, F())),
        ("search: page at a cursor", lambda s: Q.search_statements(s, F(), cursor=rng.randint(60, n))),
        ("search: speaker", lambda s: Q.search_statements(s, F(speaker=actor()))),
        ("search: target+role", lambda s: Q.search_statements(s, F(target=actor(), role="accused"))),
        ("search: claim type", lambda s: Q.search_statements(s, F(claim_type="denial"))),
        ("search: text word", lambda s: Q.search_statements(s, F(text=word()))),
        ("search: text 2 words", lambda s: Q.search_statements(s, F(text=f"{word()} {word()}"))),
        ("search: speaker+claim+year", lambda s: Q.search_statements(s, F(
            speaker=actor(), claim_type="accusation", date_from=date(y := year(), 1, 1), date_to=date(y, 12, 31)))),
        ("search: source", lambda s: Q.search_statements(s, F(source=f"Outlet {rng.randint(1, 20)}"))),
        ("count: speaker (cap 10k)", lambda s: Q.count_statements(s, F(speaker=actor()), cap=10_000)),
        ("get_statement", lambda s: Q.get_statement(s, rng.randint(1, n))),
        ("get_document", lambda s: Q.get_document(s, rng.randint(1, max(1, n // 10)))),
        ("list_documents", lambda s: Q.list_documents(s)),
        ("find_actor", lambda s: Q.find_actor(s, actor().lower())),
        ("store_state", lambda s: Q.store_state(s)),
        ("actor_profile (rank<=200)", lambda s: Q.actor_profile(s, Q.find_actor(s, actor()).id)),
        ("list_actors", lambda s: Q.list_actors(s)),
        ("top_speakers", lambda s: Q.top_speakers(s)),
        ("most_accused", lambda s: Q.most_accused(s)),
        ("statements_over_time", lambda s: Q.statements_over_time(s)),
        ("stats", lambda s: Q.stats(s)),
    ]


def measure(url: str, n: int, runs: int) -> dict[str, tuple[float, float]]:
    from kb.db import session_scope

    rng = random.Random(1)
    out = {}
    with session_scope(url) as s:
        for name, fn in queries(n, rng):
            fn(s)  # warm the page cache
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                fn(s)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--dir", type=Path, default=None, help="Keep the KBs here (reused when present).")
    args = ap.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in args.sizes:
        path = folder / f"kb_{n}.sqlite"
        if not path.exists():
            t = time.perf_counter()
            write_kb(path, n)
            print(f"wrote {n} statements in {time.perf_counter() - t:.0f}s: {path}", flush=True)
        results[n] = measure(f"sqlite:///{path}", n, args.runs)
    lo, hi = min(args.sizes), max(args.sizes)
    header = "".join(f"{f'{n:,} p50/p95 ms':>22}" for n in args.sizes)
    print(f"{'query':30}{header}{'p95 ratio':>11}")
    for name in results[lo]:
        cells = "".join(f"{results[n][name][0]:>12.2f} /{results[n][name][1]:>8.2f}" for n in args.sizes)
        ratio = results[hi][name][1] / max(results[lo][name][1], 1e-6)
        print(f"{name:30}{cells}{ratio:>10.1f}x")


if __name__ == "__main__":
    main()
