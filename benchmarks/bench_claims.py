"""What claim linking costs: `kb ingest` CPU with linking on against off, memory against corpus
size, and linking one statement against a KB of N claims.

    python benchmarks/bench_claims.py ingest [--limit N] [--repeat N]
    python benchmarks/bench_claims.py link --claims 100000 1000000 [--reps 200]

``ingest``: the real `kb ingest` (one worker) into a fresh SQLite KB, ``KB_CLAIMS=off`` then on,
same texts (PolNeAR train by default), CPU = user + system of the process tree; peak RSS of the
whole corpus against a tenth of it (both with linking on).

``link``: a SQLite KB with N claims (random unit vectors and distinct wordings: the ANN index
and the key lookups work as on real claims; no statements behind them), its index built and
saved beside it; then, in one process that has loaded the index, each of ``--reps`` new
statement wordings (sentences never seen) is linked in its own write transaction: exact and
band keys, embedding, ANN search, claim rows, commit. Prints wall and CPU p50/p95 (CPU time is
what other load on a shared machine inflates least).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from measure import KB, POLNEAR_TRAIN, corpus_subset, machine, run_measured


def ingest(args) -> dict:
    out = {"machine": machine(), "runs": []}
    with tempfile.TemporaryDirectory(prefix="kb-claims-bench-") as tmp:
        tmp = Path(tmp)
        corpus = corpus_subset(args.corpus, args.limit, tmp / "corpus")
        n = len(list(corpus.iterdir()))
        tenth = corpus_subset(corpus, max(1, n // 10), tmp / "tenth")
        for rep in range(args.repeat):
            for mode in ("off", "on"):
                db = tmp / f"{mode}-{rep}.sqlite"
                run = run_measured([KB, "ingest", str(corpus), "--quiet"],
                                   env={"KB_DATABASE_URL": f"sqlite:///{db}", "KB_CLAIMS": mode})
                row = {"claims": mode, "docs": n, "wall": run.seconds, "cpu": run.cpu_seconds, "rss_mb": run.peak_rss_mb,
                       "summary": run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""}
                out["runs"].append(row)
                print(json.dumps(row), flush=True)
        run = run_measured([KB, "ingest", str(tenth), "--quiet"], env={"KB_DATABASE_URL": f"sqlite:///{tmp / 'tenth.sqlite'}"})
        out["tenth"] = {"docs": len(list(tenth.iterdir())), "rss_mb": run.peak_rss_mb, "cpu": run.cpu_seconds}
    best = {m: min(r["cpu"] for r in out["runs"] if r["claims"] == m) for m in ("off", "on")}
    out["cpu_ratio"] = best["on"] / best["off"]
    peak_on = max(r["rss_mb"] for r in out["runs"] if r["claims"] == "on")
    print(f"kb ingest, {n} documents: CPU {best['off']:.1f} s without claim linking, {best['on']:.1f} s with it: "
          f"{out['cpu_ratio']:.2f}x (best of {args.repeat})")
    print(f"peak RSS with linking: {out['tenth']['rss_mb']:.0f} MB for {out['tenth']['docs']} documents, "
          f"{peak_on:.0f} MB for {n}")
    return out


WORDS = ("army port council minister harbour trawler quota tariff election ceasefire hospital border "
         "pipeline drought vaccine budget strike court treaty refinery bridge embassy protest").split()


def _fake_claims(n: int, rng) -> tuple[np.ndarray, list[str]]:
    vecs = rng.standard_normal((n, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    texts = [f"claim {i} about the {WORDS[i % len(WORDS)]} and the {WORDS[(i // 7) % len(WORDS)]} number {i * 7919}"
             for i in range(n)]
    return vecs, texts


def build_kb(url: str, n: int) -> float:
    """N claims written straight into the claim and claim_key tables; seconds taken."""
    from sqlalchemy import insert

    from kb.claims import text as T
    from kb.claims.embed import to_blob
    from kb.db import get_engine
    from kb.models import Claim, ClaimKey

    rng = np.random.default_rng(13)
    t0 = time.perf_counter()
    engine = get_engine(url)
    for start in range(0, n, 50_000):
        vecs, texts = _fake_claims(min(50_000, n - start), rng)
        texts = [f"{t} batch {start}" for t in texts]
        with engine.begin() as conn:
            ids = range(start + 1, start + len(texts) + 1)
            conn.execute(insert(Claim), [{"id": i, "text": t, "vector": to_blob(v), "n_statements": 1,
                                          "origin": "bench"} for i, t, v in zip(ids, texts, vecs)])
            conn.execute(insert(ClaimKey), [{"key": T.exact_key(t), "claim_id": i} for i, t in zip(ids, texts)])
        print(f"  {start + len(texts)} claims written", file=sys.stderr, flush=True)
    return time.perf_counter() - t0


QUERIES = [
    "Velorian patrol boats fired warning shots at fishing boats near the bank",
    "The minister said the harbour would stay closed until the quota talks end",
    "Rebel forces shelled the market in the old town on Friday",
    "The government denied that it had cut the water supply to the eastern districts",
    "Prices of bread have doubled since the sanctions began",
]


def link(args) -> dict:
    from sqlalchemy import select

    from kb.claims.index import get_index
    from kb.claims.link import _Linker
    from kb.db import get_engine
    from kb.models import Document, Statement

    out = {"machine": machine(), "scales": []}
    for n in args.claims:
        with tempfile.TemporaryDirectory(prefix="kb-claims-link-", dir=args.tmp) as tmp:
            url = f"sqlite:///{Path(tmp) / 'kb.sqlite'}"
            write_s = build_kb(url, n)
            engine = get_engine(url)
            with engine.begin() as conn:
                doc = conn.execute(Document.__table__.insert().returning(Document.id),
                                   {"content_hash": "bench", "text": "x", "n_chars": 1}).scalar()
            t0 = time.perf_counter()
            with engine.connect() as conn:
                index = get_index(conn)
            index.save()
            index_s = time.perf_counter() - t0
            import resource

            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            times, cpu = [], []
            for i in range(args.reps):
                text = f"{QUERIES[i % len(QUERIES)]} (report {i})"
                t0, c0 = time.perf_counter(), time.process_time()
                with engine.begin() as conn:
                    sid = conn.execute(Statement.__table__.insert().returning(Statement.id), {
                        "document_id": doc, "content_text": text, "kind": "indirect", "claim_type": "assertion",
                        "sentence_start": 0, "sentence_end": 0, "confidence": 1.0, "extractor_version": "bench",
                        "flagged": False}).scalar()
                    linker = _Linker(conn)
                    linker.link([{"id": sid, "content_text": text, "claim_type": "assertion", "kind": "indirect"}])
                    linker.flush()
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            with engine.connect() as conn:
                total = conn.execute(select(Statement.id)).all()
            row = {"claims": n, "write_kb_s": round(write_s, 1), "load_or_build_index_s": round(index_s, 1),
                   "p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95)),
                   "max_ms": float(max(times)),
                   "cpu_p50_ms": float(np.percentile(cpu, 50)), "cpu_p95_ms": float(np.percentile(cpu, 95)), "reps": args.reps, "statements": len(total), "rss_mb": rss}
            out["scales"].append(row)
            print(json.dumps(row), flush=True)
            from kb.claims.index import forget
            from kb.db import dispose_engine

            forget()
            dispose_engine(url)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    a = sub.add_parser("ingest")
    a.add_argument("--corpus", type=Path, default=POLNEAR_TRAIN)
    a.add_argument("--limit", type=int)
    a.add_argument("--repeat", type=int, default=1)
    b = sub.add_parser("link")
    b.add_argument("--claims", type=int, nargs="+", default=[10_000, 100_000])
    b.add_argument("--reps", type=int, default=200)
    b.add_argument("--tmp", type=Path, default=None, help="where the KBs are written (they are big)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    out = ingest(args) if args.what == "ingest" else link(args)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
