"""Ingest throughput and memory: `kb ingest` against bare spaCy parsing, same texts, same run.

    python benchmarks/bench_ingest.py [--corpus DIR] [--workers 1 2] [--limit N] [--repeat N]
                                      [--no-kb-nlp] [--json FILE]

For each worker count: the bare model's nlp.pipe (baseline), kb's spaCy pipeline (parse +
extraction, nothing stored) and `kb ingest` into a fresh SQLite KB (parse + extraction +
resolution + one transaction per document). Every figure is the wall time of a whole process
(imports, model load, migrations included), so the ratio is what a user waits. Peak RSS is
sampled over the process tree. Memory flatness: `kb ingest` on a tenth of the corpus against
the whole of it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

from measure import KB, POLNEAR_TRAIN, PYTHON, corpus_subset, machine, run_measured

HERE = Path(__file__).resolve().parent
_RUNS = itertools.count()


def bare(corpus: Path, workers: int, kb_pipeline: bool = False) -> dict:
    cmd = [PYTHON, str(HERE / "bare_parse.py"), str(corpus), "--workers", str(workers)]
    run = run_measured(cmd + (["--kb"] if kb_pipeline else []))
    return {**json.loads(run.stdout), "wall": run.seconds, "cpu": run.cpu_seconds, "rss_mb": run.peak_rss_mb}


def ingest(corpus: Path, workers: int, tmp: Path) -> dict:
    db = tmp / f"ingest-{workers}-{len(list(corpus.iterdir()))}-{next(_RUNS)}.sqlite"  # a fresh KB each run
    run = run_measured([KB, "ingest", str(corpus), "--workers", str(workers), "--quiet"],
                       env={"KB_DATABASE_URL": f"sqlite:///{db}"})
    return {"wall": run.seconds, "cpu": run.cpu_seconds, "rss_mb": run.peak_rss_mb, "summary": run.stderr.strip().splitlines()[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=POLNEAR_TRAIN)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, help="only the first N files")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--repeat", type=int, default=1, help="run each N times, keep the fastest")
    ap.add_argument("--no-kb-nlp", action="store_true", help="skip the kb pipeline runs (parse + extraction)")
    args = ap.parse_args()

    print(f"machine: {machine()}", flush=True)
    results = {"machine": machine(), "corpus": str(args.corpus), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp = Path(tmp)
        corpus = corpus_subset(args.corpus, args.limit, tmp / "corpus")
        n_files = len(list(corpus.iterdir()))
        tenth = corpus_subset(corpus, max(1, n_files // 10), tmp / "tenth")
        # Each bare run right before the kb runs it is compared with, for every worker count in
        # turn, so that a ratio compares runs made under the same load on a shared machine; with
        # --repeat, the fastest run of each (other load only ever adds time).
        runs = results["runs"] = {w: {} for w in args.workers}
        phases = [("bare", "bare nlp.pipe", lambda w: bare(corpus, w)),
                  ("ingest", "kb ingest", lambda w: ingest(corpus, w, tmp))]
        if not args.no_kb_nlp:
            phases.append(("kb_nlp", "kb pipeline (parse + extraction)", lambda w: bare(corpus, w, kb_pipeline=True)))
        for rep in range(args.repeat):
            for w in args.workers:
                for name, label, run in phases:
                    print(f"workers={w}: {label} ({rep + 1}/{args.repeat}) ...", flush=True)
                    x = run(w)
                    if name not in runs[w] or x["wall"] < runs[w][name]["wall"]:
                        runs[w][name] = x
        print("memory: kb ingest on a tenth of the corpus ...", flush=True)
        small = ingest(tenth, 1, tmp)

    first = results["runs"][args.workers[0]]["bare"]
    docs, words = first["docs"], first["words"]
    print(f"\ncorpus: {docs} documents, {words} words ({args.corpus})\n")
    print("speed = bare time / this time (1.00x = as fast as bare parsing); CPU = user + system of\n"
          "the process tree, which other load on the machine does not inflate.\n")
    print(f"{'':32} {'wall s':>7} {'docs/s':>7} {'words/s':>8} {'speed':>6} {'CPU s':>7} {'speed':>6}"
          f" {'peak MB':>8}")
    for w, r in results["runs"].items():
        for name, label in (("bare", "bare nlp.pipe"), ("kb_nlp", "kb pipeline (parse+extract)"),
                            ("ingest", "kb ingest")):
            if name not in r:
                continue
            x, b = r[name], r["bare"]
            print(f"{label + f' w={w}':32} {x['wall']:7.1f} {docs / x['wall']:7.2f} {words / x['wall']:8.0f} "
                  f"{b['wall'] / x['wall']:5.2f}x {x['cpu']:7.1f} {b['cpu'] / x['cpu']:5.2f}x {x['rss_mb']:8.0f}")
        print(f"{'  (bare parsing alone, in-process)':32} {r['bare']['seconds']:7.1f}")
    if 1 in results["runs"] and 2 in results["runs"]:
        one, two = results["runs"][1], results["runs"][2]
        speedup = one["ingest"]["wall"] / two["ingest"]["wall"]
        results["ingest_speedup_2_workers"] = speedup
        print(f"\nkb ingest, 2 workers vs 1: {speedup:.2f}x wall "
              f"(bare nlp.pipe n_process=2 vs 1: {one['bare']['wall'] / two['bare']['wall']:.2f}x); "
              f"CPU of the 2-worker run / the 1-worker run: {two['ingest']['cpu'] / one['ingest']['cpu']:.2f}")
    big = results["runs"][args.workers[0]]["ingest"]
    results["memory"] = {"small_docs": n_files // 10, "small_mb": small["rss_mb"],
                         "large_docs": n_files, "large_mb": big["rss_mb"]}
    print(f"peak RSS of kb ingest (workers={args.workers[0]}): {n_files // 10} docs {small['rss_mb']:.0f} MB, "
          f"{n_files} docs {big['rss_mb']:.0f} MB (+{100 * (big['rss_mb'] / small['rss_mb'] - 1):.0f}%)")
    print(f"ingest summary: {big['summary']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    sys.exit(main())
